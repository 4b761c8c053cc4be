# Control API: framing, message codec and parameter schemas (no sockets).
reporunner_add_test(NAME test_ipc_frame SOURCES test_ipc_frame.cpp LIBS reporunner_ipc LABEL unit)
reporunner_add_test(NAME test_ipc_message SOURCES test_ipc_message.cpp LIBS reporunner_ipc LABEL unit)
# libFuzzer on the frame and message decoders, built in the asan tree (ASan + UBSan) by
# scripts/test.sh; like fuzz_compose it fails rather than skips when the binary is missing.
add_test(NAME fuzz_ipc COMMAND ${PROJECT_SOURCE_DIR}/scripts/run-fuzzer.sh fuzz_ipc 20)
set_tests_properties(fuzz_ipc PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
# The control protocol has one description (engine/ipc/protocol.json); a copy that drops a
# method must break the C++ build. The extension's side is proven by its protocoldrift test.
add_test(NAME ipc_protocol_drift
  COMMAND ${CMAKE_COMMAND} -DSCHEMA=${PROJECT_SOURCE_DIR}/engine/ipc/protocol.json
          -DGENERATOR=${PROJECT_SOURCE_DIR}/engine/ipc/genprotocol.cmake -DCXX=${CMAKE_CXX_COMPILER}
          "-DINCLUDES=$<JOIN:$<TARGET_PROPERTY:Qt6::Core,INTERFACE_INCLUDE_DIRECTORIES>,|>"
          -DENGINE=${PROJECT_SOURCE_DIR}/engine -DWORK=${CMAKE_CURRENT_BINARY_DIR}/protocol_drift
          -P ${CMAKE_CURRENT_SOURCE_DIR}/protocol_drift.cmake)
set_tests_properties(ipc_protocol_drift PROPERTIES LABELS unit)
