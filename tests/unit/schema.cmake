sd_add_test(test_schema
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_schema.c
  LIBS sd_common
  LABELS unit)
