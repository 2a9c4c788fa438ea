/* Whole-file helpers with explicit limits. */
#ifndef SD_FILE_H
#define SD_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Read at most max bytes of path into a malloc'ed, NUL-terminated buffer.
 * SD_E_IO (errno kept), SD_E_TOOBIG or SD_E_NOMEM. "-" reads stdin. */
int sd_file_read(const char *path, size_t max, uint8_t **out, size_t *len);
/* Write data to path with the given mode, through a temporary file in the
 * same directory, fsync and rename. Refuses (SD_E_EXISTS) to replace an
 * existing file unless force. The mode is reduced by the umask. */
/* Read the process umask once, before threads start (sd_file_write
 * honours it). */
void sd_file_init(void);
int sd_file_write(const char *path, const void *data, size_t len,
    unsigned int mode, int force);
/* Create path as an empty file of mode 0600 (whatever the umask) when it
 * does not exist; an existing file is left as it is. For SQLite files:
 * SQLite gives a new database the mode 0644 less the umask, and its -wal,
 * -shm and -journal files the mode of the database file, so a database
 * created here first keeps all of them private. SD_OK, or SD_E_IO with
 * errno kept. */
int sd_file_create_private(const char *path);

#endif
