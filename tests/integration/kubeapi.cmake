# The Kubernetes test API server, checked by real clients (kubectl, python3-kubernetes).
reporunner_add_test(NAME test_kubeapi_kubectl SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kubeapi_kubectl.cpp
  LIBS reporunner_kubetestenv Qt6::Network LABEL integration TIMEOUT 120 REAL_CLUSTER)
reporunner_add_test(NAME test_kubeapi_rest SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_kubeapi_rest.cpp
  LIBS reporunner_kubetestenv Qt6::Network LABEL integration TIMEOUT 180 REAL_CLUSTER)
add_test(NAME kubeapi_portforward
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/kubeapi_portforward.py
    --server $<TARGET_FILE:rr-test-apiserver>
    --schema ${RR_KUBEAPI_SCHEMA}
    --certs-script ${CMAKE_CURRENT_LIST_DIR}/../support/kubeapi/make_certs.sh)
set_tests_properties(kubeapi_portforward PROPERTIES LABELS integration TIMEOUT 120)
