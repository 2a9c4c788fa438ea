add_library(sd_testkit STATIC ${CMAKE_CURRENT_LIST_DIR}/../sd_testkit.c)
target_include_directories(sd_testkit PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_link_libraries(sd_testkit PUBLIC sd_crypto)

sd_add_test(test_envelope SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_envelope.c
  LIBS sd_testkit sd_open)
sd_add_test(test_keys SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_keys.c
  LIBS sd_testkit)
# Needs the real libsodium randombytes hook, so no sd_testkit here.
sd_add_test(test_vectors SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_vectors.c
  LIBS sd_open)
sd_add_test(test_mailbox SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_mailbox.c
  LIBS sd_crypto)
