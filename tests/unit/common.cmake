# Progress on a terminal, through a real pseudo-terminal (forkpty: libutil).
sd_add_test(test_progress
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_progress.c
  LIBS sd_common util
  LABELS unit
  TIMEOUT 60)
