/* Kernel-arg parsing (see cmdline.h). */
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "lib/string.h"

/* The arg "key=..." (or, when bare, also "key" alone), or 0. */
static const char *find(const char *key, bool bare)
{
	size_t n = strlen(key);
	const char *a = kinfo.args;
	while (*a) {
		while (*a == ' ')
			a++;
		if (!strncmp(a, key, n) && (a[n] == '=' || (bare && (a[n] == ' ' || a[n] == 0))))
			return a;
		while (*a && *a != ' ')
			a++;
	}
	return 0;
}

bool arg_present(const char *word)
{
	return find(word, true) != 0;
}

const char *arg_value(const char *key)
{
	const char *a = find(key, false);
	return a ? a + strlen(key) + 1 : 0;
}

uint64_t arg_u64(const char *key, uint64_t dflt)
{
	const char *v = arg_value(key);
	uint64_t x = 0;
	if (!v || *v < '0' || *v > '9')
		return dflt;
	while (*v >= '0' && *v <= '9')
		x = x * 10 + (uint64_t)(*v++ - '0');
	return x;
}
