# The browser extension's tests (extension/, TypeScript): vitest unit tests, and the end-to-end
# test that drives real Chromium with the built extension against the real native host, the
# engine it starts, a git daemon and Docker. Both need `npm ci` in extension/ first, which
# scripts/test.sh does; without npm they are not registered.
find_program(NPM_EXECUTABLE npm)
if(NPM_EXECUTABLE)
  add_test(NAME extension_unit COMMAND ${NPM_EXECUTABLE} --prefix ${PROJECT_SOURCE_DIR}/extension run test:unit)
  set_tests_properties(extension_unit PROPERTIES LABELS unit TIMEOUT 300)
  if(TARGET reporunner-nativehost AND TARGET reporunner)
    # The host finds `reporunner` next to it in the build tree and starts `reporunner serve`.
    add_test(NAME extension_e2e COMMAND ${NPM_EXECUTABLE} --prefix ${PROJECT_SOURCE_DIR}/extension run test:e2e)
    set_tests_properties(extension_e2e PROPERTIES LABELS integration TIMEOUT 300 RESOURCE_LOCK docker
      ENVIRONMENT "REPORUNNER_NATIVEHOST=$<TARGET_FILE:reporunner-nativehost>;REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR};REPORUNNER_ARTIFACTS=${PROJECT_BINARY_DIR}/artifacts/extension")
  endif()
else()
  message(STATUS "npm not found: the extension's tests are not registered")
endif()
