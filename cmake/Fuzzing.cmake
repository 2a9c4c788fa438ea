# -DSD_FUZZ=ON (with CC=clang, in a build directory of its own such as
# build-fuzz/) instruments every library for libFuzzer and builds with ASan
# and UBSan; fuzz/CMakeLists.txt then links one libFuzzer program per
# target. The hardened and ASan builds never set it, so what they test does
# not change.
option(SD_FUZZ "Build libFuzzer targets (needs clang)" OFF)
if(SD_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SD_FUZZ needs clang: configure with CC=clang "
      "in a build directory of its own (fuzz/run.sh does)")
  endif()
  if(SD_SANITIZE)
    message(FATAL_ERROR "SD_FUZZ brings its own sanitizers; leave SD_SANITIZE off")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g)
  add_link_options(-fsanitize=address,undefined)
  # Two diagnostics clang gives where gcc does not: libseccomp's SCMP_A0()
  # leaves fields to their zero default, and C's INFINITY is a float.
  add_compile_options(-Wno-missing-field-initializers -Wno-double-promotion)
endif()
