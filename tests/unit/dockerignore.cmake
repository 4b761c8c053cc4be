# .dockerignore matching and build-context packing (engine/docker).
reporunner_add_test(NAME test_dockerignore SOURCES test_dockerignore.cpp
  LIBS reporunner_docker LABEL unit)
# 200k files: seconds on an idle machine, minutes on a busy one; QtTest's own 5-minute
# watchdog would fire before CTest's timeout, so it is raised to match.
reporunner_add_test(NAME test_dockerignore_context SOURCES test_dockerignore_context.cpp
  LIBS reporunner_docker reporunner_testsupport LibArchive::LibArchive LABEL unit TIMEOUT 900
  ENV QTEST_FUNCTION_TIMEOUT=880000)

# The one escaper for Docker Engine API path segments (engine/docker/apirequest).
reporunner_add_test(NAME test_docker_apirequest SOURCES test_docker_apirequest.cpp
  LIBS reporunner_docker LABEL unit)
