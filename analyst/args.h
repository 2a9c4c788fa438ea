/* Option parsing shared by the analyst commands: "--name value",
 * "--name=value" and flags, positional arguments after them, "--help". Every
 * error is printed as one line that names the option and says what to do. */
#ifndef SD_ANALYST_ARGS_H
#define SD_ANALYST_ARGS_H

#include <stddef.h>

#include "sd_keys.h"

#define ARGS_HELP 1             /* --help was given: print usage, exit 0 */

struct args_opt {
	const char *name;        /* without the leading "--" */
	int takes_value;
	const char **value;      /* last value given (single options) */
	int *flag;               /* set to 1 (flags) */
	const char **multi;      /* repeated options: every value, in order */
	size_t *n_multi;
	size_t max_multi;
};

/* SD_OK, ARGS_HELP, or SD_E_INVAL after printing the reason. argv[0] is the
 * command name; positional arguments are collected into pos. */
int args_parse(int argc, char **argv, const struct args_opt *opts,
    size_t n_opts, const char **pos, size_t max_pos, size_t *n_pos);

/* One-line error "sealdrop-analyst CMD: ..." on stderr. */
void args_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Unsigned decimal integer in [0, max]; SD_OK or SD_E_INVAL. */
/* One line for an option getopt_long refused (call with opterr = 0). */
void args_bad_option(const char *cmd, char **argv);
int args_uint(const char *s, unsigned long long max, unsigned long long *out);
/* Decimal number in [lo, hi]; SD_OK or SD_E_INVAL. */
int args_double(const char *s, double lo, double hi, double *out);

/* Load a secret key file of the wanted role, asking for the passphrase once
 * (--passphrase-file, SEALDROP_PASSPHRASE or the terminal). When pass_keep
 * is non-NULL and already holds a passphrase, it is tried first and a newly
 * asked one is kept there (so a second key with the same passphrase is not
 * asked again); free it with sd_passphrase_free. Errors are printed. */
int args_key_load(const char *cmd, const char *path, const char *passfile,
    enum sd_role want, char **pass_keep, sd_seckey **out);

/* Number of worker threads: the online CPUs, overridable with
 * SEALDROP_THREADS (1..256) for measurements. */
unsigned args_threads(void);

#endif
