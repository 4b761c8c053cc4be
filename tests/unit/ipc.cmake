# Control API: framing, message codec and parameter schemas (no sockets).
reporunner_add_test(NAME test_ipc_frame SOURCES test_ipc_frame.cpp LIBS reporunner_ipc LABEL unit)
reporunner_add_test(NAME test_ipc_message SOURCES test_ipc_message.cpp LIBS reporunner_ipc LABEL unit)
# libFuzzer on the frame and message decoders, built in the asan tree (ASan + UBSan) by
# scripts/test.sh; like fuzz_compose it fails rather than skips when the binary is missing.
add_test(NAME fuzz_ipc COMMAND ${PROJECT_SOURCE_DIR}/scripts/run-fuzzer.sh fuzz_ipc 20)
set_tests_properties(fuzz_ipc PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
