/* sealdrop-submit: seal a report on the company's own machine and deliver
 * it to the intake server, or to a file for delivery by other means. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "net.h"
#include "sd_encode.h"
#include "sd_mem.h"
#include "submit.h"
#include "template.h"

#define VERSION "0.1.0"

static const char usage_text[] =
"usage: sealdrop-submit --server URL --authority A.pub [options] report.json\n"
"       sealdrop-submit --server URL --authority A.pub --update RECEIPT\n"
"                       [options] report.json\n"
"       sealdrop-submit --channel channel.json --authority A.pub --out FILE\n"
"                       [options] report.json\n"
"       sealdrop-submit init [--org-secret FILE] [--force] [--code CODE | --show]\n"
"       sealdrop-submit template [--explain | --json]\n"
"       sealdrop-submit inbox --server URL --authority A.pub [--code-file F]\n"
"       sealdrop-submit answer --server URL --authority A.pub [--code-file F]\n"
"                       [--in-reply-to ID] [--attach FILE]... answer.txt\n"
"\n"
"Seals a trade-secret theft report on this machine, so that only the EU\n"
"bodies' keys can read it, and sends it to the intake server. The channel\n"
"the server publishes must be signed by the authority key you pin with\n"
"--authority; any other is refused before anything is sent.\n"
"\n"
"  --server URL          intake server (https://; http:// only to 127.0.0.1)\n"
"  --authority PK        the channel authority's public key: A.pub or base64\n"
"  --channel FILE        a channel.json you hold; with --server the server must\n"
"                        serve this very channel\n"
"  --out FILE            seal to FILE instead of sending (needs --channel)\n"
"  --force               let --out replace an existing file\n"
"  --details FILE        narrative, contact, consent_law_enforcement as JSON\n"
"                        (or put these members in report.json)\n"
"  --attach FILE         attach a file, up to 5, 10 MiB each (repeat)\n"
"  --update RECEIPT      send a corrected version of the report with this\n"
"                        receipt (from the receipt log): the same\n"
"                        incident_ref and reporter pseudonym, so it replaces\n"
"                        the earlier report in every figure\n"
"  --incident-ref HEX    the same by the earlier report's 32-digit\n"
"                        incident_ref (for a report not in the log)\n"
"  --org-secret FILE     organisation secret for the reporter pseudonym\n"
"                        (default: the one 'sealdrop-submit init' made)\n"
"  --anonymous           leave the reporter pseudonym out\n"
"  --receipts FILE       receipt log (default: under $XDG_DATA_HOME/sealdrop/)\n"
"  --proxy URL           e.g. socks5h://127.0.0.1:9050 to go through Tor\n"
"  --cacert FILE         trust this CA bundle for the server's certificate\n"
"  --retries N           tries after the first on network errors, 429, 503\n"
"                        (default 3; the same sealed bytes are resent)\n"
"  --retry-wait SECONDS  first pause between tries, doubled each time (1)\n"
"  --connect-timeout S   seconds to connect (30)\n"
"  --timeout S           seconds for each whole request (600)\n"
"  -i, --interactive     ask field by field (report.json may pre-fill some)\n"
"  --check               only validate the report; nothing is sealed or sent\n"
"  -q, --quiet           no progress messages\n"
"  -h, --help            this text;  --version  the version\n"
"\n"
"report.json may be '-' for standard input. 'sealdrop-submit template'\n"
"prints an example report with every field and its codes explained.\n"
"\n"
"Exit status: 0 sent (or sealed, or valid with --check); 1 invalid input\n"
"or usage; 2 channel refused (other authority, expired, bad signature);\n"
"3 network or server failure after the retries.\n";

static const char init_usage[] =
"usage: sealdrop-submit init [--org-secret FILE] [--force] [--code CODE | --show]\n"
"\n"
"Creates the organisation secret (mode 0600, default\n"
"$XDG_DATA_HOME/sealdrop/org.secret). Every report then carries a reporter\n"
"pseudonym derived from it, so analysts can count this organisation once\n"
"without learning which organisation it is. Use the same secret on every\n"
"machine that reports for the organisation; it is never overwritten\n"
"without --force.\n"
"\n"
"It also prints the organisation code: the same secret as letters a person\n"
"can keep and type into the web form, which then gives the same pseudonym.\n"
"  --code CODE   make the secret from a code (one the web form made)\n"
"  --show        print the code and pseudonym of the existing secret\n";

static const char inbox_usage[] =
"usage: sealdrop-submit inbox --server URL --authority A.pub\n"
"                       [--code CODE | --code-file FILE] [--save DIR] [options]\n"
"       sealdrop-submit inbox --in FILE --channel channel.json --authority A.pub\n"
"                       [--code CODE | --code-file FILE] [--save DIR]\n"
"\n"
"Reads the analysts' questions about a report you sent. The follow-up code\n"
"sealdrop-submit printed then (also in your receipt log) opens them; it is\n"
"asked on the terminal when neither --code nor --code-file is given, so it\n"
"need not appear in the process list. Only the mailbox id derived from it\n"
"is sent to the server. Each message is checked against the ack key of the\n"
"channel signed by the authority you pin; one that fails is shown as NOT\n"
"VERIFIED, never as coming from the analysts.\n"
"  --save DIR    save the attachments of verified messages in DIR\n"
"  --in FILE     read a mailbox answer saved before instead of fetching\n"
"  --proxy, --cacert, --retries, --retry-wait, --connect-timeout, --timeout,\n"
"  --quiet       as for sending a report\n";

static const char answer_usage[] =
"usage: sealdrop-submit answer --server URL --authority A.pub\n"
"                       [--code CODE | --code-file FILE] [--in-reply-to ID]\n"
"                       [--attach FILE]... answer.txt\n"
"       sealdrop-submit answer --channel channel.json --authority A.pub\n"
"                       --out FILE [--force] ... answer.txt\n"
"\n"
"Sends an answer (the text of answer.txt, '-' for standard input) to the\n"
"analysts, in the thread of the report the follow-up code belongs to. It is\n"
"sealed like a report, so the intake server cannot read it nor tell which\n"
"report it belongs to, and it never counts in statistics.\n"
"  --in-reply-to ID  the id of the message you answer (from inbox)\n"
"  --attach FILE     attach a file, up to 5 (repeat)\n";

static const char template_usage[] =
"usage: sealdrop-submit template [--explain | --json]\n"
"\n"
"Prints an example report to standard output: every field, with comment\n"
"lines (//) explaining it and its codes. sealdrop-submit reads the file as\n"
"printed: sealdrop-submit template > report.json, edit, submit.\n"
"  --explain  print the field guide alone, as plain text\n"
"  --json     print plain JSON without comments\n";

enum {
	OPT_SERVER = 256, OPT_AUTHORITY, OPT_CHANNEL, OPT_OUT, OPT_FORCE,
	OPT_DETAILS, OPT_ATTACH, OPT_INCIDENT, OPT_ORG, OPT_ANON, OPT_RECEIPTS,
	OPT_PROXY, OPT_CACERT, OPT_RETRIES, OPT_WAIT, OPT_CTIMEOUT, OPT_TIMEOUT,
	OPT_CHECK, OPT_VERSION, OPT_EXPLAIN, OPT_JSON, OPT_UPDATE,
	OPT_CODE, OPT_CODE_FILE, OPT_SAVE, OPT_IN, OPT_REPLY_TO,
};

static const struct option submit_opts[] = {
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "authority", required_argument, NULL, OPT_AUTHORITY },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "details", required_argument, NULL, OPT_DETAILS },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "incident-ref", required_argument, NULL, OPT_INCIDENT },
	{ "update", required_argument, NULL, OPT_UPDATE },
	{ "org-secret", required_argument, NULL, OPT_ORG },
	{ "anonymous", no_argument, NULL, OPT_ANON },
	{ "receipts", required_argument, NULL, OPT_RECEIPTS },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-wait", required_argument, NULL, OPT_WAIT },
	{ "connect-timeout", required_argument, NULL, OPT_CTIMEOUT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "interactive", no_argument, NULL, 'i' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int
usage_error(const char *what)
{
	sub_err("%s; see sealdrop-submit --help", what);
	return SUB_EXIT_INPUT;
}

static int
bad_option(int c, const char *arg)
{
	char what[160];

	snprintf(what, sizeof(what), c == ':' ? "%.100s needs a value" :
	    "unknown option %.100s", arg);
	return usage_error(what);
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
parse_seconds_ms(const char *s, unsigned int *ms)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 60.0))
		return -1;
	*ms = (unsigned int)(v * 1000.0 + 0.5);
	return 0;
}

static int
numeric_opt(int c, const char *arg, struct sub_opts *o)
{
	long v = 0;

	switch (c) {
	case OPT_RETRIES:
		if (parse_long(arg, 0, SUB_TRIES_MAX - 1, &v) != 0)
			return usage_error("--retries takes a number from 0 to 10");
		o->tries = (unsigned int)v + 1;
		return 0;
	case OPT_WAIT:
		if (parse_seconds_ms(arg, &o->wait_ms) != 0)
			return usage_error("--retry-wait takes seconds from 0 to 60");
		return 0;
	case OPT_CTIMEOUT:
		if (parse_long(arg, 1, 600, &o->connect_timeout) != 0)
			return usage_error("--connect-timeout takes seconds from 1 to 600");
		return 0;
	default:
		if (parse_long(arg, 1, 86400, &o->timeout) != 0)
			return usage_error("--timeout takes seconds from 1 to 86400");
		return 0;
	}
}

static int
path_opt(int c, const char *arg, struct sub_opts *o)
{
	switch (c) {
	case OPT_SERVER: o->server = arg; break;
	case OPT_AUTHORITY: o->authority = arg; break;
	case OPT_CHANNEL: o->channel = arg; break;
	case OPT_OUT: o->out = arg; break;
	case OPT_DETAILS: o->details = arg; break;
	case OPT_INCIDENT: o->incident_ref = arg; break;
	case OPT_UPDATE: o->update = arg; break;
	case OPT_ORG: o->org_secret = arg; break;
	case OPT_RECEIPTS: o->receipts = arg; break;
	case OPT_PROXY: o->proxy = arg; break;
	case OPT_CACERT: o->cacert = arg; break;
	case OPT_CODE: o->code = arg; break;
	case OPT_CODE_FILE: o->code_file = arg; break;
	case OPT_SAVE: o->save = arg; break;
	case OPT_IN: o->in = arg; break;
	case OPT_REPLY_TO: o->in_reply_to = arg; break;
	case OPT_ATTACH:
		if (o->n_attach >= SUB_ATTACH_ARGS_MAX)
			return usage_error("too many --attach (at most 5 files)");
		o->attach[o->n_attach++] = arg;
		break;
	default:
		return usage_error("unknown option");
	}
	return 0;
}

static int
parse_submit(int argc, char **argv, struct sub_opts *o)
{
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":iqh", submit_opts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case OPT_FORCE: o->force = 1; break;
		case OPT_ANON: o->anonymous = 1; break;
		case 'i': o->interactive = 1; break;
		case 'q': o->quiet = 1; break;
		case OPT_CHECK: o->check = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		case OPT_VERSION: printf("sealdrop-submit %s\n", VERSION); return -1;
		case OPT_RETRIES: case OPT_WAIT: case OPT_CTIMEOUT: case OPT_TIMEOUT:
			rc = numeric_opt(c, optarg, o);
			break;
		case ':':
		case '?':
			return bad_option(c, argv[optind - 1]);
		default: rc = path_opt(c, optarg, o); break;
		}
		if (rc != 0)
			return rc;
	}
	if (argc - optind > 1)
		return usage_error("give one report file");
	o->report = optind < argc ? argv[optind] : NULL;
	if (o->interactive && o->report != NULL && strcmp(o->report, "-") == 0)
		return usage_error("--interactive reads answers from standard "
		    "input; give report.json as a file");
	return 0;
}

static void
opts_defaults(struct sub_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tries = SUB_TRIES_DEFAULT;
	o->wait_ms = 1000;
	o->connect_timeout = 30;
	o->timeout = 600;
}

/* inbox (answer = 0) and answer: their own options, the network ones
 * shared with sending a report */
static int
cmd_followup(int argc, char **argv, int answer)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "authority", required_argument, NULL, OPT_AUTHORITY },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "code", required_argument, NULL, OPT_CODE },
		{ "code-file", required_argument, NULL, OPT_CODE_FILE },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "in", required_argument, NULL, OPT_IN },
		{ "in-reply-to", required_argument, NULL, OPT_REPLY_TO },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "proxy", required_argument, NULL, OPT_PROXY },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "retry-wait", required_argument, NULL, OPT_WAIT },
		{ "connect-timeout", required_argument, NULL, OPT_CTIMEOUT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = answer ? "answer" : "inbox";
	char what[128];
	struct sub_opts o;
	int c, rc;

	opts_defaults(&o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'h':
			fputs(answer ? answer_usage : inbox_usage, stdout);
			return SUB_EXIT_OK;
		case 'q': o.quiet = 1; break;
		case OPT_FORCE: o.force = 1; break;
		case OPT_RETRIES: case OPT_WAIT: case OPT_CTIMEOUT: case OPT_TIMEOUT:
			rc = numeric_opt(c, optarg, &o);
			break;
		case ':':
		case '?':
			return bad_option(c, argv[optind - 1]);
		default: rc = path_opt(c, optarg, &o); break;
		}
		if (rc != 0)
			return rc;
	}
	if (!answer && (o.in_reply_to || o.n_attach || o.out)) {
		snprintf(what, sizeof(what), "--in-reply-to, --attach and --out "
		    "are options of answer, not of %s", name);
		return usage_error(what);
	}
	if (answer && (o.save || o.in)) {
		snprintf(what, sizeof(what), "--save and --in are options of inbox, "
		    "not of %s", name);
		return usage_error(what);
	}
	if (answer ? argc - optind != 1 : argc != optind) {
		snprintf(what, sizeof(what), answer ? "answer takes one file with "
		    "the text of the answer" : "inbox takes no file argument");
		return usage_error(what);
	}
	o.report = answer ? argv[optind] : NULL;
	return answer ? sub_run_answer(&o) : sub_run_inbox(&o);
}

static int
cmd_submit(int argc, char **argv)
{
	struct sub_opts o;
	int rc;

	opts_defaults(&o);
	if ((rc = parse_submit(argc, argv, &o)) != 0)
		return rc < 0 ? SUB_EXIT_OK : rc;
	if (o.incident_ref != NULL) {
		/* one spelling per value: accept upper case, send lower */
		static char ref[64];
		size_t i, n = strlen(o.incident_ref);

		if (n >= sizeof(ref))
			return usage_error("--incident-ref takes 32 hex digits");
		for (i = 0; i <= n; i++)
			ref[i] = (char)(o.incident_ref[i] >= 'A' &&
			    o.incident_ref[i] <= 'F' ? o.incident_ref[i] + 32 :
			    o.incident_ref[i]);
		o.incident_ref = ref;
	}
	return sub_run_submit(&o);
}

static int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org-secret", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "code", required_argument, NULL, 'c' },
		{ "show", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *code = NULL;
	int c, force = 0, show = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'f': force = 1; break;
		case 'c': code = optarg; break;
		case 's': show = 1; break;
		case 'h': fputs(init_usage, stdout); return SUB_EXIT_OK;
		default: return usage_error("init takes --org-secret FILE, "
		    "--force, --code CODE and --show");
		}
	}
	if (optind != argc)
		return usage_error("init takes no file argument");
	if (show && (code != NULL || force))
		return usage_error("init --show takes only --org-secret");
	return sub_run_init(path, force, code, show);
}

static int
cmd_template(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char today[11];
	int c, explain = 0, json = 0, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_EXPLAIN: explain = 1; break;
		case OPT_JSON: json = 1; break;
		case 'h': fputs(template_usage, stdout); return SUB_EXIT_OK;
		default: return usage_error("template takes --explain or --json");
		}
	}
	if (optind != argc || (explain && json))
		return usage_error("template takes --explain or --json");
	sd_today(today);
	rc = explain ? sub_template_explain(stdout) :
	    sub_template_print(stdout, !json, today);
	if (rc != 0 || fflush(stdout) != 0) {
		sub_err("cannot write the template");
		return SUB_EXIT_INPUT;
	}
	return SUB_EXIT_OK;
}

int
main(int argc, char **argv)
{
	int rc;

	if (sd_crypto_init() != 0) {
		sub_err("cannot initialise libsodium");
		return SUB_EXIT_INPUT;
	}
	sd_secret_lock_check("sealdrop-submit");
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "template") == 0)
		return cmd_template(argc - 1, argv + 1);
	if (sub_net_global_init() != 0) {
		sub_err("cannot initialise libcurl");
		return SUB_EXIT_NETWORK;
	}
	if (argc > 1 && (strcmp(argv[1], "inbox") == 0 ||
	    strcmp(argv[1], "answer") == 0))
		rc = cmd_followup(argc - 1, argv + 1, argv[1][0] == 'a');
	else
		rc = cmd_submit(argc, argv);
	sub_net_global_cleanup();
	return rc;
}
