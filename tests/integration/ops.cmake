# The shipped systemd unit, the installed tree and its man pages, and
# several intake servers feeding one analyst store.
add_test(NAME ops_systemd_unit
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/unit.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(ops_systemd_unit PROPERTIES LABELS integration TIMEOUT 60)
add_test(NAME ops_install_man
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/install.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(ops_install_man PROPERTIES LABELS integration TIMEOUT 120)
add_test(NAME ops_scale_out
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scaleout.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(ops_scale_out PROPERTIES LABELS integration TIMEOUT 180)
