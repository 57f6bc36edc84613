/* Measured vPMU regions around the validation workloads (see vpmu_region.h). */
#include "kernel/pmc/vpmu_region.h"
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/kpmc.h"
#include "kernel/page_alloc.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "pmc/pmc_vpmu.h"

/* The region's events, in record order (keys: lower-case names). */
static const struct { const char *event, *key; } events[] = {
	{ "INSTRUCTION_RETIRED", "instructions" },
	{ "L1D_ACCESSES", "l1d_accesses" },
	{ "L1D_MISSES", "l1d_misses" },
	{ "LLC_REFERENCES", "llc_references" },
	{ "LLC_MISSES", "llc_misses" },
	{ "LLC_FILLS", "llc_fills" },
	{ "LLC_CROSS_EVICTIONS", "llc_cross_evictions" },
	{ "DTLB_MISSES", "dtlb_misses" },
};
#define NEVENTS (sizeof events / sizeof events[0])

static int handle[NEVENTS];

/* The vPMU with the region's events open, or 0 after an error record
 * (the workloads still run then, uncounted: the plain-TCG half of
 * make bench-vpmu). */
struct pmc *vpmu_region_open(const char *exp)
{
	static bool opened;
	struct pmc *p = kpmc();
	unsigned i;
	if (!p || !p->vpmu) {
		experiment_error(exp, "no vPMU: the workloads run uncounted (QEMU needs build/vpmu.so and its "
			   "ivshmem device, the kernel PMC=vpmu)");
		return 0;
	}
	for (i = 0; !opened && i < NEVENTS; i++)
		if ((handle[i] = pmc_open(p, events[i].event)) < 0) {
			experiment_error(exp, pmc_why(p));
			return 0;
		}
	opened = true;
	return p;
}

/*
 * A physically contiguous, 2 MiB-aligned buffer of bytes (the kernel maps
 * RAM identity, so virtual = physical): the host driver aligns its buffer
 * the same way, so both sides index the same cache sets. Pages before the
 * alignment are left allocated; 0 when RAM is short.
 */
uint8_t *vpmu_region_buffer(uint64_t bytes)
{
	uint64_t pa, first, n;
	do {
		pa = page_alloc();
	} while (pa && pa % VPMU_REGION_ALIGN);
	if (!pa)
		return 0;
	first = pa;
	for (n = 1; n * 4096 < bytes; n++)
		if (page_alloc() != first + n * 4096)
			return 0;
	return (uint8_t *)first;
}

/* Word i of the shared region "xcore" the pair synchronises through
 * (words 0-7 hold shared.c's marks), or 0 when there is none (alone). */
#define XCORE_STREAMING 8       /* set by the streamer once it streams */
#define XCORE_VICTIM_DONE 9     /* set by the victim after its region */
#define XCORE_MAX_ROUNDS 100000 /* the streamer's bound if the victim never ends */
static volatile uint64_t *xcore_word(unsigned i)
{
	unsigned k;
	for (k = 0; kinfo.bi && k < kinfo.bi->nshared; k++)
		if (!strncmp(kinfo.bi->shared[k].name, "xcore", 6))
			return (volatile uint64_t *)kinfo.bi->shared[k].gpa + i;
	return 0;
}

/* Run w over mem as a measured region and record its counts. A streamer
 * beside a victim repeats its passes until the victim's region is over, so
 * the victim's whole region runs under interference. */
void vpmu_region_measure(struct pmc *p, const char *role, const struct workload *w, uint8_t *mem,
			 const struct wl_params *wp)
{
	volatile uint64_t *streaming = xcore_word(XCORE_STREAMING), *done = xcore_word(XCORE_VICTIM_DONE);
	bool stream = !strncmp(role, "stream", 6), reuse = !strncmp(role, "reuse", 5);
	uint64_t sum, t0, t1, rounds = 1;
	struct record r;
	unsigned i;

	if (reuse && streaming) {
		uint64_t give_up = rdtsc() + 10 * kinfo.tsc_hz;
		while (!*streaming && rdtsc() < give_up)
			cpu_relax();
	}
	if (p)
		pmc_vpmu_region_begin(p);
	t0 = rdtsc();
	if (stream && streaming)
		*streaming = 1;
	sum = w->run(mem, wp);
	while (stream && done && !*done && rounds < XCORE_MAX_ROUNDS) {
		sum += w->run(mem, wp);
		rounds++;
	}
	t1 = rdtsc();
	if (p)
		pmc_vpmu_region_end(p);
	if (reuse && done)
		*done = 1;
	rec_begin(&r, "vpmu_region");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "role", role);
	rec_str(&r, "workload", w->name);
	rec_u64(&r, "bytes", wp->bytes);
	rec_u64(&r, "passes", wp->passes * rounds);
	rec_u64(&r, "stride", wp->stride);
	rec_u64(&r, "checksum", sum);
	rec_bool(&r, "counted", p != 0);
	for (i = 0; p && i < NEVENTS; i++)
		rec_u64(&r, events[i].key, pmc_vpmu_region(p, handle[i]));
	rec_u64(&r, "tsc_begin", t0);
	rec_u64(&r, "tsc_end", t1);
	rec_u64(&r, "tsc_hz", kinfo.tsc_hz);
	rec_end(&r);
}

struct wl_params vpmu_region_params(const struct workload *w, uint64_t bytes_dflt, uint32_t passes_dflt)
{
	bool strided = !strncmp(w->name, "stride_walk", 12);
	return (struct wl_params){ arg_u64("wl_bytes", bytes_dflt), (uint32_t)arg_u64("wl_passes", passes_dflt),
				   (uint32_t)arg_u64("wl_stride", strided ? 256 : 64), arg_u64("wl_seed", 12345) };
}

