/* Where the submitter keeps its files, and the organisation secret behind
 * the reporter pseudonym (PRODUCT.md sections 4 and 9). The derivation and
 * the organisation code a person can carry to the web form are shared with
 * the other sealers (crypto/sd_org.h), so an organisation has one pseudonym
 * however it reports. */
#ifndef SUB_ORG_H
#define SUB_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "sd_org.h"

#define SUB_ORG_SECRET_BYTES SD_ORG_SECRET_BYTES
#define SUB_REPORTER_HEX SD_REPORTER_HEX

/* $XDG_DATA_HOME/sealdrop/NAME, else ~/.local/share/sealdrop/NAME.
 * SD_E_INVAL when neither variable gives an absolute path. */
int sub_data_path(char *out, size_t cap, const char *name);
/* Create the directories above a file path, 0700, as needed. */
int sub_make_parent(const char *path);

/* Write a fresh secret (0600); SD_E_EXISTS unless force. */
int sub_org_init(const char *path, int force, char reporter[SUB_REPORTER_HEX]);
/* The same with the secret of a code (from the web form, or another
 * machine) when secret is not NULL; code (may be NULL) gets the
 * organisation code of what was written. */
int sub_org_init_from(const char *path, int force,
    const uint8_t *secret, char reporter[SUB_REPORTER_HEX],
    char code[SD_ORG_CODE_LEN]);
/* The organisation code and pseudonym of an existing secret file; errors
 * as sub_org_reporter. */
int sub_org_code(const char *path, char code[SD_ORG_CODE_LEN],
    char reporter[SUB_REPORTER_HEX]);
/* Derive the reporter from a secret file. SD_E_IO (errno ENOENT when it does
 * not exist), SD_E_KEYFILE when damaged, SD_E_INVAL when other users may
 * read it. */
int sub_org_reporter(const char *path, char reporter[SUB_REPORTER_HEX]);

#endif
