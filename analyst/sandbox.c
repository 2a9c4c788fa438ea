#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <seccomp.h>

#include "sd_err.h"
#include "sd_sigsys.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_OFF 1
#endif
#endif

#ifdef SANDBOX_OFF
int analyst_sandbox_apply(void)
{
	return SD_OK;
}

int analyst_sandbox_available(void)
{
	return 0;
}
#else

/* What the commands need: files (SQLite with its -wal and -shm, atomic
 * writes by rename, directories for saved attachments), guarded memory,
 * time, randomness, the terminal for a passphrase and a progress bar, and
 * worker threads. */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(lseek),
	SCMP_SYS(close), SCMP_SYS(openat), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fcntl),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(getcwd),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(getdents64),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(umask),
	SCMP_SYS(fchmod), SCMP_SYS(fchown), SCMP_SYS(dup), SCMP_SYS(dup3),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(uname), SCMP_SYS(sysinfo), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(sched_yield), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(mlock), SCMP_SYS(munlock), SCMP_SYS(getrandom),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(membarrier), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Of the network, nothing: a call fails as if forbidden by policy, so
 * whatever asked for it reports an error instead of reaching out. */
static const int network[] = {
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
	SCMP_SYS(accept4), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg),
	SCMP_SYS(recvmmsg), SCMP_SYS(shutdown), SCMP_SYS(getsockopt),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
};

/* No other program, no copy of this one, no reading another process. */
static const int fatal[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork),
	SCMP_SYS(vfork), SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(kill),
};

/* The terminal requests of a passphrase prompt and a progress bar; never
 * TIOCSTI, which would type into the analyst's shell. */
static const unsigned long tty_requests[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ,
};

static int add_all(scmp_filter_ctx ctx, uint32_t action, const int *calls,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (calls[i] < 0)
			continue;   /* not on this architecture */
		if (seccomp_rule_add(ctx, action, calls[i], 0) != 0)
			return SD_E_INVAL;
	}
	return SD_OK;
}

int analyst_sandbox_available(void)
{
	return 1;
}

int analyst_sandbox_apply(void)
{
	scmp_filter_ctx ctx = NULL;
	size_t i;
	int rc = SD_E_INVAL;

	if (sd_sigsys_install("sealdrop-analyst") != SD_OK)
		return SD_E_INVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return SD_E_INVAL;
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		return SD_E_NOMEM;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0 ||
	    add_all(ctx, SCMP_ACT_ALLOW, allowed,
	    sizeof(allowed) / sizeof(allowed[0])) != SD_OK ||
	    add_all(ctx, SCMP_ACT_ERRNO(EPERM), network,
	    sizeof(network) / sizeof(network[0])) != SD_OK ||
	    add_all(ctx, SCMP_ACT_KILL_PROCESS, fatal,
	    sizeof(fatal) / sizeof(fatal[0])) != SD_OK)
		goto out;
	for (i = 0; i < sizeof(tty_requests) / sizeof(tty_requests[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)tty_requests[i])) != 0)
			goto out;
	/* Threads, but no new process: clone only with CLONE_THREAD, and
	 * clone3 (whose flags a filter cannot read) as absent, so that the C
	 * library falls back to clone. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) != 0)
		goto out;
	/* signals to this process only, limits read and never raised, no
	 * executable memory */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid())) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
	    SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A2(SCMP_CMP_EQ, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) != 0)
		goto out;
	if (seccomp_load(ctx) != 0)
		goto out;
	rc = SD_OK;
out:
	seccomp_release(ctx);
	return rc;
}
#endif
