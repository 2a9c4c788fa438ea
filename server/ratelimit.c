#include "ratelimit.h"

#include <time.h>

uint64_t sd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sd_ratelimit_init(struct sd_ratelimit *rl, unsigned rate,
    unsigned burst)
{
	pthread_mutex_init(&rl->mu, NULL);
	rl->rate = rate;
	rl->burst = burst > 0 ? burst : 1;
	rl->tokens = rl->burst;
	rl->last_ns = sd_now_ns();
}

void sd_ratelimit_destroy(struct sd_ratelimit *rl)
{
	pthread_mutex_destroy(&rl->mu);
}

int sd_ratelimit_take(struct sd_ratelimit *rl)
{
	uint64_t now;
	int ok = 0;

	if (rl->rate <= 0)
		return 1;
	pthread_mutex_lock(&rl->mu);
	now = sd_now_ns();
	rl->tokens += (double)(now - rl->last_ns) * 1e-9 * rl->rate;
	if (rl->tokens > rl->burst)
		rl->tokens = rl->burst;
	rl->last_ns = now;
	if (rl->tokens >= 1.0) {
		rl->tokens -= 1.0;
		ok = 1;
	}
	pthread_mutex_unlock(&rl->mu);
	return ok;
}
