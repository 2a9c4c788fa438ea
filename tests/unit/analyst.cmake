sd_add_test(test_analyst_cube
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_analyst_cube.c
  LIBS sd_analyst)
sd_add_test(test_analyst_out
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_analyst_out.c
  LIBS sd_analyst)
sd_add_test(test_analyst_tr
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_analyst_tr.c
  LIBS sd_analyst)
sd_add_test(test_analyst_ingest
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_analyst_ingest.c
          ${CMAKE_CURRENT_LIST_DIR}/test_analyst_fixture.c
  LIBS sd_analyst sd_testkit)
sd_add_test(test_ledger
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ledger.c
  LIBS sd_analyst glpk::glpk m
  TIMEOUT 300)
