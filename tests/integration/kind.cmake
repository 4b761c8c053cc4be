# kind cluster discovery and image delivery (engine/kind).
reporunner_add_test(NAME test_kind_units SOURCES test_kind_units.cpp LIBS reporunner_kind LABEL unit)
reporunner_add_test(NAME test_kind_delivery
  SOURCES test_kind_delivery.cpp test_kindfakenode.h test_dockerfixture.h
  LIBS reporunner_kind reporunner_testsupport LABEL integration LOCK docker TIMEOUT 300)
