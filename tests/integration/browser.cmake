# The JavaScript envelope implementation (templates/static/js) and the C one
# read each other's envelopes; needs node and npm (libsodium-wrappers from
# tests/interop/package-lock.json) and the sealdrop-analyst program.
add_test(NAME interop_js_envelope
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/../interop/run.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(interop_js_envelope PROPERTIES LABELS integration TIMEOUT 300
  ENVIRONMENT "SD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SD_BINARY_DIR=${CMAKE_BINARY_DIR}")

# The web form in Debian's chromium against the real server (tests/browser):
# with and without JavaScript, every language, axe-core on every page.
# Skipped (77) only when chromium cannot start at all. The sanitizer build
# runs English and Danish only: the languages are the same code again.
if(SD_SANITIZE)
  set(SD_BROWSER_ENV "SD_BROWSER_QUICK=1")
else()
  set(SD_BROWSER_ENV "SD_BROWSER_QUICK=0")
endif()
add_test(NAME browser_form
  COMMAND node ${CMAKE_CURRENT_LIST_DIR}/../browser/run.mjs ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(browser_form PROPERTIES LABELS "integration;browser"
  TIMEOUT 600 SKIP_RETURN_CODE 77
  ENVIRONMENT "SD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SD_BINARY_DIR=${CMAKE_BINARY_DIR};${SD_BROWSER_ENV}")

# The translations: the template is what the sources give, every catalogue
# passes msgfmt --check, translates every text and leaves no English.
add_test(NAME translations
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/../unit/translations.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(translations PROPERTIES LABELS unit TIMEOUT 120)

# The EU report in chromium: the one test_analyst_e2e writes with the real
# sealdrop-analyst, checked with axe-core, at 1280 and 390 px and on A4,
# every table's CSV and SDMX-CSV from the page against its cells.
add_test(NAME browser_report
  COMMAND node ${CMAKE_CURRENT_LIST_DIR}/../browser/report.mjs ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(browser_report PROPERTIES LABELS "integration;browser"
  TIMEOUT 300 SKIP_RETURN_CODE 77 FIXTURES_REQUIRED eu_report
  ENVIRONMENT "SD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SD_BINARY_DIR=${CMAKE_BINARY_DIR}")
