/* The portable core of the PMC API: event lookup, counter bookkeeping and
 * sampling over a backend (pmc_backend.h). See pmc.h. */
#include "pmc/pmc_backend.h"
#include "pmc/event_match.h"

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const char *pmc_table_event_name(const struct pmc *p, unsigned i)
{
	return i < p->table->n ? p->table->events[i].name : 0;
}

int pmc_cpu_vendor_is(const struct pmc *p, const char *vendor)
{
	uint32_t r[4];
	char got[12];
	p->msr->cpuid(p->msr_ctx, 0, 0, r);
	/* The vendor string is EBX, EDX, ECX in that order. */
	const uint32_t order[3] = {r[1], r[3], r[2]};
	for (unsigned i = 0; i < 12; i++)
		got[i] = (char)(order[i / 4] >> (8 * (i % 4)));
	for (unsigned i = 0; i < 12; i++)
		if (got[i] != vendor[i])
			return 0;
	return 1;
}

static int fail(struct pmc *p, int status, const char *why)
{
	p->why = why;
	return status;
}

int pmc_open(struct pmc *p, const char *name)
{
	if (!p->be)
		return fail(p, PMC_EINVAL, "pmc_open before a successful pmc_init_*");
	if (p->n_open == PMC_MAX_OPEN)
		return fail(p, PMC_EBUSY, "PMC_MAX_OPEN events are open already");
	const char *known;
	unsigned ev = 0;
	for (; (known = p->be->event_name(p, ev)) != 0; ev++)
		if (streq(known, name))
			break;
	if (!known)
		return fail(p, PMC_ENOENT, "unknown event name (see pmc_suggest)");
	struct pmc_counter *c = &p->open[p->n_open];
	int st = p->be->start(p, ev, &c->hw);
	if (st != PMC_OK)
		return st;
	c->name = known;
	c->raw_last = p->be->read(p, c->hw);
	c->total = 0;
	c->sampled = 0;
	p->why = "";
	return (int)p->n_open++;
}

/* Bring handle H's 64-bit total up to date and return it. */
static uint64_t update(struct pmc *p, struct pmc_counter *c)
{
	uint32_t w = p->be->width(p, c->hw);
	uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1;
	uint64_t raw = p->be->read(p, c->hw);
	c->total += (raw - c->raw_last) & mask;
	c->raw_last = raw;
	return c->total;
}

uint64_t pmc_read(struct pmc *p, int h)
{
	if (h < 0 || (uint32_t)h >= p->n_open) {
		p->why = "bad handle";
		return 0;
	}
	return update(p, &p->open[h]);
}

void pmc_sample(struct pmc *p, uint32_t vcpu, struct pmc_sample *out)
{
	out->vcpu = vcpu;
	out->n = p->n_open;
	for (uint32_t h = 0; h < p->n_open; h++) {
		struct pmc_counter *c = &p->open[h];
		uint64_t now = update(p, c);
		out->delta[h] = now - c->sampled;
		c->sampled = now;
	}
}

/* The preset that makes counter C overflow after COUNT events, or 0 if it
 * cannot hold it. */
static uint64_t preset_for(const struct pmc *p, const struct pmc_counter *c, uint64_t count)
{
	uint32_t w = p->be->width(p, c->hw);
	uint64_t span = w >= 64 ? ~0ull : 1ull << w;
	uint64_t limit = p->be->max_preset ? p->be->max_preset : span - 1;
	if (!count || count > limit)
		return 0;
	return span - count;
}

int pmc_arm_overflow(struct pmc *p, int h, uint64_t count)
{
	struct pmc_counter *c;
	uint64_t preset;

	if (!p->be || h < 0 || (uint32_t)h >= p->n_open)
		return fail(p, PMC_EINVAL, "pmc_arm_overflow: bad handle");
	if (!p->be->arm)
		return fail(p, PMC_ENOTSUP, "this PMU raises no overflow interrupt: check at scheduling points");
	c = &p->open[h];
	if (!(preset = preset_for(p, c, count)))
		return fail(p, PMC_EINVAL, "pmc_arm_overflow: count is 0 or beyond the counter's preset range");
	update(p, c);   /* bank what it counted before the preset */
	if (p->be->arm(p, c->hw, preset))
		return fail(p, PMC_ENODEV, "pmc_arm_overflow: MSR faulted");
	c->raw_last = preset;
	c->preset = preset;
	p->armed |= 1u << h;
	return PMC_OK;
}

uint32_t pmc_overflow_take(struct pmc *p)
{
	uint32_t fired = 0;
	for (uint32_t h = 0; h < p->n_open; h++) {
		struct pmc_counter *c = &p->open[h];
		if (!(p->armed & (1u << h)) || !p->be->take(p, c->hw, c->preset))
			continue;
		fired |= 1u << h;
		p->armed &= ~(1u << h);
	}
	return fired;
}

const char *pmc_why(const struct pmc *p)
{
	return p->why ? p->why : "";
}

unsigned pmc_suggest(const struct pmc *p, const char *name, const char **out, unsigned max)
{
	unsigned dist[PMC_MAX_OPEN];
	const char *known;
	if (!p->be || max == 0)
		return 0;
	if (max > PMC_MAX_OPEN)
		max = PMC_MAX_OPEN;
	struct event_match m = {.want = name, .best = out, .dist = dist, .n = max, .count = 0};
	for (unsigned i = 0; (known = p->be->event_name(p, i)) != 0; i++)
		event_match_offer(&m, known);
	return m.count;
}
