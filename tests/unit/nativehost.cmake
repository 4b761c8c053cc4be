if(TARGET reporunner_nativehost_lib)
  reporunner_add_test(NAME test_nativehost_framing SOURCES test_nativehost_framing.cpp
    LIBS reporunner_nativehost_lib LABEL unit)
endif()
# libFuzzer on the host's browser side (frame reader, request checks, frame encoder), built in
# the asan tree by scripts/test.sh; fails rather than skips when the binary is missing.
add_test(NAME fuzz_nativehost COMMAND ${PROJECT_SOURCE_DIR}/scripts/run-fuzzer.sh fuzz_nativehost 20)
set_tests_properties(fuzz_nativehost PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
