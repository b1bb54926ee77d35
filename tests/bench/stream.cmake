# Ingest-to-alert latency of the live feed (POST accepted -> WebSocket frame received) on the
# real `vigie serve` binary, idle and at half the maximum ingest rate. A program that prints
# figures, not a timed test.
#   stream_bench --vigie BUILD/server/vigie [--seconds 60] [--idle-seconds 20] [--rate N]
#                [--watches 40] [--quick]
# Included from tests/CMakeLists.txt; paths are relative to this file.

if(VIGIE_BUILD_BENCHMARKS)
  add_executable(stream_bench ${CMAKE_CURRENT_LIST_DIR}/stream_bench.cpp)
  # Only the client side: Beast for HTTP and the WebSocket feeds, simdjson for the frames, the
  # generator for the filler tenant's mentions. No server library: it measures the binary.
  target_link_libraries(stream_bench
    PRIVATE vigie_mention_generator Boost::headers simdjson::simdjson Threads::Threads
  )
  target_compile_definitions(stream_bench PRIVATE BOOST_BEAST_USE_STD_STRING_VIEW)
  add_dependencies(stream_bench vigie)
  # A fixed place whatever directory includes this file: tests/bench/run.sh looks here.
  set_target_properties(stream_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bench)
endif()
