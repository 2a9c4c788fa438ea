#include "log.h"

#include <stdio.h>
#include <unistd.h>

void sd_log_request(const char *method, const char *route, unsigned status,
    size_t bytes, uint64_t duration_ns)
{
	char line[160];
	int n;

	/* status 0: the client went away before an answer */
	n = snprintf(line, sizeof(line), "%s %s %u %zu %.1fms\n", method,
	    route, status, bytes, (double)duration_ns / 1e6);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	/* one write per line, so lines of concurrent requests never mix */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
