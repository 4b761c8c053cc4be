# The engine's Kubernetes client and runtime against rr-test-apiserver (or REPORUNNER_TEST_KUBECONFIG),
# and again (<name>_real) against the real cluster of scripts/local-cluster.sh.
# The fixture brings that cluster up (idempotent); scripts/test.sh builds its binaries first and
# takes it down at the end.
add_test(NAME local_cluster_up COMMAND ${PROJECT_SOURCE_DIR}/scripts/local-cluster.sh up)
set_tests_properties(local_cluster_up PROPERTIES LABELS "integration;real-cluster" TIMEOUT 3000
  FIXTURES_SETUP local_cluster RESOURCE_LOCK local_cluster)
reporunner_add_test(NAME test_kube_client SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_client.cpp
  LIBS reporunner_kube reporunner_kubetestenv Qt6::Network LABEL integration TIMEOUT 120 REAL_CLUSTER)
reporunner_add_test(NAME test_kube_runtime SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_runtime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  LIBS reporunner_kind reporunner_kube reporunner_runs reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 900 REAL_CLUSTER)
reporunner_add_test(NAME test_kube_registry_delivery
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_registry_delivery.cpp ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h
  ${CMAKE_CURRENT_LIST_DIR}/test_registryserver.h ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h
  LIBS reporunner_kind reporunner_kube reporunner_runs reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 300 REAL_CLUSTER)
reporunner_add_test(NAME test_kube_attach SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_attach.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h
  ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  LIBS reporunner_kind reporunner_kube reporunner_runs reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 600 REAL_CLUSTER)
# What only a real cluster shows: admission plugins and NetworkPolicy enforcement between runs.
reporunner_add_test(NAME test_kube_sandbox SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_sandbox.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  LIBS reporunner_kind reporunner_kube reporunner_runs reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 600 REAL_CLUSTER_ONLY)
# The rollout rules (engine/runtime/rollout) as one table, run on each runtime: the Kubernetes
# simulator (and the real cluster as _real) here, real Docker below.
reporunner_add_test(NAME test_rollout_rules_kube SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_rollout_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h ${CMAKE_CURRENT_LIST_DIR}/test_dockerfixture.h
  LIBS reporunner_kind reporunner_kube reporunner_dockerruntime reporunner_runs reporunner_kubetestenv
  reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 900 REAL_CLUSTER ENV REPORUNNER_ROLLOUT_RUNTIME=kubernetes)
reporunner_add_test(NAME test_rollout_rules_docker SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_rollout_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h ${CMAKE_CURRENT_LIST_DIR}/test_dockerfixture.h
  LIBS reporunner_kind reporunner_kube reporunner_dockerruntime reporunner_runs reporunner_kubetestenv
  reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 600 ENV REPORUNNER_ROLLOUT_RUNTIME=docker)
# Whether a cluster enforces NetworkPolicy (kube/networkpolicyprobe): both answers on the
# simulator, the real answer on the local cluster (_real).
reporunner_add_test(NAME test_network_probe SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_network_probe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  LIBS reporunner_kind reporunner_kube reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 600 REAL_CLUSTER)
# Named volumes shared by services: one PersistentVolumeClaim with a default StorageClass, else
# per-pod emptyDirs reported as not shared (the real cluster gets its class from local-cluster.sh).
reporunner_add_test(NAME test_kube_volumes SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kube_volumes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_kube_support.h ${CMAKE_CURRENT_LIST_DIR}/test_planfor.h
  ${CMAKE_CURRENT_LIST_DIR}/test_clusterimages.h
  LIBS reporunner_kind reporunner_kube reporunner_runs reporunner_kubetestenv reporunner_testsupport Qt6::Network
  LABEL integration LOCK docker TIMEOUT 900 REAL_CLUSTER)
