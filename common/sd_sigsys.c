#include "sd_sigsys.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sd_err.h"

static const char *sigsys_prog = "sealdrop";

static int put(const char *s, size_t n)
{
	return write(STDERR_FILENO, s, n) == (ssize_t)n ? 0 : -1;
}

static void on_sigsys(int sig, siginfo_t *info, void *uctx)
{
	static const char pre[] = ": sandbox: system call ";
	static const char post[] = " refused; run with --no-sandbox to "
	    "debug and report it\n";
	char num[16];
	int n = info->si_syscall;
	size_t i = sizeof(num);

	(void)sig;
	(void)uctx;
	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	if (put(sigsys_prog, strlen(sigsys_prog)) == 0 &&
	    put(pre, sizeof(pre) - 1) == 0 &&
	    put(num + i, sizeof(num) - i) == 0)
		(void)put(post, sizeof(post) - 1);
	_exit(70);
}

int sd_sigsys_install(const char *prog)
{
	struct sigaction sa;

	sigsys_prog = prog;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	return sigaction(SIGSYS, &sa, NULL) == 0 ? SD_OK : SD_E_INVAL;
}
