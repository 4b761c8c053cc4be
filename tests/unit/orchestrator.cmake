# Orchestrator unit tests: the run state machine and reconciliation against a scripted runtime.
reporunner_add_test(NAME test_orchestrator SOURCES test_orchestrator.cpp
  LIBS reporunner_runs reporunner_control reporunner_testsupport LABEL unit)
# The rollout state machine both runtimes drive, against a scripted driver.
reporunner_add_test(NAME test_rollout SOURCES test_rollout.cpp
  LIBS reporunner_runtime reporunner_ipc LABEL unit)
# Per-run loopback preview addresses and the Docker firewall's names (issue 11 §5, §4).
reporunner_add_test(NAME test_loopback_addresses SOURCES test_loopback_addresses.cpp
  LIBS reporunner_dockerruntime reporunner_runtime Qt6::Network LABEL unit)
