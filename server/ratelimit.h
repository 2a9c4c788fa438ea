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

#endif
