# bench_analyst: synthetic sealed reports through the real sealdrop-analyst
# (see bench/README.md). Built with the rest, never run as a test.
add_executable(bench_analyst ${CMAKE_CURRENT_LIST_DIR}/analyst_bench.c)
target_link_libraries(bench_analyst PRIVATE sd_crypto sd_common
  PkgConfig::SQLITE Threads::Threads)
add_dependencies(bench_analyst sealdrop-analyst)
# bench_sdc: secondary suppression of release-sized tables (bench/README.md).
add_executable(bench_sdc ${CMAKE_CURRENT_LIST_DIR}/sdc_bench.c)
target_link_libraries(bench_sdc PRIVATE sd_sdc)
