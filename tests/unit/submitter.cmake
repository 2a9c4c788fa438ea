sd_add_test(test_submit SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_submit.c
  LIBS sd_submit)
