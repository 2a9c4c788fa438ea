# Integration tests of sealdrop-server: each starts the real binary on a
# free loopback port with keys made by the real sealdrop-analyst.
foreach(t api store form startup rotation sandbox mailbox)
  sd_add_test(test_server_${t}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_server_${t}.c
            ${CMAKE_CURRENT_LIST_DIR}/server_harness.c
    LIBS sd_crypto sd_common PkgConfig::CURL PkgConfig::SQLITE
         PkgConfig::JANSSON
    LABELS integration
    TIMEOUT 600)
  target_include_directories(test_server_${t} PRIVATE
    ${CMAKE_CURRENT_LIST_DIR})
  add_dependencies(test_server_${t} sealdrop-server sealdrop-analyst)
endforeach()
# Without the filter under the sanitizers, the sandbox test checks what is
# left (user, chroot) and says so.
if(SD_SANITIZE)
  target_compile_definitions(test_server_sandbox PRIVATE SD_SANITIZED=1)
endif()

# Hostile clients, crashes, faults and load: the real server on loopback,
# each program bounded in time.
foreach(t attack crash faults)
  sd_add_test(test_server_${t}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_server_${t}.c
            ${CMAKE_CURRENT_LIST_DIR}/server_harness.c
    LIBS sd_crypto sd_common PkgConfig::CURL PkgConfig::SQLITE
         PkgConfig::JANSSON Threads::Threads
    LABELS integration
    TIMEOUT 300)
  target_include_directories(test_server_${t} PRIVATE
    ${CMAKE_CURRENT_LIST_DIR})
  add_dependencies(test_server_${t} sealdrop-server sealdrop-analyst)
endforeach()
if(SD_SANITIZE)
  target_compile_definitions(test_server_attack PRIVATE SD_SANITIZED=1)
endif()
