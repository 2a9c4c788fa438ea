sd_add_test(test_sdc
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_sdc.c
  LIBS sd_sdc glpk::glpk m
  LABELS unit
  TIMEOUT 120)
sd_add_test(test_sdc_random
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_sdc_random.c
  LIBS sd_sdc glpk::glpk m
  LABELS unit
  TIMEOUT 300)
