/* Policy registry.  The references are weak so the kernel can link only the
 * policy chosen with `make SCHED=` (SCHED_SRCS), while the host simulator
 * and tests link all of them: an unlinked policy's address reads as NULL. */
#include <stddef.h>

#include "sched/policy.h"

extern const struct sched_policy sched_policy_rm __attribute__((weak));
extern const struct sched_policy sched_policy_edf __attribute__((weak));
extern const struct sched_policy sched_policy_memguard __attribute__((weak));
extern const struct sched_policy sched_policy_cache_aware __attribute__((weak));

static const struct sched_policy *const known[] = {
	&sched_policy_rm,
	&sched_policy_edf,
	&sched_policy_memguard,
	&sched_policy_cache_aware,
};

int sched_name_is(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct sched_policy *sched_policy_at(unsigned i)
{
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (known[k] && i-- == 0)
			return known[k];
	return NULL;
}

const struct sched_policy *sched_policy_lookup(const char *name)
{
	const struct sched_policy *p;

	for (unsigned i = 0; (p = sched_policy_at(i)) != NULL; i++)
		if (sched_name_is(p->name, name))
			return p;
	return NULL;
}
