# Orchestrator unit tests: the run state machine and reconciliation against a scripted runtime.
reporunner_add_test(NAME test_orchestrator SOURCES test_orchestrator.cpp
  LIBS reporunner_runs reporunner_control reporunner_testsupport LABEL unit)
