# End-to-end ingest throughput against the raw RocksDB batched-write ceiling, plus overload
# behaviour of the real `vigie serve` binary. A program that prints figures, not a
# timed test.
#   ingest_bench --vigie BUILD/server/vigie [--mentions 400000] [--batch 1000]
#                [--connections 4] [--runs 3]
# Included from tests/CMakeLists.txt; paths are relative to this file.

if(VIGIE_BUILD_BENCHMARKS)
  add_executable(ingest_bench ${CMAKE_CURRENT_LIST_DIR}/ingest_bench.cpp)
  target_link_libraries(ingest_bench
    PRIVATE vigie::pipeline vigie::storage vigie_mention_generator
            Boost::headers simdjson::simdjson Threads::Threads
  )
  # The bench applies the server's enrichers so that the ceiling writes records of the same
  # size as the pipeline does: it needs the built lexicons.
  target_compile_definitions(ingest_bench
    PRIVATE VIGIE_BENCH_LEXICON_DIR="${VIGIE_LEXICON_DIR}"
            BOOST_BEAST_USE_STD_STRING_VIEW
  )
  add_dependencies(ingest_bench vigie_lexicons vigie)
  # A fixed place whatever directory includes this file: tests/bench/run.sh looks here.
  set_target_properties(ingest_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bench)
endif()
