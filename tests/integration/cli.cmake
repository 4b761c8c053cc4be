if(TARGET reporunner)
  reporunner_add_test(NAME test_cli_plan SOURCES test_cli_plan.cpp LIBS reporunner_testsupport LABEL integration
    ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_cli_plan reporunner)
endif()
