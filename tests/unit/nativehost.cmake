if(TARGET reporunner_nativehost_lib)
  reporunner_add_test(NAME test_nativehost_framing SOURCES test_nativehost_framing.cpp
    LIBS reporunner_nativehost_lib LABEL unit)
endif()
