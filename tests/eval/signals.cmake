# signals_eval: precision, recall, delay, memory and cost of weak-signal detection
# (pipeline/terms.h, pipeline/signals.h) on synthetic hourly streams with injected emerging
# terms and decoys (tests/eval/signals_eval.cpp says how they are made and scored).
#   signals_eval [--seeds report|tune|N,N...] [--quick] [--watches N] [--days D] [--signals]
# An evaluation that prints a table, not a test; signals_eval_smoke runs its quick subset and
# fails when term-level precision or recall is below 0.8.
# Included from tests/CMakeLists.txt; paths are relative to this file.

add_executable(signals_eval ${CMAKE_CURRENT_LIST_DIR}/signals_eval.cpp)
target_link_libraries(signals_eval PRIVATE vigie::pipeline)
set_target_properties(signals_eval PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/eval)
if(VIGIE_BUILD_TESTS)
  add_test(NAME signals_eval_smoke COMMAND signals_eval --quick)
  set_tests_properties(signals_eval_smoke PROPERTIES LABELS eval TIMEOUT 120)
endif()
