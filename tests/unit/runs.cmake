reporunner_add_test(NAME test_runstore SOURCES test_runstore.cpp LIBS reporunner_runs Qt6::Sql LABEL unit)
