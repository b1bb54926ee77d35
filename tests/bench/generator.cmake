# Synthetic mention generator: library, CLI and unit test.
# Included from tests/CMakeLists.txt; paths are relative to this file so that it works whatever
# the including directory.

add_library(vigie_mention_generator STATIC
  ${CMAKE_CURRENT_LIST_DIR}/mention_generator.cpp
)
# Headers are included as "tests/bench/mention_generator.h", from the repository root.
target_include_directories(vigie_mention_generator PUBLIC ${CMAKE_CURRENT_LIST_DIR}/../..)
target_compile_features(vigie_mention_generator PUBLIC cxx_std_20)

add_executable(generate_mentions ${CMAKE_CURRENT_LIST_DIR}/generate_mentions.cpp)
target_link_libraries(generate_mentions PRIVATE vigie_mention_generator)

if(VIGIE_BUILD_TESTS)
  add_executable(mention_generator_test ${CMAKE_CURRENT_LIST_DIR}/mention_generator_test.cpp)
  target_link_libraries(mention_generator_test
    PRIVATE vigie_mention_generator simdjson::simdjson GTest::gtest_main
  )
  add_test(NAME mention_generator_test COMMAND mention_generator_test)
  set_tests_properties(mention_generator_test PROPERTIES LABELS unit)
endif()
