/* The part of a methods note that says how reporters are protected,
 * written from what the audit of that release modelled. It never states a
 * rule parameter. */
#ifndef SD_ANALYST_METHODS_H
#define SD_ANALYST_METHODS_H

#include "release.h"
#include "sd_buf.h"

int methods_protection(sd_buf *b, const struct release *R);

#endif
