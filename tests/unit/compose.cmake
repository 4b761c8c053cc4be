# Compose loader tests: one executable per file, plus the compose fuzzer run from the asan tree.
foreach(t test_compose_interpolation test_compose_syntax test_compose_loader test_compose_composition
          test_compose_errors)
  reporunner_add_test(NAME ${t} SOURCES ${t}.cpp LIBS reporunner_project reporunner_testsupport LABEL unit)
endforeach()

# The fuzzer itself is built in the asan tree (scripts/test.sh builds it first and sets
# REPORUNNER_FUZZ_DIR); this test fails, rather than skips, when the binary is missing.
add_test(NAME fuzz_compose COMMAND ${PROJECT_SOURCE_DIR}/scripts/run-fuzzer.sh fuzz_compose 20)
set_tests_properties(fuzz_compose PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
