/*
 * Experiment "tlb": the data-TLB cost of touching N distinct 4 KiB pages,
 * for N = 1, 2, 4 ... tlb_pages (default 1024), in sequential and random
 * order, as a pointer chase (one dependent load per page) so every access
 * waits for its translation. Runs the same under the monitor (nested
 * paging) and natively: the comparison is the Quest-V "data TLB overheads"
 * figure. Args: tlb_pages=N (a power of two, at most 4096), tlb_accesses=A
 * (timed loads per pass, default 65536). Records one {"ev":"tlb",
 * "order":..,"pages":N,"accesses":A,"cycles":C,...} per point, C the
 * fewest cycles of three passes. With a vPMU the record also carries its
 * counts over all three passes: "dtlb_misses", "walk_refs" (page-walk
 * memory references: 19 or 24 per miss under nested paging, 2 MiB or 4 KiB
 * nested leaves, 4 natively) and
 * "vpmu_cycles" (the model's cycle estimate).
 */
#include "kernel/page_window.h"
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/kpmc.h"
#include "lib/record.h"
#include "lib/x86.h"
#include "lib/xorshift.h"

#define TLB_MAX_PAGES 4096
#define PASSES 3
#define SETTLE_FLUSHES 8

static uint32_t perm[TLB_MAX_PAGES];
/* vPMU handles (DTLB model, walk references, cycle estimate); -1: none. */
static int h_dtlb = -1, h_walk = -1, h_cycles = -1;
static uint64_t rng = 0x2545F4914F6CDD1Dull;

/*
 * The node on page p. Nodes sit on different cache lines from page to page
 * so that the chase spreads over the cache's sets and measures the TLB,
 * not conflict misses of one set.
 */
static void **node(uint32_t p)
{
	return (void **)(PAGE_WINDOW_VA + (uint64_t)p * 4096 + (p % 64) * 64);
}

/*
 * Link the first n pages into one cycle: in page order, or in a random
 * single-cycle permutation (Sattolo's algorithm) so that every page is
 * visited once per round and the hardware cannot predict the next one.
 */
static void link_chain(uint32_t n, bool random)
{
	uint32_t i;
	for (i = 0; i < n; i++)
		perm[i] = i;
	if (random)
		for (i = n - 1; i > 0; i--) {
			uint32_t j = (uint32_t)(xorshift64(&rng) % i), t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
	for (i = 0; i < n; i++)
		*node(perm[i]) = node(perm[(i + 1) % n]);
}

static void *chase(void *p, uint64_t steps)
{
	while (steps--)
		p = *(void *volatile *)p;
	return p;
}

static void measure(uint32_t n, bool random, uint64_t accesses)
{
	void *p;
	uint64_t t0, t, cycles = ~0ull, dtlb = 0, walk = 0, est = 0;
	unsigned pass;
	struct record r;

	link_chain(n, random);
	/*
	 * Settle, then warm. QEMU resizes its software TLB only when the TLB
	 * is flushed, so a native kernel (few flushes) would keep a smaller
	 * emulated TLB than a sandbox whose monitor flushed it at every exit:
	 * a difference of flush history, not of paging. Touching the pages
	 * between a few flushes gives both the same; on hardware it is only
	 * extra warm-up.
	 */
	p = node(0);
	for (pass = 0; pass < SETTLE_FLUSHES; pass++) {
		p = chase(p, n);
		__asm__ volatile("mov %0, %%cr3" :: "r"(read_cr3()) : "memory");
	}
	p = chase(p, n);                /* warm: every page touched once */
	/* Best of PASSES: without icount the TSC is host time, and the host
	 * may take the emulator off the CPU in the middle of a pass. */
	/* The vPMU counts every pass (its counts do not vary with host load). */
	if (h_dtlb >= 0)
		dtlb = kpmc_read(h_dtlb), walk = kpmc_read(h_walk), est = kpmc_read(h_cycles);
	for (pass = 0; pass < PASSES; pass++) {
		t0 = rdtsc();
		p = chase(p, accesses);
		t = rdtsc() - t0;
		if (t < cycles)
			cycles = t;
	}
	if (h_dtlb >= 0)
		dtlb = kpmc_read(h_dtlb) - dtlb, walk = kpmc_read(h_walk) - walk, est = kpmc_read(h_cycles) - est;

	rec_begin(&r, "tlb");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_bool(&r, "virtualized", kinfo.virtualized);
	rec_str(&r, "order", random ? "random" : "sequential");
	rec_u64(&r, "pages", n);
	rec_u64(&r, "accesses", accesses);
	rec_u64(&r, "passes", PASSES);
	rec_u64(&r, "cycles", cycles);
	if (h_dtlb >= 0) {
		/* Over all PASSES passes of accesses each. */
		rec_u64(&r, "dtlb_misses", dtlb);
		rec_u64(&r, "walk_refs", walk);
		rec_u64(&r, "vpmu_cycles", est);
	}
	rec_hex(&r, "end", (uint64_t)p);  /* keeps the chase observable */
	rec_end(&r);
}

static bool exp_tlb_run(void)
{
	uint64_t max = arg_u64("tlb_pages", 1024);
	uint64_t accesses = arg_u64("tlb_accesses", 65536);
	uint32_t n;
	struct record r;

	if (max == 0 || max > TLB_MAX_PAGES || (max & (max - 1)) || accesses == 0) {
		experiment_error("tlb", "tlb_pages must be a power of two in 1..4096, tlb_accesses > 0");
		return false;
	}
	if (page_window_map(max)) {
		experiment_error("tlb", "cannot map the page window (RAM too small?)");
		return false;
	}
	if ((h_dtlb = kpmc_open("DTLB_MISSES")) >= 0 &&
	    ((h_walk = kpmc_open("PAGE_WALK_REFS")) < 0 || (h_cycles = kpmc_open("UNHALTED_CORE_CYCLES")) < 0))
		h_dtlb = -1;
	rec_begin(&r, "tlb_setup");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_bool(&r, "virtualized", kinfo.virtualized);
	rec_u64(&r, "max_pages", max);
	rec_u64(&r, "tsc_hz", kinfo.tsc_hz);
	rec_hex(&r, "window", PAGE_WINDOW_VA);
	rec_end(&r);
	for (n = 1; n <= max; n *= 2) {
		measure(n, false, accesses);
		measure(n, true, accesses);
	}
	return true;
}

EXPERIMENT("tlb", exp_tlb_run);
