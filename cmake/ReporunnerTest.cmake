# reporunner_add_test(NAME name SOURCES ... LIBS ... LABEL unit|integration|gui [LOCK res] [TIMEOUT s] [ENV k=v...]
#                     [WRAPPER script] [REAL_CLUSTER|REAL_CLUSTER_ONLY])  WRAPPER runs the test through a script (e.g. Xvfb +
# tray host). REAL_CLUSTER registers the same executable a second time as <name>_real, against the
# cluster scripts/local-cluster.sh brings up (the local_cluster fixture); REAL_CLUSTER_ONLY registers
# only that one, for tests of what only a real cluster does (admission, NetworkPolicy enforcement).
# One Qt Test executable per test file, registered with its label and resource lock.
function(reporunner_add_test)
  cmake_parse_arguments(T "REAL_CLUSTER;REAL_CLUSTER_ONLY" "NAME;LABEL;LOCK;TIMEOUT;WRAPPER" "SOURCES;LIBS;ENV" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test reporunner_options ${T_LIBS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  if(T_REAL_CLUSTER_ONLY)
    set(T_REAL_CLUSTER ON)
  elseif(T_WRAPPER)
    add_test(NAME ${T_NAME} COMMAND ${T_WRAPPER} $<TARGET_FILE:${T_NAME}>)
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set(env "REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "REPORUNNER_BINARY_DIR=${PROJECT_BINARY_DIR}" ${T_ENV})
  if(T_LABEL STREQUAL "unit")
    list(APPEND env "QT_QPA_PLATFORM=offscreen")
  endif()
  if(NOT T_REAL_CLUSTER_ONLY)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${env}")
  endif()
  if(T_LOCK AND NOT T_REAL_CLUSTER_ONLY)
    set_tests_properties(${T_NAME} PROPERTIES RESOURCE_LOCK ${T_LOCK})
  endif()
  if(T_REAL_CLUSTER)
    add_test(NAME ${T_NAME}_real COMMAND ${T_NAME})
    # One test at a time on the real cluster: its node shares the machine's two cores.
    set_tests_properties(${T_NAME}_real PROPERTIES LABELS "${T_LABEL};real-cluster" TIMEOUT ${T_TIMEOUT}
      ENVIRONMENT "${env};REPORUNNER_TEST_CLUSTER=local" FIXTURES_REQUIRED local_cluster
      RESOURCE_LOCK "local_cluster;${T_LOCK}")
  endif()
endfunction()
