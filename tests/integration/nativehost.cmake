if(TARGET reporunner-nativehost)
  reporunner_add_test(NAME test_nativehost SOURCES test_nativehost.cpp
    LIBS reporunner_ipc reporunner_testsupport LABEL integration
    ENV "REPORUNNER_NATIVEHOST=$<TARGET_FILE:reporunner-nativehost>")
  add_dependencies(test_nativehost reporunner-nativehost)
endif()
