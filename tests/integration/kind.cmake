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
