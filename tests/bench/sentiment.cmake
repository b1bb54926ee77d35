# Throughput of the sentiment engine (tokenise + score, language given), one thread.
#   sentiment_bench --lexicons DIR --corpus FILE [--corpus FILE]... [--seconds N] [--runs R]
# Included from tests/CMakeLists.txt.

if(VIGIE_BUILD_BENCHMARKS)
  add_executable(sentiment_bench ${CMAKE_CURRENT_LIST_DIR}/sentiment_bench.cpp ${CMAKE_CURRENT_LIST_DIR}/allocation_counter.cpp)
  target_link_libraries(sentiment_bench PRIVATE vigie::pipeline)
  add_dependencies(sentiment_bench vigie_lexicons)
  # Beside the other benchmarks, where tests/bench/peers/run.sh looks for it.
  set_target_properties(sentiment_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bench)
endif()
