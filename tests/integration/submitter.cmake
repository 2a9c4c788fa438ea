# The submitter's end-to-end tests run the real sealdrop-submit,
# sealdrop-server and sealdrop-analyst programs on 127.0.0.1.
add_library(sd_submit_harness STATIC ${CMAKE_CURRENT_LIST_DIR}/submit_harness.c)
target_include_directories(sd_submit_harness PUBLIC ${CMAKE_CURRENT_LIST_DIR}
  ${CMAKE_SOURCE_DIR}/tests)
target_link_libraries(sd_submit_harness PUBLIC sd_crypto PkgConfig::SQLITE
  PkgConfig::CMOCKA Threads::Threads)

sd_add_test(test_submit_server
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_submit_server.c
  LIBS sd_submit_harness sd_open PkgConfig::JANSSON LABELS integration
  TIMEOUT 900)
sd_add_test(test_submit_offline
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_submit_offline.c
  LIBS sd_submit_harness sd_open PkgConfig::JANSSON LABELS integration
  TIMEOUT 600)
# Building a test builds the programs it runs.
foreach(pair test_submit_server:sealdrop-submit test_submit_server:sealdrop-server
    test_submit_offline:sealdrop-submit test_submit_offline:sealdrop-analyst)
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 test)
  list(GET pair 1 prog)
  if(TARGET ${prog})
    add_dependencies(${test} ${prog})
  endif()
endforeach()
