reporunner_add_test(NAME test_runstore SOURCES test_runstore.cpp LIBS reporunner_runs Qt6::Sql LABEL unit)
reporunner_add_test(NAME test_retention SOURCES test_retention.cpp LIBS reporunner_runs reporunner_testsupport LABEL unit)
