reporunner_add_test(NAME test_names SOURCES test_names.cpp LIBS reporunner_core LABEL unit)
reporunner_add_test(NAME test_linebuffer SOURCES test_linebuffer.cpp LIBS reporunner_core LABEL unit)
reporunner_add_test(NAME test_terminaltext SOURCES test_terminaltext.cpp LIBS reporunner_core LABEL unit)
