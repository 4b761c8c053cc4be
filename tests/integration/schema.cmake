# Generated Kubernetes objects against the real schema (Debian's python3-kubernetes models).
reporunner_add_test(NAME test_schema_validator SOURCES test_schema_validator.cpp
  LIBS reporunner_testsupport LABEL integration TIMEOUT 120)
reporunner_add_test(NAME test_schema SOURCES test_schema.cpp
  LIBS reporunner_kuberender reporunner_testsupport LABEL integration TIMEOUT 180)
