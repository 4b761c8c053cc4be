# The engine's Kubernetes client and runtime against rr-test-apiserver (or REPORUNNER_TEST_KUBECONFIG).
reporunner_add_test(NAME test_kube_client SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_client.cpp
  LIBS reporunner_kube reporunner_kubetestenv Qt6::Network LABEL integration TIMEOUT 120)
reporunner_add_test(NAME test_kube_runtime SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_runtime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h
  LIBS reporunner_kube reporunner_runs reporunner_kubetestenv Qt6::Network LABEL integration TIMEOUT 240)
reporunner_add_test(NAME test_kube_registry_delivery
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_registry_delivery.cpp ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h
  ${CMAKE_CURRENT_LIST_DIR}/test_registryserver.h ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h
  LIBS reporunner_kind reporunner_kube reporunner_runs reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 300)
reporunner_add_test(NAME test_kube_attach SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_attach.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h
  LIBS reporunner_kube reporunner_runs reporunner_kubetestenv Qt6::Network LABEL integration TIMEOUT 240)
