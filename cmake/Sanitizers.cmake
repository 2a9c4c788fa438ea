# -DSD_SANITIZE=ON builds everything with AddressSanitizer and UBSan; every
# finding aborts, so a sanitizer report fails the test that triggered it.
option(SD_SANITIZE "Build with ASan and UBSan" OFF)
if(SD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
include(Fuzzing)
