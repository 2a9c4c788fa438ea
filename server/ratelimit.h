/* A global token bucket for submissions. It counts in memory only and
 * knows nothing of who sends: no address is kept anywhere. */
#ifndef SD_RATELIMIT_H
#define SD_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

struct sd_ratelimit {
	pthread_mutex_t mu;
	double tokens;
	double rate;           /* tokens per second; 0: no limit */
	double burst;
	uint64_t last_ns;
};

void sd_ratelimit_init(struct sd_ratelimit *rl, unsigned rate,
    unsigned burst);
void sd_ratelimit_destroy(struct sd_ratelimit *rl);
/* 1 when a request may go ahead (a token is taken), 0 when over the rate */
int sd_ratelimit_take(struct sd_ratelimit *rl);
uint64_t sd_now_ns(void);  /* monotonic */

/* Buckets by sender for the mailbox lookups: a fixed table of slots chosen
 * by a hash of the address keyed with a key drawn at start-up and kept in
 * memory only, so neither the address nor a stable function of it is kept.
 * Senders whose hashes meet share a slot (and its limit). */
#define SD_ADDRLIMIT_SLOTS 4096u

struct sd_addrlimit {
	pthread_mutex_t mu;
	double rate;           /* tokens per second; 0: no limit */
	double burst;
	uint8_t key[32];
	struct sd_addrslot {
		double tokens;
		uint64_t last_ns;  /* 0: unused */
	} *slots;
};

/* per_minute tokens a minute per slot, burst at most; 0: off */
int sd_addrlimit_init(struct sd_addrlimit *al, unsigned per_minute,
    unsigned burst);
void sd_addrlimit_destroy(struct sd_addrlimit *al);
/* 1 when the sender of addr (its bytes, e.g. a sockaddr) may go ahead */
int sd_addrlimit_take(struct sd_addrlimit *al, const void *addr,
    size_t len);

#endif
