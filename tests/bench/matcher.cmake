# Cost of watch matching per mention on one core, with 10,000 and 10 watches, and of
# building the matcher. A program that prints figures, not a timed test.
#   matcher_bench [--watches 10000] [--mentions 20000] [--runs 7] [--seed 42]
# Included from tests/CMakeLists.txt; paths are relative to this file.

if(VIGIE_BUILD_BENCHMARKS)
  add_executable(matcher_bench ${CMAKE_CURRENT_LIST_DIR}/matcher_bench.cpp ${CMAKE_CURRENT_LIST_DIR}/allocation_counter.cpp)
  target_link_libraries(matcher_bench PRIVATE vigie::pipeline vigie_mention_generator)
  set_target_properties(matcher_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bench)
endif()
