/* The analyst tool holds every secret key of the channel and has no reason
 * to talk to a network or start a program. Once its command is known, a
 * seccomp allow-list makes sure it cannot: every network call fails with
 * EPERM, exec, fork and ptrace end the process, and any call outside the
 * list ends it with a message that names the call. */
#ifndef ANALYST_SANDBOX_H
#define ANALYST_SANDBOX_H

/* PR_SET_NO_NEW_PRIVS and the filter, on every thread (there is only the
 * main one when it is called). Returns SD_OK, or SD_E_INVAL / SD_E_NOMEM
 * when the kernel or libseccomp refuse. In builds with sanitizers it does
 * nothing: LeakSanitizer ptraces the process at exit. */
int analyst_sandbox_apply(void);

/* 1 when analyst_sandbox_apply() installs a filter in this build. */
int analyst_sandbox_available(void);

#endif
