# What 10,000 watches cost end-to-end ingest against 10, and the latency of a watch's series
# under sustained ingest, on the real `vigie serve` binary. A program that prints
# figures, not a timed test.
#   watch_bench --vigie BUILD/server/vigie [--mentions 200000] [--watches 10000] [--runs 3]
#               [--series-requests 2000] [--background-rate 5000]
# Included from tests/CMakeLists.txt; paths are relative to this file.

if(VIGIE_BUILD_BENCHMARKS)
  add_executable(watch_bench ${CMAKE_CURRENT_LIST_DIR}/watch_bench.cpp)
  target_link_libraries(watch_bench
    PRIVATE vigie::pipeline vigie_mention_generator
            Boost::headers simdjson::simdjson Threads::Threads
  )
  # The bench enriches and matches every mention itself to know each watch's expected volume:
  # it needs the built lexicons.
  target_compile_definitions(watch_bench
    PRIVATE VIGIE_BENCH_LEXICON_DIR="${VIGIE_LEXICON_DIR}"
            BOOST_BEAST_USE_STD_STRING_VIEW
  )
  add_dependencies(watch_bench vigie_lexicons vigie)
  # A fixed place whatever directory includes this file: tests/bench/run.sh looks here.
  set_target_properties(watch_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bench)
endif()
