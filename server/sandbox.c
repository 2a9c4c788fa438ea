#include "sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <seccomp.h>

#include "sd_err.h"
#include "sd_sigsys.h"

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer runs a ptrace'd helper thread at exit, which no allow-list
 * for serving can admit: builds with sanitizers run without the filter. */
int sd_sandbox_apply(void)
{
	return SD_OK;
}
#else

/* What serving needs: the event loop and sockets already open, SQLite on
 * files it may reopen (-wal, -shm), memory, time, randomness, futexes and
 * the signals of shutdown. No exec, no new sockets, no ptrace. */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(lseek),
	SCMP_SYS(close), SCMP_SYS(openat), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fcntl),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(access),
	SCMP_SYS(getcwd),
	/* SQLite sets the mode of a -wal or -shm it recreates */
	SCMP_SYS(fchmod),
	SCMP_SYS(readlink), SCMP_SYS(geteuid), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(fchown), SCMP_SYS(uname),
	SCMP_SYS(accept4), SCMP_SYS(accept), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg),
	SCMP_SYS(sendfile), SCMP_SYS(shutdown), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_create1), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(select), SCMP_SYS(pselect6), SCMP_SYS(eventfd2),
	SCMP_SYS(pipe2),
	/* shutdown puts an eventfd where the listening socket was */
	SCMP_SYS(dup2), SCMP_SYS(dup3),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(mlock), SCMP_SYS(munlock), SCMP_SYS(getrandom),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(restart_syscall), SCMP_SYS(getrlimit),
	SCMP_SYS(sched_getaffinity),
	/* a thread that ends frees its stack and its per-thread arena */
	SCMP_SYS(membarrier),
};

int sd_sandbox_apply(void)
{
	struct rlimit none = { 0, 0 };
	scmp_filter_ctx ctx = NULL;
	size_t i;
	int rc = SD_E_INVAL;

	if (sd_sigsys_install("sealdrop-server") != SD_OK)
		return SD_E_INVAL;
	/* no new processes: the threads exist already */
	if (setrlimit(RLIMIT_NPROC, &none) != 0)
		return SD_E_INVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return SD_E_INVAL;
	/* trap, not kill: the process says which call it was, then ends */
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		return SD_E_NOMEM;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0)
		goto out;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i] < 0)
			continue;   /* not on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0) != 0)
			goto out;
	}
	/* Calls allowed only in their harmless forms: signals to this process
	 * only, limits read and not set, no executable memory, and of ioctl
	 * the reads a socket needs (never TIOCSTI into the operator's tty). */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid())) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
	    SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_EQ, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, FIONREAD)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, FIONBIO)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, TCGETS)) != 0)
		goto out;
	/* MHD's threads name themselves when they start, which may be after
	 * the filter is in place */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
	    SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME)) != 0)
		goto out;
	if (seccomp_load(ctx) != 0)
		goto out;
	rc = SD_OK;
out:
	seccomp_release(ctx);
	return rc;
}
#endif
