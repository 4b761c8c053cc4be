# The Docker runtime (engine/dockerruntime) against the real daemon: compose and Dockerfile
# examples to READY, diagnosis, port rules and teardown.
reporunner_add_test(NAME test_dockerruntime SOURCES test_dockerruntime.cpp test_dockerfixture.h test_planfor.h
  LIBS reporunner_dockerruntime reporunner_runs reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 600)

# Issue 11 §4/§5: the run firewall (host, other runs, offline, cleanup after a crash) and the
# per-run loopback preview addresses, on the real daemon; needs root for iptables and netns.
reporunner_add_test(NAME test_docker_isolation SOURCES test_docker_isolation.cpp test_dockerfixture.h test_planfor.h
  LIBS reporunner_dockerruntime reporunner_runs reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 600)
# The same, with an engine that leaves every firewall change to the root helper it would use
# when not root (app/firewall), served on a socket of the test's own.
if(TARGET reporunner-firewall)
  add_test(NAME test_docker_isolation_helper COMMAND test_docker_isolation)
  set_tests_properties(test_docker_isolation_helper PROPERTIES LABELS integration TIMEOUT 600 RESOURCE_LOCK docker
    ENVIRONMENT "REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR};REPORUNNER_BINARY_DIR=${PROJECT_BINARY_DIR};REPORUNNER_TEST_FIREWALL_HELPER=$<TARGET_FILE:reporunner-firewall>")
  # Who the helper serves, what it refuses, and `reporunner run` by a user who is not root.
  if(TARGET reporunner)
    reporunner_add_test(NAME test_firewall_helper SOURCES test_firewall_helper.cpp
      LIBS reporunner_dockerruntime reporunner_testsupport LABEL integration LOCK docker TIMEOUT 300
      ENV "REPORUNNER_TEST_FIREWALL_HELPER=$<TARGET_FILE:reporunner-firewall>" "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
    add_dependencies(test_firewall_helper reporunner reporunner-firewall)
  endif()
  add_dependencies(test_docker_isolation reporunner-firewall)
endif()
