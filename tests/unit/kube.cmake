# The Kubernetes client's pure parts: kubeconfig, exec credentials, diagnoses, rollout rules,
# the local-registry-hosting parser and the image map.
reporunner_add_test(NAME test_kube_config SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_config.cpp
  LIBS reporunner_kube LABEL unit)
reporunner_add_test(NAME test_kube_diagnosis SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_diagnosis.cpp
  LIBS reporunner_kube LABEL unit)
reporunner_add_test(NAME test_kube_registry SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_registry.cpp
  LIBS reporunner_kube LABEL unit)
reporunner_add_test(NAME test_context_policy SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_context_policy.cpp
  LIBS reporunner_kube LABEL unit)
