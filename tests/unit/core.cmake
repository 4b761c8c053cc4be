reporunner_add_test(NAME test_names SOURCES test_names.cpp LIBS reporunner_core LABEL unit)
