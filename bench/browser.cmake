# The C sealer on the work of bench/browser_seal.mjs (see bench/README.md).
add_executable(seal_bench ${CMAKE_CURRENT_LIST_DIR}/seal_bench.c)
target_link_libraries(seal_bench PRIVATE sd_crypto sd_common)
