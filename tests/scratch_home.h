/* For the child of a test, just before it runs a program: when HOME is not
 * already a scratch directory under SD_BINARY_DIR (a test run by hand, not
 * through ctest), point HOME and the XDG base directories at ./home, so the
 * program never writes to the user's real home. */
#ifndef SD_SCRATCH_HOME_H
#define SD_SCRATCH_HOME_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void
sd_scratch_home_child(void)
{
	static const char *const vars[][2] = {
		{ "HOME", "" }, { "XDG_DATA_HOME", "/.local/share" },
		{ "XDG_CONFIG_HOME", "/.config" }, { "XDG_CACHE_HOME", "/.cache" },
		{ "XDG_STATE_HOME", "/.local/state" },
	};
	const char *bin = getenv("SD_BINARY_DIR"), *home = getenv("HOME");
	char cwd[PATH_MAX], val[PATH_MAX + 32];
	size_t i, n = bin != NULL ? strlen(bin) : 0;

	if (n > 0 && home != NULL && strncmp(home, bin, n) == 0 &&
	    home[n] == '/')
		return;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		_exit(126);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		snprintf(val, sizeof(val), "%s/home%s", cwd, vars[i][1]);
		if (setenv(vars[i][0], val, 1) != 0)
			_exit(126);
	}
	unsetenv("XDG_RUNTIME_DIR");
}

#endif
