reporunner_add_test(NAME test_dockerfile SOURCES test_dockerfile.cpp LIBS reporunner_project LABEL unit)
reporunner_add_test(NAME test_detect SOURCES test_detect.cpp LIBS reporunner_project reporunner_testsupport LABEL unit)
reporunner_add_test(NAME test_units SOURCES test_units.cpp LIBS reporunner_core LABEL unit)
