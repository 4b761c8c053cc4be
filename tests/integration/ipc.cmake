# Control API over real local sockets, against a fake handler (the engine plugs in later).
reporunner_add_test(NAME test_ipc_server SOURCES test_ipc_server.cpp test_ipc_support.h
  LIBS reporunner_ipc LABEL integration TIMEOUT 120)
reporunner_add_test(NAME test_ipc_streams SOURCES test_ipc_streams.cpp test_ipc_support.h
  LIBS reporunner_ipc LABEL integration TIMEOUT 120)
# Runs as root in CI; it starts a probe as uid 65534 (nobody) to check the socket refuses it.
add_executable(test_ipc_probe test_ipc_probe.cpp)
set_target_properties(test_ipc_probe PROPERTIES AUTOMOC OFF)
reporunner_add_test(NAME test_ipc_permissions SOURCES test_ipc_permissions.cpp test_ipc_support.h
  LIBS reporunner_ipc LABEL integration TIMEOUT 120)
add_dependencies(test_ipc_permissions test_ipc_probe)
