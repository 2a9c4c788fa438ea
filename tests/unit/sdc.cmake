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
# Under the sanitizers the same checks run on fewer random tables.
if(SD_SANITIZE)
  set(sd_sdc_attackers_env ENV SD_SDC_QUICK=1)
endif()
sd_add_test(test_sdc_attackers
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_sdc_attackers.c
  LIBS sd_sdc glpk::glpk m
  LABELS unit
  TIMEOUT 600
  ${sd_sdc_attackers_env})
