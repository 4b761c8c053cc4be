# Orchestrator unit tests: the run state machine and reconciliation against a scripted runtime.
reporunner_add_test(NAME test_orchestrator SOURCES test_orchestrator.cpp
  LIBS reporunner_runs reporunner_control reporunner_testsupport LABEL unit)
# The rollout state machine both runtimes drive, against a scripted driver.
reporunner_add_test(NAME test_rollout SOURCES test_rollout.cpp
  LIBS reporunner_runtime reporunner_ipc LABEL unit)
