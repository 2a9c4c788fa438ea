/* sealdrop-submit: the options of a run and the flow that uses them.
 * Exit statuses are part of the interface (--help, the man page), so they
 * never change meaning. */
#ifndef SUB_SUBMIT_H
#define SUB_SUBMIT_H

#include <stddef.h>
#include <stdint.h>

#include "sd_channel.h"
#include "sd_mailbox.h"

enum sub_exit {
	SUB_EXIT_OK = 0,        /* sent (or sealed, or valid) */
	SUB_EXIT_INPUT = 1,     /* invalid input or usage */
	SUB_EXIT_CHANNEL = 2,   /* channel refused: wrong authority, expired, bad */
	SUB_EXIT_NETWORK = 3,   /* network or server failure after the retries */
};

/* more than the envelope allows, so that the limit is reported by name */
#define SUB_ATTACH_ARGS_MAX 16

struct sub_opts {
	const char *server;
	const char *authority;
	const char *channel;
	const char *out;
	const char *report;         /* NULL only with interactive */
	const char *details;
	const char *incident_ref;
	const char *update;         /* receipt of the report this corrects */
	const char *org_secret;
	const char *receipts;
	const char *proxy;
	const char *cacert;
	const char *attach[SUB_ATTACH_ARGS_MAX];
	size_t n_attach;
	unsigned int tries;
	unsigned int wait_ms;
	long connect_timeout;
	long timeout;
	int force;
	int interactive;
	int check;                  /* validate only */
	int anonymous;              /* no reporter pseudonym */
	int quiet;
	/* inbox and answer */
	const char *code;           /* the follow-up code */
	const char *code_file;
	const char *save;           /* inbox: directory for attachments */
	const char *in;             /* inbox: a saved answer of the server */
	const char *in_reply_to;    /* answer: the message answered */
};

/* A report's follow-up secret and its code, in guarded memory. */
struct sub_fu {
	uint8_t f[SD_FOLLOWUP_BYTES];
	char code[SD_FOLLOWUP_CODE_CAP];
};

/* Whole runs; each returns an exit status and has said why on stderr. */
int sub_run_submit(const struct sub_opts *o);
/* init: a new organisation secret (from code when not NULL); with show,
 * print the code and pseudonym of the existing one instead. */
int sub_run_init(const char *path, int force, const char *code, int show);

/* sealdrop-submit inbox and answer (followup.c). */
int sub_run_inbox(const struct sub_opts *o);
int sub_run_answer(const struct sub_opts *o);

/* Shared with followup.c: the channel (--authority pinned; from --server,
 * or --channel, or both and they must agree), as an exit status; the
 * check of a server's receipt for our envelope; an untrusted server
 * message made printable; the code and how to use it; the log path. */
int sub_get_channel(const struct sub_opts *o, sd_channel **out);
struct sub_receipt;
int sub_receipt_check(const sd_channel *ch, const char *receipt,
    const uint8_t *body, size_t len, struct sub_receipt *rec);
void sub_clean_text(char *out, size_t cap, const uint8_t *in, size_t len);
void sub_print_followup(const char *code, const char *server,
    const char *log);
const char *sub_log_path(const struct sub_opts *o, char *buf, size_t cap);

/* One-line messages on stderr, prefixed with the program name. */
void sub_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
