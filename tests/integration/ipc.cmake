# Control API over real local sockets, against a fake handler (the engine plugs in later).
reporunner_add_test(NAME test_ipc_server SOURCES test_ipc_server.cpp test_ipc_support.h
  LIBS reporunner_ipc LABEL integration TIMEOUT 120)
reporunner_add_test(NAME test_ipc_streams SOURCES test_ipc_streams.cpp test_ipc_support.h
  LIBS reporunner_ipc LABEL integration TIMEOUT 120)
# Runs as root in CI; it starts a probe as uid 65534 (nobody) to check the socket refuses it.
add_executable(test_ipc_probe test_ipc_probe.cpp)
set_target_properties(test_ipc_probe PROPERTIES AUTOMOC OFF)
# The squatting cases run the real server, CLI and native host as a second uid.
set(_rr_perm_env)
if(TARGET reporunner AND TARGET reporunner-nativehost)
  set(_rr_perm_env "REPORUNNER_CLI=$<TARGET_FILE:reporunner>" "REPORUNNER_NATIVEHOST=$<TARGET_FILE:reporunner-nativehost>")
endif()
reporunner_add_test(NAME test_ipc_permissions SOURCES test_ipc_permissions.cpp test_ipc_support.h
  LIBS reporunner_ipc LABEL integration TIMEOUT 120 ENV ${_rr_perm_env})
add_dependencies(test_ipc_permissions test_ipc_probe)
if(TARGET reporunner AND TARGET reporunner-nativehost)
  add_dependencies(test_ipc_permissions reporunner reporunner-nativehost)
endif()
