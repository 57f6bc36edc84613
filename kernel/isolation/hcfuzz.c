/* Hypercall fuzzing (see hcfuzz.h). */
#include "kernel/isolation/hcfuzz.h"
#include "kernel/isolation/hcfuzz_witness.h"
#include "kernel/kinfo.h"
#include "kernel/hypercall.h"
#include "kernel/page_alloc.h"
#include "kernel/shared.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "lib/xorshift.h"

#define ARENA_PAGES 2
#define ARENA       (ARENA_PAGES * 4096ull)
#define UNKNOWN     HC_COUNT        /* the bucket of numbers outside the ABI */
#define PEERS_S     60              /* longest wait for the other fuzzers */

static const char *const call_name[HC_COUNT + 1] = {
	"version", "log", "exit_counts", "end_run", "probe_begin", "probe_end", "dma_faults",
	"unknown",
};

static uint64_t rng;
static uint64_t arena;               /* guest-physical = virtual (identity map) */
static uint8_t shadow[ARENA];        /* what the arena must hold */
static uint64_t refused[HC_COUNT + 1], accepted[HC_COUNT + 1];
static bool ran;

/* Distances below RAM's end where a range check is off by one or not. */
static const uint64_t edges[] = {
	0, 1, 2, sizeof(struct hc_exit_counts) - 1, sizeof(struct hc_exit_counts),
	sizeof(struct hc_exit_counts) + 1, HC_LOG_MAX - 1, HC_LOG_MAX, HC_LOG_MAX + 1,
};

/* An argument from one of the classes a careless or hostile caller uses. */
static uint64_t arg(void)
{
	uint64_t mem = kinfo.mem_bytes;
	switch (xorshift64(&rng) % 7) {
	case 0: return xorshift64(&rng) % 64;                       /* small values */
	case 1: return arena + xorshift64(&rng) % (ARENA - HC_LOG_MAX); /* the arena */
	case 2: return mem - xorshift64(&rng) % 512;                /* across the end of RAM */
	case 3: return mem - edges[xorshift64(&rng) % (sizeof edges / sizeof edges[0])];
	case 4: return mem + xorshift64(&rng) % (1ull << 32);       /* outside RAM */
	case 5: return ~0ull - xorshift64(&rng) % 4096;             /* wraps around */
	default: return xorshift64(&rng);
	}
}

static bool stateful(uint64_t nr)
{
	return nr == HC_END_RUN || nr == HC_PROBE_BEGIN || nr == HC_PROBE_END;
}

/* Is [gpa, gpa+len) inside this sandbox's RAM? (Not the monitor's formula.) */
static bool inside(uint64_t gpa, uint64_t len)
{
	uint64_t mem = kinfo.mem_bytes;
	return len <= mem && gpa <= mem - len && gpa < mem;
}

/* Is ret the answer the ABI prescribes? logged: lines accepted so far. */
static bool as_prescribed(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t logged, long ret)
{
	switch (nr) {
	case HC_VERSION:
		return ret == HC_ABI_VERSION;
	case HC_LOG:
		return ret == (a1 > HC_LOG_MAX ? HC_EINVAL : !inside(a0, a1) ? HC_EFAULT
			       : logged >= HC_LOG_LINES ? HC_ELIMIT : (long)a1);
	case HC_EXIT_COUNTS:
		return ret == (inside(a0, sizeof(struct hc_exit_counts)) ? 0 : HC_EFAULT);
	case HC_DMA_FAULTS:
		return ret >= 0;
	default:
		return ret == HC_ENOSYS;
	}
}

/* Did the call leave the arena as it must be? HC_EXIT_COUNTS accepted at
 * gpa inside it wrote the struct there, counting at least made hypercalls. */
static bool arena_as_due(uint64_t nr, long ret, uint64_t gpa, uint64_t made)
{
	if (nr == HC_EXIT_COUNTS && ret == 0 && gpa >= arena && gpa < arena + ARENA) {
		struct hc_exit_counts c;
		memcpy(&c, (const void *)gpa, sizeof c);
		if (c.count[WINDOW_BOOT][EXIT_HYPERCALL] < made)
			return false;
		memcpy(shadow + (gpa - arena), &c, sizeof c);
	}
	return memcmp((const void *)arena, shadow, ARENA) == 0;
}

/*
 * With a shared region "hcfuzz", wait until each of its members has made its
 * calls (a counter after the region's marks page): sandboxes finish their
 * share seconds apart, and the probe that follows stops any sandbox
 * arriving more than PROBE_ARRIVE_MS after the first. Gives up after
 * PEERS_S (a peer that was stopped never arrives).
 */
static void wait_for_peers(void)
{
	uint64_t start = rdtsc();
	for (unsigned i = 0; kinfo.bi && i < kinfo.bi->nshared; i++) {
		const struct bootinfo_shared *s = &kinfo.bi->shared[i];
		volatile uint64_t *done = (volatile uint64_t *)(s->gpa + SHARED_MARKS_BYTES);
		if (strncmp(s->name, "hcfuzz", sizeof s->name) || s->size < SHARED_MARKS_BYTES + 8)
			continue;
		__atomic_fetch_add(done, 1, __ATOMIC_SEQ_CST);
		while (*done < s->nmembers && rdtsc() - start < kinfo.tsc_hz * PEERS_S)
			__builtin_ia32_pause();
	}
}

static void report(uint64_t calls, uint64_t cycles, unsigned broken, unsigned arena_bad)
{
	struct record r;
	uint64_t errors = 0;
	for (unsigned i = 0; i <= HC_COUNT; i++)
		errors += refused[i];
	rec_begin(&r, "hcfuzz");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "calls", calls);
	rec_u64(&r, "errors", errors);
	rec_u64(&r, "ok", calls - errors);
	rec_u64(&r, "abi_violations", broken);
	rec_u64(&r, "arena_violations", arena_bad);
	rec_u64(&r, "cycles", cycles);
	rec_u64(&r, "tsc_hz", kinfo.tsc_hz);
	for (unsigned k = 0; k < 2; k++) {
		const uint64_t *by = k ? accepted : refused;
		rec_obj_begin(&r, k ? "accepted" : "refused");
		for (unsigned i = 0; i <= HC_COUNT; i++)
			if (!stateful(i))
				rec_u64(&r, call_name[i], by[i]);
		rec_obj_end(&r);
	}
	rec_end(&r);
}

unsigned hcfuzz_run(uint64_t n, uint64_t seed)
{
	uint64_t calls = 0, start;
	unsigned broken = 0, arena_bad = 0;
	bool intact;

	/* Every (seed, sandbox) its own sequence; xorshift's state is never 0. */
	rng = (seed + 1) * 0x9E3779B97F4A7C15ull ^ (kinfo.sandbox + 1) * 0xBF58476D1CE4E5B9ull;
	rng += !rng;
	/* Fresh pages come in order: the second one must follow the first. */
	if (!(arena = page_alloc()) || page_alloc() != arena + 4096) {
		struct record r;
		rec_begin(&r, "experiment_error");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "msg", "hcfuzz: no two adjacent free pages for its arena");
		rec_end(&r);
		return 1;
	}
	memcpy(shadow, (const void *)arena, ARENA);
	witness_fill(rng);
	ran = true;
	start = rdtsc();
	while (calls < n) {
		uint64_t nr = xorshift64(&rng) % 4 ? xorshift64(&rng) % (HC_COUNT + 2) : xorshift64(&rng);
		uint64_t a0, a1, a2;
		long ret;
		if (stateful(nr))
			continue;
		a0 = arg(), a1 = arg(), a2 = arg();
		ret = hypercall3(nr, a0, a1, a2);
		calls++;
		if (!as_prescribed(nr, a0, a1, accepted[HC_LOG], ret))
			broken++;
		if (ret < 0)
			refused[nr < HC_COUNT ? nr : UNKNOWN]++;
		else
			accepted[nr < HC_COUNT ? nr : UNKNOWN]++;
		if ((nr == HC_EXIT_COUNTS || nr == HC_LOG) && !arena_as_due(nr, ret, a0, calls))
			arena_bad++;
	}
	report(calls, rdtsc() - start, broken, arena_bad);
	intact = witness_check("own");
	wait_for_peers();
	return broken + arena_bad + !intact;
}

unsigned hcfuzz_check_after_all(void)
{
	return ran && !witness_check("all");
}
