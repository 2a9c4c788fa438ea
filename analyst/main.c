/* sealdrop-analyst: the offline tool of the analysts. It holds the only
 * secret keys of the channel, so it has no network code at all. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "main.h"
#include "sandbox.h"
#include "sd_err.h"
#include "sd_mem.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} commands[] = {
	{ "keygen", cmd_keygen, "create a key pair (stats, details, authority, ack, receipt)" },
	{ "channel", cmd_channel, "create and sign the channel descriptor" },
	{ "open", cmd_open, "open the sections of a sealed envelope file" },
	{ "ingest", cmd_ingest, "verify and store export batches of the intake server" },
	{ "table", cmd_table, "print one protected table" },
	{ "report", cmd_report, "build the EU report (self-contained HTML)" },
	{ "show", cmd_show, "print one report in full" },
	{ "ack", cmd_ack, "sign the list of ingested receipts for the server's purge" },
	{ "ledger", cmd_ledger, "list the releases made from the store" },
	{ "list", cmd_list, "list the ingested reports and their review" },
	{ "review", cmd_review, "accept or reject a report; the review policy" },
	{ "reply", cmd_reply, "write a question to a report's follow-up mailbox" },
	{ "outbox", cmd_outbox, "write the waiting questions as a signed batch" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: sealdrop-analyst COMMAND [OPTIONS]\n\n"
	    "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\nOptions (before the command):\n"
	    "  --no-sandbox  do not apply the seccomp sandbox (debugging; "
	    "see sealdrop-analyst(1))\n"
	    "\nRun 'sealdrop-analyst COMMAND --help' for the options of "
	    "a command.\n");
}

/* The hidden command of the sandbox tests: "socket" must fail with EPERM
 * (exit 3 then), "exec" must end the process with SIGSYS, "other" (a call
 * on no list) with exit 70 and a message. */
static int
test_sandbox(int argc, char **argv)
{
	static char prog[] = "/bin/true";
	char *const args[] = { prog, NULL };
	int fd;

	if (argc == 2 && strcmp(argv[1], "socket") == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0) {
			close(fd);
			printf("socket: opened\n");
			return 0;
		}
		printf("socket: %s\n", strerror(errno));
		return 3;
	}
	if (argc == 2 && strcmp(argv[1], "other") == 0) {
		if (chdir("/") != 0) {
			printf("other: %s\n", strerror(errno));
			return 3;
		}
		printf("other: allowed\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "exec") == 0) {
		execv(args[0], args);
		printf("exec: %s\n", strerror(errno));
		return 3;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	int (*fn)(int, char **) = NULL;
	int sandbox = 1;
	size_t i;

	if (sd_crypto_init() != 0) {
		fprintf(stderr, "sealdrop-analyst: cannot initialise libsodium\n");
		return 1;
	}
	sd_secret_lock_check("sealdrop-analyst");
	if (argc >= 2 && strcmp(argv[1], "--no-sandbox") == 0) {
		sandbox = 0;
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			fn = commands[i].fn;
	if (fn == NULL && strcmp(argv[1], "test-sandbox") == 0)
		fn = test_sandbox;
	if (fn != NULL) {
		if (sandbox && analyst_sandbox_apply() != SD_OK) {
			fprintf(stderr, "sealdrop-analyst: cannot apply the "
			    "seccomp sandbox; run with --no-sandbox only if this "
			    "kernel has no seccomp\n");
			return 1;
		}
		return fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "sealdrop-analyst: unknown command '%s'; run "
	    "'sealdrop-analyst --help' for the list\n", argv[1]);
	return 1;
}
