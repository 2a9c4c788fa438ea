add_test(NAME cli_analyst_keys
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/cli.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(cli_analyst_keys PROPERTIES LABELS integration TIMEOUT 300)
add_test(NAME build_hardening
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/hardening.sh ${CMAKE_BINARY_DIR})
set_tests_properties(build_hardening PROPERTIES LABELS integration TIMEOUT 60)
add_test(NAME scratch_home
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/home.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(scratch_home PROPERTIES LABELS integration TIMEOUT 60)
