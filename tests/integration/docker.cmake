# Docker Engine API client and image builds (engine/docker).
reporunner_add_test(NAME test_docker_protocol SOURCES test_docker_protocol.cpp
  LIBS reporunner_docker LABEL unit)
reporunner_add_test(NAME test_docker_client SOURCES test_docker_client.cpp test_dockerfixture.h
  LIBS reporunner_docker reporunner_testsupport LABEL integration LOCK docker TIMEOUT 300)
reporunner_add_test(NAME test_docker_build SOURCES test_docker_build.cpp test_dockerfixture.h
  LIBS reporunner_docker reporunner_testsupport LABEL integration LOCK docker TIMEOUT 600)
reporunner_add_test(NAME test_prune_docker SOURCES test_prune_docker.cpp test_dockerfixture.h
  LIBS reporunner_runs reporunner_docker reporunner_testsupport LABEL integration LOCK docker TIMEOUT 600)
