/* This kernel's performance counters over the build's backend (see kpmc.h, backend.h). */
#include "kernel/pmc/kpmc.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/backend.h"
#include "kernel/vectors.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/x86.h"

static struct pmc pmc;
static bool up;
/* Handles of the events a scheduler sample carries; -1 when not countable. */
static int h_instr = -1, h_refs = -1, h_misses = -1, h_cycles = -1;
static bool sched_events_open;

struct pmc *kpmc(void) { return up ? &pmc : 0; }

/* The "pmc" record: the backend that came up, or "none" and why not. */
static int backend_init(void)
{
	const char *why = kpmc_backend.init(&pmc);
	struct record r;
	rec_begin(&r, "pmc");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "backend", why ? "none" : kpmc_backend.name);
	if (why)
		rec_str(&r, "why", why);
	else if (kpmc_backend.describe)
		kpmc_backend.describe(&pmc, &r);
	rec_end(&r);
	return why ? -1 : 0;
}


/* Open NAME, or leave a record saying why this backend cannot count it. */
static int open_event(const char *name)
{
	int h = pmc_open(&pmc, name);
	if (h < 0) {
		struct record r;
		rec_begin(&r, "pmc_event_error");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "event", name);
		rec_str(&r, "why", pmc_why(&pmc));
		rec_end(&r);
	}
	return h;
}

static struct kpmc_pmi_stats pmi;

bool kpmc_arm_miss_budget(uint64_t misses)
{
	if (!up || h_misses < 0 || pmc_arm_overflow(&pmc, h_misses, misses) != PMC_OK)
		return false;
	pmi.armed++;
	/* The PMU interrupt is the LAPIC's performance-counter LVT entry; the
	 * CPU masks it when it delivers a PMI, so unmask it at every arming. */
	lapic_write(LAPIC_LVT_PERF, VEC_PMI);
	return true;
}

const struct kpmc_pmi_stats *kpmc_pmi_stats(void) { return &pmi; }

bool kpmc_overflowed(void)
{
	uint64_t over, lat;
	if (!up || h_misses < 0)
		return false;
	if (!(pmc_overflow_take(&pmc) & (1u << h_misses))) {
		pmi.unclaimed++;
		return false;
	}
	/* Misses since the wrap: the raw counter restarted at 0 there. */
	pmc_read(&pmc, h_misses);
	over = pmc.open[h_misses].raw_last;
	pmi.n++;
	pmi.over_sum += over;
	if (over > pmi.over_max)
		pmi.over_max = over;
	if (kpmc_backend.overflow_latency) {
		lat = kpmc_backend.overflow_latency(&pmc, h_misses);
		pmi.latency_n++;
		pmi.latency_sum += lat;
		if (lat > pmi.latency_max)
			pmi.latency_max = lat;
	}
	return true;
}

int kpmc_open(const char *name)
{
	return up ? open_event(name) : -1;
}

uint64_t kpmc_read(int h)
{
	return pmc_read(&pmc, h);
}

void kpmc_init(void)
{
	up = backend_init() == 0;
	/*
	 * Only a kernel that will schedule VCPUs opens the scheduler's events,
	 * and it does so now, at boot: the vPMU plugin instruments guest memory
	 * accesses (its costly part) from the first enabled counter on, and
	 * that switch retranslates every vCPU's code, which under -icount
	 * shifts when timer interrupts land - harmless during boot, not in the
	 * middle of a measured schedule.
	 */
	if (up && kinfo.bi && kinfo.bi->taskset[0])
		kpmc_open_sched_events();
}

void kpmc_open_sched_events(void)
{
	if (!up || sched_events_open)
		return;
	sched_events_open = true;
	h_instr = open_event("INSTRUCTION_RETIRED");
	h_refs = open_event("LLC_REFERENCES");
	h_misses = open_event("LLC_MISSES");
	h_cycles = open_event("UNHALTED_CORE_CYCLES");
}

uint64_t kpmc_cycles(void)
{
	return h_cycles >= 0 ? pmc_read(&pmc, h_cycles) : 0;
}

/* Lines of the largest cache CPUID's deterministic cache parameters list
 * (leaf 4 on Intel, 0x8000001D on AMD: same layout). 0 if none. */
static uint64_t cpuid_llc_lines(void)
{
	uint32_t r[4], leaf = 4, best_level = 0;
	uint64_t lines = 0;
	cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x8000001Du) {
		cpuid(0x80000001u, 0, r);
		if (r[2] & (1u << 22))      /* TOPOEXT: AMD's leaf 0x8000001D */
			leaf = 0x8000001Du;
	}
	for (uint32_t sub = 0; sub < 16; sub++) {
		cpuid(leaf, sub, r);
		uint32_t type = r[0] & 0x1f, level = (r[0] >> 5) & 7;
		if (!type)
			break;
		if (type != 2 && level >= best_level) {   /* data or unified */
			best_level = level;
			lines = (uint64_t)((r[1] >> 22) + 1) * (((r[1] >> 12) & 0x3ff) + 1) * (r[2] + 1);
		}
	}
	return lines;
}

uint64_t kpmc_llc_lines(void)
{
	if (up && kpmc_backend.llc_lines)
		return kpmc_backend.llc_lines(&pmc);
	return cpuid_llc_lines();
}

void kpmc_set_llc_tag(uint32_t tag)
{
	if (up && kpmc_backend.set_llc_tag)
		kpmc_backend.set_llc_tag(&pmc, tag);
}

bool kpmc_llc_truth(uint32_t tag, uint64_t *lines)
{
	if (!up || !kpmc_backend.llc_occupancy_tag)
		return false;
	*lines = kpmc_backend.llc_occupancy_tag(&pmc, tag);
	return true;
}

bool kpmc_sample(uint64_t now, struct sched_pmc_sample *s)
{
	struct pmc_sample d;
	if (!up)
		return false;
	pmc_sample(&pmc, 0, &d);
	s->t = now;
	s->instructions = h_instr >= 0 ? d.delta[h_instr] : 0;
	s->llc_refs = h_refs >= 0 ? d.delta[h_refs] : 0;
	s->llc_misses = h_misses >= 0 ? d.delta[h_misses] : 0;
	s->llc_fills_global = kpmc_backend.llc_fills_global ? kpmc_backend.llc_fills_global(&pmc) : 0;
	return true;
}
