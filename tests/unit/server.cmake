# Unit tests of the web form: template engine, translations, the form page,
# building a report from form fields, the receipt and error pages.
set(SD_FORM_SOURCES
  ${CMAKE_SOURCE_DIR}/server/tmpl.c
  ${CMAKE_SOURCE_DIR}/server/i18n_lang.c
  ${CMAKE_SOURCE_DIR}/server/form_web.c
  ${CMAKE_SOURCE_DIR}/server/form_input.c
  ${CMAKE_SOURCE_DIR}/server/form_page.c
  ${CMAKE_SOURCE_DIR}/server/form_build.c
  ${CMAKE_SOURCE_DIR}/server/form_steps.c
  ${CMAKE_SOURCE_DIR}/server/form_receipt.c)

sd_add_test(test_tmpl
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tmpl.c ${SD_FORM_SOURCES}
  LIBS sd_common sd_crypto)
sd_add_test(test_i18n
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_i18n.c ${SD_FORM_SOURCES}
  LIBS sd_common sd_crypto)
sd_add_test(test_form
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_form.c ${SD_FORM_SOURCES}
  LIBS sd_common sd_crypto)
foreach(t test_tmpl test_i18n test_form)
  target_include_directories(${t} PRIVATE ${CMAKE_SOURCE_DIR}/server)
endforeach()

# sd_pot prints the schema's and the templates' texts as a gettext template;
# scripts/update-pot.sh makes templates/po/sealdrop.pot with it and xgettext.
add_executable(sd_pot ${CMAKE_CURRENT_LIST_DIR}/sd_pot.c)
target_link_libraries(sd_pot PRIVATE sd_common)
