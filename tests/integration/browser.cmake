# The JavaScript envelope implementation (templates/static/js) and the C one
# read each other's envelopes; needs node and npm (libsodium-wrappers from
# tests/interop/package-lock.json) and the sealdrop-analyst program.
add_test(NAME interop_js_envelope
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/../interop/run.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(interop_js_envelope PROPERTIES LABELS integration TIMEOUT 300
  ENVIRONMENT "SD_SOURCE_DIR=${CMAKE_SOURCE_DIR};SD_BINARY_DIR=${CMAKE_BINARY_DIR}")
