# The tray app: model tests (no QML) and the real app under Xvfb with a tray host and dunst.
reporunner_add_test(NAME test_tray_models SOURCES unit/test_tray_models.cpp LIBS reporunner_trayapp LABEL unit)
# The preview's origin rule and its browser path (the build without Qt WebEngine), stub browser.
reporunner_add_test(NAME test_tray_preview SOURCES unit/test_tray_preview.cpp LIBS reporunner_trayapp LABEL unit)
reporunner_add_test(NAME test_tray_autostart SOURCES unit/test_tray_autostart.cpp LIBS reporunner_trayapp reporunner_testsupport
  LABEL unit)
if(TARGET reporunner)
  reporunner_add_test(NAME test_tray_gui SOURCES gui/test_tray_gui.cpp integration/test_dockerfixture.h
    LIBS reporunner_trayapp reporunner_docker reporunner_testsupport LABEL gui LOCK docker TIMEOUT 150
    WRAPPER ${CMAKE_CURRENT_SOURCE_DIR}/gui/run-under-xvfb.sh
    ENV "REPORUNNER_CLI=$<TARGET_FILE:reporunner>" "REPORUNNER_TRAY=$<TARGET_FILE:reporunner-tray>"
        "QT_QUICK_BACKEND=software" "REPORUNNER_ARTIFACTS=${PROJECT_BINARY_DIR}/artifacts/gui"
        # The embedded preview's Chromium refuses to run as root with its sandbox (CI and this
        # machine run tests as root); the software Qt Quick backend above already keeps it off
        # the GPU. The test's own setting: the app never turns the sandbox off.
        "QTWEBENGINE_DISABLE_SANDBOX=1")
  target_include_directories(test_tray_gui PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/integration)
  add_dependencies(test_tray_gui reporunner reporunner-tray)
endif()

# The views type-check against the C++ models: qmllint over the RepoRunner.Tray module, through
# the target qt_add_qml_module made (qmllint exits non-zero on any warning).
add_test(NAME qmllint_tray COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target reporunner_trayapp
  reporunner_trayapp_qmllint $<TARGET_NAME_IF_EXISTS:reporunner_preview_qmllint>)
set_tests_properties(qmllint_tray PROPERTIES LABELS unit TIMEOUT 300)
reporunner_add_test(NAME test_tray_settings SOURCES unit/test_tray_settings.cpp LIBS reporunner_trayapp
  reporunner_kube reporunner_testsupport LABEL unit)
reporunner_add_test(NAME test_tray_newrun SOURCES unit/test_tray_newrun.cpp LIBS reporunner_trayapp reporunner_testsupport
  LABEL unit)
