/* Where the submitter keeps its files, and the organisation secret behind
 * the reporter pseudonym (PRODUCT.md section 4): reporter = hex of keyed
 * BLAKE2b-256(key = secret, message = "sealdrop.reporter/1"), so analysts can
 * count one organisation once without learning which one it is. */
#ifndef SUB_ORG_H
#define SUB_ORG_H

#include <stddef.h>

#define SUB_ORG_SECRET_BYTES 32
#define SUB_REPORTER_LABEL "sealdrop.reporter/1"
#define SUB_REPORTER_HEX 65     /* 64 hex digits and the NUL */

/* $XDG_DATA_HOME/sealdrop/NAME, else ~/.local/share/sealdrop/NAME.
 * SD_E_INVAL when neither variable gives an absolute path. */
int sub_data_path(char *out, size_t cap, const char *name);
/* Create the directories above a file path, 0700, as needed. */
int sub_make_parent(const char *path);

/* Write a fresh secret (0600); SD_E_EXISTS unless force. */
int sub_org_init(const char *path, int force, char reporter[SUB_REPORTER_HEX]);
/* Derive the reporter from a secret file. SD_E_IO (errno ENOENT when it does
 * not exist), SD_E_KEYFILE when damaged, SD_E_INVAL when other users may
 * read it. */
int sub_org_reporter(const char *path, char reporter[SUB_REPORTER_HEX]);
/* the derivation itself */
void sub_reporter_derive(char reporter[SUB_REPORTER_HEX],
    const unsigned char secret[SUB_ORG_SECRET_BYTES]);

#endif
