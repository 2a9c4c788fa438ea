/* sealdrop-analyst: the offline tool of the analysts. It holds the only
 * secret keys of the channel, so it has no network code at all. */
#include <stdio.h>
#include <string.h>

#include "main.h"
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
	fprintf(f, "\nRun 'sealdrop-analyst COMMAND --help' for the options of "
	    "a command.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (sd_crypto_init() != 0) {
		fprintf(stderr, "sealdrop-analyst: cannot initialise libsodium\n");
		return 1;
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
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "sealdrop-analyst: unknown command '%s'; run "
	    "'sealdrop-analyst --help' for the list\n", argv[1]);
	return 1;
}
