/* After start-up (keys loaded, store open, socket bound, threads running)
 * the server needs only a small set of system calls. Everything else ends
 * the process (after kcgi's sandbox-seccomp-filter). */
#ifndef SD_SANDBOX_H
#define SD_SANDBOX_H

/* PR_SET_NO_NEW_PRIVS and the seccomp allow-list, on every thread. */
int sd_sandbox_apply(void);

#endif
