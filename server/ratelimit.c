#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "sd_err.h"

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

int sd_addrlimit_init(struct sd_addrlimit *al, unsigned per_minute,
    unsigned burst)
{
	memset(al, 0, sizeof(*al));
	pthread_mutex_init(&al->mu, NULL);
	al->rate = per_minute / 60.0;
	al->burst = burst > 0 ? burst : 1;
	if (per_minute == 0)
		return SD_OK;
	randombytes_buf(al->key, sizeof(al->key));
	al->slots = calloc(SD_ADDRLIMIT_SLOTS, sizeof(*al->slots));
	return al->slots != NULL ? SD_OK : SD_E_NOMEM;
}

void sd_addrlimit_destroy(struct sd_addrlimit *al)
{
	sodium_memzero(al->key, sizeof(al->key));
	free(al->slots);
	al->slots = NULL;
	pthread_mutex_destroy(&al->mu);
}

int sd_addrlimit_take(struct sd_addrlimit *al, const void *addr,
    size_t len)
{
	struct sd_addrslot *s;
	uint8_t h[8];
	uint64_t now, idx = 0;
	int ok = 0;

	if (al->rate <= 0 || al->slots == NULL)
		return 1;
	crypto_generichash(h, sizeof(h), addr, len, al->key, sizeof(al->key));
	memcpy(&idx, h, sizeof(idx));
	s = &al->slots[idx % SD_ADDRLIMIT_SLOTS];
	pthread_mutex_lock(&al->mu);
	now = sd_now_ns();
	if (s->last_ns == 0)
		s->tokens = al->burst;
	else
		s->tokens += (double)(now - s->last_ns) * 1e-9 * al->rate;
	if (s->tokens > al->burst)
		s->tokens = al->burst;
	s->last_ns = now;
	if (s->tokens >= 1.0) {
		s->tokens -= 1.0;
		ok = 1;
	}
	pthread_mutex_unlock(&al->mu);
	return ok;
}
