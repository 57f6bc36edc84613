/* The table of policy parameters (see params.h). Freestanding: the
 * monitor links it. */
#include "sched/params.h"

/* Every policy of sched/policy_*.c; tests/unit/test_sched_taskset.c checks
 * this list against the registry, which links them all on the host. */
static const char *const policies[] = { "rm", "edf", "memguard", "cache-aware" };

#define NPOLICIES (sizeof policies / sizeof policies[0])

static const struct sched_param_spec specs[] = {
	{ 0, "slice_us", "be_slice", SCHED_UNIT_US, 10, 1000000, 1000,
	  "best-effort time slice, an integer in 10..1000000 (microseconds)" },
	{ "memguard", "budget", "budget", SCHED_UNIT_COUNT, 1, 1000000000000ull, 0,
	  "LLC misses per regulation period, an integer >= 1" },
	{ "memguard", "period_us", "period", SCHED_UNIT_US, 100, 1000000, 1000,
	  "regulation period, an integer in 100..1000000 (microseconds)" },
	{ "cache-aware", "polluter_mpki", "polluter_mpki", SCHED_UNIT_MILLI, 1, 1000000, 0,
	  "LLC misses per 1000 instructions that make a polluter, a decimal in 0.001..1000" },
	{ "cache-aware", "sensitive_pct", "sensitive_pct", SCHED_UNIT_COUNT, 1, 100, 0,
	  "LLC occupancy that makes a reserved VCPU cache-sensitive, an integer in 1..100 "
	  "(percent of the LLC)" },
	{ "cache-aware", "guard_us", "guard", SCHED_UNIT_US, 0, 1000000, 1000,
	  "how long before a cache-sensitive reservation's release other cores hold polluters "
	  "back, an integer in 0..1000000 (microseconds)" },
	{ "cache-aware", "max_hold_pct", "max_hold_pct", SCHED_UNIT_COUNT, 0, 100, 0,
	  "the most a core may idle holding polluters back, an integer in 0..100 (percent of "
	  "the time best effort is runnable there; default 10)" },
};

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int sched_param_policy(const char *name)
{
	for (unsigned i = 0; i < NPOLICIES; i++)
		if (same(policies[i], name))
			return (int)i;
	return -1;
}

const char *sched_param_policy_name(unsigned i)
{
	return i < NPOLICIES ? policies[i] : 0;
}

const struct sched_param_spec *sched_param_at(unsigned i)
{
	return i < sizeof specs / sizeof specs[0] ? &specs[i] : 0;
}

int sched_param_applies(const struct sched_param_spec *s, const char *name)
{
	return !s->policy || same(s->policy, name);
}

const struct sched_param_spec *sched_param_find(unsigned policy, const char *key)
{
	const struct sched_param_spec *s;
	for (unsigned i = 0; (s = sched_param_at(i)); i++)
		if (sched_param_applies(s, policies[policy]) && same(s->key, key))
			return s;
	return 0;
}

int sched_param_value(const struct sched_param_spec *s, const char *text, uint64_t *out)
{
	uint64_t v = 0;
	int frac = -1;   /* decimals seen after the point; -1: no point */
	const char *p = text;

	for (; *p; p++) {
		if (*p == '.' && s->unit == SCHED_UNIT_MILLI && frac < 0 && p != text) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || frac == 3)
			return -1;
		if (v > s->max)
			return -1;   /* already too big: stop before overflowing */
		v = v * 10 + (uint64_t)(*p - '0');
		if (frac >= 0)
			frac++;
	}
	if (p == text || frac == 0)
		return -1;
	if (s->unit == SCHED_UNIT_MILLI)
		for (frac = frac < 0 ? 0 : frac; frac < 3; frac++)
			v *= 10;
	if (v < s->min || v > s->max)
		return -1;
	*out = v;
	return 0;
}
