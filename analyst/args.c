#define _POSIX_C_SOURCE 200809L

#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd_err.h"

void
args_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sealdrop-analyst %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct args_opt *
find_opt(const struct args_opt *opts, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static int
store_value(const char *cmd, const struct args_opt *o, const char *v)
{
	if (o->multi != NULL) {
		if (*o->n_multi >= o->max_multi) {
			args_err(cmd, "--%s given more than %zu times; give "
			    "fewer", o->name, o->max_multi);
			return SD_E_INVAL;
		}
		o->multi[(*o->n_multi)++] = v;
		return SD_OK;
	}
	*o->value = v;
	return SD_OK;
}

/* One "--name[=value]" at argv[*i]; advances *i past a separate value. */
static int
parse_one(int argc, char **argv, int *i, const struct args_opt *opts,
    size_t n_opts)
{
	const char *cmd = argv[0], *a = argv[*i] + 2, *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const struct args_opt *o = find_opt(opts, n_opts, a, len);

	if (o == NULL) {
		args_err(cmd, "unknown option '%s'; run 'sealdrop-analyst %s "
		    "--help' for the options", argv[*i], cmd);
		return SD_E_INVAL;
	}
	if (!o->takes_value) {
		if (eq != NULL) {
			args_err(cmd, "--%s takes no value; remove '=%s'",
			    o->name, eq + 1);
			return SD_E_INVAL;
		}
		*o->flag = 1;
		return SD_OK;
	}
	if (eq != NULL)
		return store_value(cmd, o, eq + 1);
	if (*i + 1 >= argc) {
		args_err(cmd, "--%s needs a value; see 'sealdrop-analyst %s "
		    "--help'", o->name, cmd);
		return SD_E_INVAL;
	}
	(*i)++;
	return store_value(cmd, o, argv[*i]);
}

int
args_parse(int argc, char **argv, const struct args_opt *opts,
    size_t n_opts, const char **pos, size_t max_pos, size_t *n_pos)
{
	int i, only_pos = 0, rc;

	*n_pos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!only_pos && (strcmp(a, "--help") == 0 ||
		    strcmp(a, "-h") == 0))
			return ARGS_HELP;
		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && strncmp(a, "--", 2) == 0) {
			if ((rc = parse_one(argc, argv, &i, opts, n_opts)) !=
			    SD_OK)
				return rc;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1] != '\0') {
			args_err(argv[0], "unknown option '%s'; options are "
			    "spelled --name", a);
			return SD_E_INVAL;
		}
		if (*n_pos >= max_pos) {
			args_err(argv[0], "unexpected argument '%s'; run "
			    "'sealdrop-analyst %s --help'", a, argv[0]);
			return SD_E_INVAL;
		}
		pos[(*n_pos)++] = a;
	}
	return SD_OK;
}

int
args_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return SD_E_INVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		return SD_E_INVAL;
	*out = v;
	return SD_OK;
}

int
args_double(const char *s, double lo, double hi, double *out)
{
	char *end = NULL;
	double v;

	if (s == NULL || *s == '\0')
		return SD_E_INVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < lo || v > hi)
		return SD_E_INVAL;
	*out = v;
	return SD_OK;
}

static int
load_with(const char *path, const char *pass, sd_seckey **out)
{
	return sd_seckey_load(path, pass, strlen(pass), out);
}

/* Ask for a passphrase; the prompt names the key file. */
static char *
ask(const char *cmd, const char *path, const char *passfile)
{
	char prompt[512], why[512];
	char *pass = NULL;
	int err = SD_OK;

	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", path);
	pass = sd_passphrase_get(passfile, prompt, 0, &err);
	if (pass == NULL)
		args_err(cmd, "cannot read the passphrase for %s: %s", path,
		    sd_passphrase_why(why, sizeof(why), passfile, err));
	return pass;
}

static void
key_error(const char *cmd, const char *path, int rc)
{
	if (rc == SD_E_PASSPHRASE)
		args_err(cmd, "wrong passphrase for %s; try again with the "
		    "passphrase given at keygen", path);
	else if (rc == SD_E_IO)
		args_err(cmd, "cannot read key file %s (%s); check the path",
		    path, strerror(errno));
	else
		args_err(cmd, "cannot load key %s: %s", path, sd_strerror(rc));
}

int
args_key_load(const char *cmd, const char *path, const char *passfile,
    enum sd_role want, char **pass_keep, sd_seckey **out)
{
	char *pass = NULL;
	sd_seckey *k = NULL;
	int rc = SD_E_INVAL;

	*out = NULL;
	if (pass_keep != NULL && *pass_keep != NULL) {
		rc = load_with(path, *pass_keep, &k);
		if (rc != SD_E_PASSPHRASE)
			goto loaded;
	}
	if ((pass = ask(cmd, path, passfile)) == NULL) {
		rc = SD_E_INVAL;
		goto done;
	}
	rc = load_with(path, pass, &k);
loaded:
	if (rc != SD_OK) {
		key_error(cmd, path, rc);
		goto done;
	}
	if (sd_seckey_role(k) != want) {
		args_err(cmd, "%s is a key of role %s; give the %s key here", path,
		    sd_role_name(sd_seckey_role(k)), sd_role_name(want));
		rc = SD_E_ROLE;
		goto done;
	}
	if (pass_keep != NULL && pass != NULL) {
		sd_passphrase_free(*pass_keep);
		*pass_keep = pass;
		pass = NULL;
	}
	*out = k;
	k = NULL;
	rc = SD_OK;
done:
	sd_seckey_free(k);
	sd_passphrase_free(pass);
	return rc;
}

unsigned
args_threads(void)
{
	const char *env = getenv("SEALDROP_THREADS");
	unsigned long long v = 0;
	long n;

	if (env != NULL && args_uint(env, 256, &v) == SD_OK && v > 0)
		return (unsigned)v;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > 256 ? 256u : (unsigned)n;
}

void
args_bad_option(const char *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt != 0 && arg[0] == '-' && arg[1] != '-')
		args_err(cmd, "unknown option -%c; see 'sealdrop-analyst %s --help'",
		    optopt, cmd);
	/* getopt_long names a known long option that lacks its value in
	 * optopt, an unknown one not */
	else if (optopt != 0 && strncmp(arg, "--", 2) == 0)
		args_err(cmd, "%s %s; see 'sealdrop-analyst %s --help'", arg,
		    strchr(arg, '=') == NULL ? "needs a value" : "takes no value",
		    cmd);
	else if (strncmp(arg, "--", 2) == 0)
		args_err(cmd, "unknown option %s; see 'sealdrop-analyst %s "
		    "--help'", arg, cmd);
	else
		args_err(cmd, "option %s is unknown or lacks its value; see "
		    "'sealdrop-analyst %s --help'", arg, cmd);
}
