# Every test runs with its own scratch HOME and XDG base directories under
# the build tree, so nothing a test runs (sealdrop-submit's receipt log and
# organisation secret, npm's cache, a browser's profile) reaches the user's
# real home. tests/CMakeLists.txt applies it at the end of its directory, so
# it covers every fragment's tests, those registered with plain add_test()
# too; another directory with tests calls sd_scratch_home_dir() at its end.
#
# The user's npm configuration is still read (npm_config_userconfig), never
# written: a registry or proxy set there keeps working for the interop test.
set(SD_SCRATCH_HOME_ROOT ${CMAKE_BINARY_DIR}/tests/home CACHE INTERNAL
  "where the tests' scratch homes are")
if(DEFINED ENV{HOME} AND EXISTS "$ENV{HOME}/.npmrc")
  set(SD_USER_NPMRC "$ENV{HOME}/.npmrc" CACHE INTERNAL "read by npm in tests")
endif()

function(sd_scratch_home_of test out)
  if(NOT SD_SCRATCH_HOME_ROOT MATCHES "^${CMAKE_BINARY_DIR}/")
    message(FATAL_ERROR "scratch homes must be inside the build tree")
  endif()
  set(h ${SD_SCRATCH_HOME_ROOT}/${test})
  foreach(d ${h}/.config ${h}/.cache ${h}/.local/share ${h}/.local/state
      ${h}/run)
    file(MAKE_DIRECTORY ${d})
  endforeach()
  # the XDG spec wants the runtime directory private to the user
  file(CHMOD ${h}/run DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE
    OWNER_EXECUTE)
  set(env "HOME=${h}" "XDG_CONFIG_HOME=${h}/.config"
    "XDG_CACHE_HOME=${h}/.cache" "XDG_DATA_HOME=${h}/.local/share"
    "XDG_STATE_HOME=${h}/.local/state" "XDG_RUNTIME_DIR=${h}/run")
  if(SD_USER_NPMRC)
    list(APPEND env "npm_config_userconfig=${SD_USER_NPMRC}")
  endif()
  set(${out} ${env} PARENT_SCOPE)
endfunction()

# The scratch entries go first, so a test that sets one of them itself
# keeps its own value. Applies to the tests of the directory it is called
# in (set_tests_properties reaches no other).
function(sd_scratch_home_dir dir)
  get_property(tests DIRECTORY ${dir} PROPERTY TESTS)
  foreach(t ${tests})
    sd_scratch_home_of(${t} env)
    get_test_property(${t} ENVIRONMENT have)
    if(have)
      list(APPEND env ${have})
    endif()
    set_tests_properties(${t} PROPERTIES ENVIRONMENT "${env}")
  endforeach()
endfunction()
