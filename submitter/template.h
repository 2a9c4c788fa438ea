/* `sealdrop-submit template`: an example report generated from the schema
 * tables, so it never drifts from what validation accepts. */
#ifndef SUB_TEMPLATE_H
#define SUB_TEMPLATE_H

/* the placeholder of text members; refused when a report still has it */
#define SUB_TEMPLATE_TEXT "replace this text"

#include <stdio.h>

/* The example report. With comments, each member is preceded by // lines
 * explaining it and its codes (sealdrop-submit reads such files as they
 * are); without, it is plain JSON. today bounds the example quarter. */
int sub_template_print(FILE *out, int comments, const char *today);
/* The field guide alone, as plain text. */
int sub_template_explain(FILE *out);

#endif
