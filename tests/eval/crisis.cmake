# crisis_eval: precision, recall and delay of the crisis detector on synthetic streams with
# injected crises and decoys (tests/eval/crisis_eval.cpp says how they are made and scored).
#   crisis_eval [--seeds report|tune] [--quick] [--watches N] [--days D] [--option NAME=VALUE]
#   crisis_eval --csv FILE     # timestamp,value rows (volume only): prints the alerts
# An evaluation that prints a table, not a test. crisis_eval_smoke runs its quick subset (under
# a second) and fails when recall < 0.95 or precision < 0.90. Labelled eval, not unit: the
# sanitizer build (make asan) builds only the unit test targets.
# Included from tests/CMakeLists.txt; paths are relative to this file.

add_executable(crisis_eval ${CMAKE_CURRENT_LIST_DIR}/crisis_eval.cpp)
target_link_libraries(crisis_eval PRIVATE vigie::pipeline)
set_target_properties(crisis_eval PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/eval)
if(VIGIE_BUILD_TESTS)
  add_test(NAME crisis_eval_smoke COMMAND crisis_eval --quick)
  set_tests_properties(crisis_eval_smoke PROPERTIES LABELS eval TIMEOUT 60)
endif()
