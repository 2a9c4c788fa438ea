/* One line per request on stderr: method, route pattern, status, bytes,
 * duration. Never an address, a user agent, a query string or a time of
 * day: the log must not help anyone find out who reported. */
#ifndef SD_LOG_H
#define SD_LOG_H

#include <stddef.h>
#include <stdint.h>

void sd_log_request(const char *method, const char *route, unsigned status,
    size_t bytes, uint64_t duration_ns);

#endif
