if(TARGET reporunner)
  reporunner_add_test(NAME test_cli_plan SOURCES test_cli_plan.cpp LIBS reporunner_testsupport LABEL integration
    ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_cli_plan reporunner)
endif()
if(TARGET reporunner)
  # Creating the kind cluster with consent; `kind` is a recording script (see the test).
  reporunner_add_test(NAME test_cli_cluster SOURCES test_cli_cluster.cpp test_dockerfixture.h
    LIBS reporunner_docker reporunner_testsupport LABEL integration LOCK docker TIMEOUT 300
    ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_cli_cluster reporunner)
endif()
if(TARGET reporunner)
  # `reporunner logs` strips a service's terminal escape sequences unless --raw.
  reporunner_add_test(NAME test_cli_logs SOURCES test_cli_logs.cpp LIBS reporunner_ipc LABEL integration
    ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_cli_logs reporunner)
endif()
if(TARGET reporunner)
  # A compose project as users write it, run by `reporunner run` on the real local cluster.
  reporunner_add_test(NAME test_cli_kube SOURCES test_cli_kube.cpp
    LIBS reporunner_kubetestenv reporunner_testsupport Qt6::Network LABEL integration LOCK docker TIMEOUT 600
    REAL_CLUSTER_ONLY ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_cli_kube reporunner)
endif()
