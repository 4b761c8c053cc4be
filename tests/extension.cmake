# The browser extension's tests (extension/, TypeScript): vitest unit tests, and the end-to-end
# test that drives real Chromium with the built extension against the real native host, the
# engine it starts, a git daemon and Docker. Both need `npm ci` in extension/ first, which
# scripts/test.sh does. Without npm they can't run: in CI (CI=true) that stops the configure,
# elsewhere it is a warning that names the missing package.
find_program(NPM_EXECUTABLE npm)
if(NPM_EXECUTABLE)
  add_test(NAME extension_unit COMMAND ${NPM_EXECUTABLE} --prefix ${PROJECT_SOURCE_DIR}/extension run test:unit)
  set_tests_properties(extension_unit PROPERTIES LABELS unit TIMEOUT 300)
  # The build and the unit suite run on Debian 12's nodejs 18 (extension_node18 proves it); the
  # end-to-end test's driver, playwright-core 1.65, exits at once on Node older than 20, and 1.61
  # (the last that runs on 18) cannot drive the panel's extension-origin iframe.
  find_program(NODE_EXECUTABLE node)
  set(_rr_node_version 0)
  if(NODE_EXECUTABLE)
    execute_process(COMMAND ${NODE_EXECUTABLE} --version OUTPUT_VARIABLE _rr_node_version
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    string(REGEX REPLACE "^v" "" _rr_node_version "${_rr_node_version}")
  endif()
  set(_rr_e2e_node_ok TRUE)
  if(_rr_node_version VERSION_LESS 20)
    set(_rr_e2e_node_ok FALSE)
    set(_rr_why "Node ${_rr_node_version} (${NODE_EXECUTABLE}) can't run the extension's end-to-end test: playwright-core 1.65 refuses Node older than 20 (1.61, the last that runs on 18, cannot drive the panel's iframe). Put Node 20 or newer first on PATH")
    if("$ENV{CI}" MATCHES "^(true|1)$")
      message(FATAL_ERROR "${_rr_why}.")
    endif()
    message(WARNING "${_rr_why}; extension_e2e is not registered.")
  endif()
  if(TARGET reporunner-nativehost AND TARGET reporunner AND _rr_e2e_node_ok)
    # The host finds `reporunner` next to it in the build tree and starts `reporunner serve`.
    # It rebuilds extension/dist, which the package test packs: hence the extension_dist lock.
    add_test(NAME extension_e2e COMMAND ${NPM_EXECUTABLE} --prefix ${PROJECT_SOURCE_DIR}/extension run test:e2e)
    set_tests_properties(extension_e2e PROPERTIES LABELS integration TIMEOUT 300 RESOURCE_LOCK "docker;extension_dist"
      ENVIRONMENT "REPORUNNER_NATIVEHOST=$<TARGET_FILE:reporunner-nativehost>;REPORUNNER_SOURCE_DIR=${PROJECT_SOURCE_DIR};REPORUNNER_ARTIFACTS=${PROJECT_BINARY_DIR}/artifacts/extension")
  endif()
elseif("$ENV{CI}" MATCHES "^(true|1)$")
  message(FATAL_ERROR "npm not found: in CI the extension's tests must run (apt-get install nodejs npm, or scripts/setup.sh)")
else()
  message(WARNING "npm not found: the extension's tests are not registered (apt-get install nodejs npm, or scripts/setup.sh)")
endif()
