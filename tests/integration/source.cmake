# Source subsystem: URL parsing (unit) and cloning from real git servers on 127.0.0.1 (integration).
reporunner_add_test(NAME test_source_spec SOURCES test_source_spec.cpp
  LIBS reporunner_source LABEL unit)
reporunner_add_test(NAME test_source_fetch SOURCES test_source_fetch.cpp
  LIBS reporunner_source reporunner_testsupport LABEL integration TIMEOUT 240)
# Starts its own D-Bus session and gnome-keyring (packages dbus, gnome-keyring).
# It also drives `reporunner auth` and the control API's auth.* methods of `reporunner serve`, so
# it needs the CLI (trees built without the app skip it).
if(TARGET reporunner)
  reporunner_add_test(NAME test_source_token SOURCES test_source_token.cpp
    LIBS reporunner_source reporunner_ipc reporunner_testsupport LABEL integration TIMEOUT 120
    ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>")
  add_dependencies(test_source_token reporunner)
endif()
# detect before a click: GitHub's REST API (a stand-in on 127.0.0.1) instead of a clone.
reporunner_add_test(NAME test_detect_remote SOURCES test_detect_remote.cpp
  LIBS reporunner_control reporunner_runs reporunner_source reporunner_testsupport LABEL integration TIMEOUT 120)
# plan before Start: the file list and the few files the planner reads, through the API; no clone.
reporunner_add_test(NAME test_plan_remote SOURCES test_plan_remote.cpp
  LIBS reporunner_control reporunner_runs reporunner_source reporunner_testsupport LABEL integration TIMEOUT 120)
