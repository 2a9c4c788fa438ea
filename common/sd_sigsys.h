/* What a process under a seccomp filter that traps (SCMP_ACT_TRAP) does
 * when a call is refused: one line on stderr naming the program and the
 * system call's number, then exit status 70. Async-signal-safe. */
#ifndef SD_SIGSYS_H
#define SD_SIGSYS_H

/* PROG (a string that lives as long as the process) heads the line.
 * Returns SD_OK or SD_E_INVAL. */
int sd_sigsys_install(const char *prog);

#endif
