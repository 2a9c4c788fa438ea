# Warnings as errors, after the sets libssh and curl build with.
set(SD_WARNINGS
  -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security
  -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations
  -Wpointer-arith -Wwrite-strings -Wundef -Wvla -Wcast-qual
  -Wimplicit-fallthrough -Wnull-dereference -Wdouble-promotion
  -Wno-unused-parameter)
# Linux and POSIX interfaces (mkstemp, gmtime_r, prctl, pipe2) with C17.
add_compile_definitions(_GNU_SOURCE)
add_compile_options(${SD_WARNINGS} -fstack-protector-strong -fno-strict-aliasing)
if(CMAKE_BUILD_TYPE MATCHES "Rel")
  add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
add_link_options(-pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack)
