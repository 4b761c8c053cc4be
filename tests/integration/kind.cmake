# kind cluster discovery and image delivery (engine/kind).
reporunner_add_test(NAME test_kind_units SOURCES test_kind_units.cpp LIBS reporunner_kind LABEL unit)
reporunner_add_test(NAME test_kind_delivery
  SOURCES test_kind_delivery.cpp test_kindfakenode.h test_dockerfixture.h
  LIBS reporunner_kind reporunner_testsupport LABEL integration LOCK docker TIMEOUT 300)
# KEP-1755 registry pushes against the real daemon and Debian's docker-registry.
reporunner_add_test(NAME test_kind_registry
  SOURCES test_kind_registry.cpp test_registryserver.h test_kindfakenode.h test_dockerfixture.h
  LIBS reporunner_kind reporunner_testsupport Qt6::Network LABEL integration LOCK docker TIMEOUT 300)
# kind cluster creation; `kind` is a recording script (see the test).
reporunner_add_test(NAME test_kind_creator SOURCES test_kind_creator.cpp test_kube_support.h
  LIBS reporunner_kind LABEL integration TIMEOUT 120)
# Real kind: the kind CLI from its Go module, a node image assembled offline by
# infra/kind-node-image.sh, cluster creation through ClusterCreator and delivery through
# ImageDelivery. kind_real.sh builds what it needs (cached) and skips where it can't.
reporunner_add_test(NAME test_kind_real SOURCES test_kind_real.cpp test_dockerfixture.h test_kube_support.h
  LIBS reporunner_kind reporunner_testsupport LABEL integration LOCK docker TIMEOUT 2400
  WRAPPER ${CMAKE_CURRENT_SOURCE_DIR}/kind_real.sh)
