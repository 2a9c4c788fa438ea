# Load generator for sealdrop-server (see bench/README.md); never a test.
add_executable(server_load ${CMAKE_CURRENT_LIST_DIR}/server_load.c)
target_link_libraries(server_load PRIVATE sd_crypto sd_common
  PkgConfig::CURL)
