/* sealdrop-analyst: one function per command, dispatched from main.c. Each
 * takes the arguments after the command name and returns the exit status. */
#ifndef SD_ANALYST_MAIN_H
#define SD_ANALYST_MAIN_H

int cmd_keygen(int argc, char **argv);
int cmd_channel(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_table(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_ack(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_reply(int argc, char **argv);
int cmd_outbox(int argc, char **argv);

#endif
