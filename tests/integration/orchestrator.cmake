# The orchestrator and the CLI's run commands against the real Docker runtime.
if(TARGET reporunner_dockerruntime)
  reporunner_add_test(NAME test_orchestrator_docker SOURCES test_orchestrator_docker.cpp test_dockerfixture.h
    LIBS reporunner_runs reporunner_control reporunner_dockerruntime reporunner_testsupport Qt6::Network
    LABEL integration LOCK docker TIMEOUT 600)
endif()
if(TARGET reporunner AND TARGET reporunner_dockerruntime)
  reporunner_add_test(NAME test_cli_run SOURCES test_cli_run.cpp test_dockerfixture.h
    LIBS reporunner_docker reporunner_ipc reporunner_testsupport Qt6::Network
    LABEL integration LOCK docker TIMEOUT 600 ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_cli_run reporunner)
endif()
