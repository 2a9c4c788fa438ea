# End to end through the real binaries (and the real server when it is
# built): keys, sealing, intake, export, ingest, tables, report, show, ack.
sd_add_test(test_analyst_e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_analyst_e2e.c
          ${CMAKE_CURRENT_LIST_DIR}/server_harness.c
          ${CMAKE_SOURCE_DIR}/tests/unit/test_analyst_fixture.c
  LIBS sd_crypto sd_common PkgConfig::CURL PkgConfig::SQLITE
       PkgConfig::JANSSON
  LABELS integration
  TIMEOUT 900)
target_include_directories(test_analyst_e2e PRIVATE
  ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_SOURCE_DIR}/tests/unit)
# the report in every language of the form's catalogues
target_compile_definitions(test_analyst_e2e PRIVATE
  SD_PO_DIR="${CMAKE_SOURCE_DIR}/templates/po")
add_dependencies(test_analyst_e2e sealdrop-analyst)
# it leaves the EU report it made for browser_report (tests/browser)
set_tests_properties(test_analyst_e2e PROPERTIES FIXTURES_SETUP eu_report)
if(TARGET sealdrop-server)
  add_dependencies(test_analyst_e2e sealdrop-server)
endif()
# Progress of ingest and of opening the reports: drawn on a pseudo-terminal
# (forkpty: libutil), absent with stderr on a file.
sd_add_test(test_analyst_progress
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_analyst_progress.c
          ${CMAKE_CURRENT_LIST_DIR}/server_harness.c
          ${CMAKE_SOURCE_DIR}/tests/unit/test_analyst_fixture.c
  LIBS sd_crypto sd_common PkgConfig::CURL PkgConfig::SQLITE
       PkgConfig::JANSSON util
  LABELS integration
  TIMEOUT 300)
target_include_directories(test_analyst_progress PRIVATE
  ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_SOURCE_DIR}/tests/unit)
add_dependencies(test_analyst_progress sealdrop-analyst)
# The follow-up through the real binaries: codes, answers, reply, outbox,
# inbox (and the intake host's messages step once the server has it).
sd_add_test(test_followup_e2e
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_followup_e2e.c
          ${CMAKE_CURRENT_LIST_DIR}/server_harness.c
          ${CMAKE_SOURCE_DIR}/tests/unit/test_analyst_fixture.c
  LIBS sd_crypto sd_common PkgConfig::CURL PkgConfig::SQLITE
       PkgConfig::JANSSON
  LABELS integration
  TIMEOUT 300)
target_include_directories(test_followup_e2e PRIVATE
  ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_SOURCE_DIR}/tests/unit)
add_dependencies(test_followup_e2e sealdrop-analyst sealdrop-submit)
if(TARGET sealdrop-server)
  add_dependencies(test_followup_e2e sealdrop-server)
endif()
# The sandbox of the analyst tool: seccomp, no network, no exec, no core.
if(SD_SANITIZE)
  set(sd_sandbox_mode sanitized)
endif()
add_test(NAME analyst_sandbox
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/analyst_sandbox.sh ${CMAKE_BINARY_DIR}
          ${sd_sandbox_mode})
set_tests_properties(analyst_sandbox PROPERTIES LABELS integration TIMEOUT 60)
