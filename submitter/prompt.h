/* --interactive: ask field by field, generated from the schema tables,
 * offering numbered codes and checking each answer at once. */
#ifndef SUB_PROMPT_H
#define SUB_PROMPT_H

#include <stdio.h>

#include "report.h"

/* Ask for every field r does not hold yet, reading answers line by line
 * from in and writing questions to out. SD_OK, or SD_E_INVAL when the input
 * ends or the user gives up. */
int sub_prompt_report(sub_report *r, FILE *in, FILE *out, const char *today);
/* Ask "question [y/N]"; 1 for yes. */
int sub_prompt_yes(FILE *in, FILE *out, const char *question);

#endif
