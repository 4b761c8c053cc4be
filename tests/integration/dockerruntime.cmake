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
