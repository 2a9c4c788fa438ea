#include "sd_pad.h"
#include "sd_err.h"

#include <string.h>

static unsigned
log2_floor(size_t x)
{
	unsigned r = 0;

	while (x >>= 1)
		r++;
	return r;
}

/* padme (Nikitin et al., "Reducing metadata leakage from encrypted files
 * and communication with PURBs"): leaks O(log log L) bits of the length
 * with at most 12% overhead. */
size_t
sd_padme(size_t l)
{
	unsigned e, s;
	size_t mask;

	if (l < 2)
		return l;
	e = log2_floor(l);
	s = log2_floor(e) + 1;
	mask = ((size_t)1 << (e - s)) - 1;

	if (l > SIZE_MAX - mask)
		return 0;
	return (l + mask) & ~mask;
}

size_t
sd_pad_size(size_t len)
{
	if (len >= SIZE_MAX - 1)
		return 0;
	if (len + 1 <= 1024)
		return 1024;
	return sd_padme(len + 1);
}

void
sd_pad(uint8_t *buf, size_t len, size_t padded)
{
	buf[len] = 0x80;
	memset(buf + len + 1, 0, padded - len - 1);
}

int
sd_unpad(const uint8_t *buf, size_t padded, size_t *len)
{
	size_t i = padded;

	while (i > 0 && buf[i - 1] == 0)
		i--;
	if (i == 0 || buf[i - 1] != 0x80)
		return SD_E_PADDING;
	i--;
	/* one padded length per plaintext length: anything else was not made
	 * by a correct sealer */
	if (sd_pad_size(i) != padded)
		return SD_E_PADDING;
	*len = i;
	return SD_OK;
}
