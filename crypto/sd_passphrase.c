#include "sd_keys.h"
#include "sd_err.h"
#include "sd_file.h"
#include "sd_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASS_MAX 1024
#define PASS_MAX_TEXT "1024"

/* Copy the first line of src (at most PASS_MAX bytes) into guarded memory. */
static char *
dup_line(const char *src, size_t n, int *err)
{
	char *p;
	size_t i = 0;

	while (i < n && src[i] != '\n' && src[i] != '\r')
		i++;
	if (i == 0) {
		*err = SD_E_INVAL;
		return NULL;
	}
	if (i > PASS_MAX) {
		*err = SD_E_TOOBIG;
		return NULL;
	}
	if ((p = sd_secret_alloc(i + 1)) == NULL) {
		*err = SD_E_NOMEM;
		return NULL;
	}
	memcpy(p, src, i);
	p[i] = '\0';
	return p;
}

static int
read_tty(int fd, const char *prompt, char *buf, size_t cap, size_t *len)
{
	struct termios old, quiet;
	size_t n = 0;
	char c;
	ssize_t r;
	int echo_off;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return SD_E_IO;
	echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != 1 || c == '\n')
			break;
		/* keep reading to the end of the line, but remember that the
		 * passphrase was longer than we keep: never cut it silently */
		if (n + 1 < cap)
			buf[n] = c;
		n++;
	}
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (n + 1 > cap) {
		sodium_memzero(buf, cap);
		return SD_E_TOOBIG;
	}
	buf[n] = '\0';
	*len = n;
	return r < 0 ? SD_E_IO : SD_OK;
}

static char *
from_terminal(const char *prompt, int confirm, int *err)
{
	char *a = NULL, *b = NULL, *res = NULL;
	size_t alen = 0, blen = 0;
	int fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		*err = SD_E_IO;
		return NULL;
	}
	*err = SD_E_NOMEM;
	if ((a = sd_secret_alloc(PASS_MAX + 1)) == NULL ||
	    (b = sd_secret_alloc(PASS_MAX + 1)) == NULL)
		goto out;
	if ((*err = read_tty(fd, prompt, a, PASS_MAX + 1, &alen)) != SD_OK)
		goto out;
	if (confirm) {
		if ((*err = read_tty(fd, "Repeat passphrase: ", b,
		    PASS_MAX + 1, &blen)) != SD_OK)
			goto out;
		if (alen != blen || sodium_memcmp(a, b, alen) != 0) {
			*err = SD_E_PASSPHRASE;
			goto out;
		}
	}
	res = dup_line(a, alen, err);
out:
	close(fd);
	sd_secret_free(a);
	sd_secret_free(b);
	return res;
}

char *
sd_passphrase_get(const char *passfile, const char *prompt, int confirm,
    int *err)
{
	const char *env;
	uint8_t *text = NULL;
	size_t len = 0;
	char *p;

	*err = SD_OK;
	if (passfile) {
		if ((*err = sd_file_read(passfile, PASS_MAX + 2, &text, &len)) != SD_OK)
			return NULL;
		p = dup_line((const char *)text, len, err);
		sodium_memzero(text, len);
		free(text);
		return p;
	}
	if ((env = getenv("SEALDROP_PASSPHRASE")) != NULL)
		return dup_line(env, strlen(env), err);
	return from_terminal(prompt ? prompt : "Passphrase: ", confirm, err);
}

void
sd_passphrase_free(char *p)
{
	sd_secret_free(p);
}

const char *
sd_passphrase_why(char *buf, size_t cap, const char *passfile, int err)
{
	const char *sys = strerror(errno);

	if (err == SD_E_NOMEM)
		snprintf(buf, cap, "out of memory");
	else if (passfile != NULL && err == SD_E_IO)
		snprintf(buf, cap, "--passphrase-file %s: %s; give the file "
		    "whose first line is the passphrase", passfile, sys);
	else if (passfile != NULL && err == SD_E_TOOBIG)
		snprintf(buf, cap, "--passphrase-file %s is too long: it holds "
		    "the passphrase alone, at most " PASS_MAX_TEXT " bytes",
		    passfile);
	else if (passfile != NULL)
		snprintf(buf, cap, "--passphrase-file %s is empty: write the "
		    "passphrase on its first line", passfile);
	else if (getenv("SEALDROP_PASSPHRASE") != NULL)
		snprintf(buf, cap, "SEALDROP_PASSPHRASE is %s; set it to the "
		    "passphrase, or unset it to be asked on the terminal",
		    err == SD_E_TOOBIG ? "longer than " PASS_MAX_TEXT " bytes" :
		    "empty");
	else if (err == SD_E_IO)
		snprintf(buf, cap, "there is no terminal to ask for it on; give "
		    "--passphrase-file FILE or set SEALDROP_PASSPHRASE");
	else if (err == SD_E_PASSPHRASE)
		snprintf(buf, cap, "the two passphrases typed differ; try again");
	else
		snprintf(buf, cap, "the passphrase typed is %s",
		    err == SD_E_TOOBIG ? "longer than " PASS_MAX_TEXT " bytes" :
		    "empty");
	return buf;
}
