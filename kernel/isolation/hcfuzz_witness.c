/* Witness memory for the hypercall fuzzer (see hcfuzz_witness.h). */
#include "kernel/isolation/hcfuzz_witness.h"
#include "kernel/kinfo.h"
#include "lib/record.h"

#define EDGE     0x400ull          /* RAM's last KiB: the fuzzer's own targets (hcfuzz.c) */
#define LOW      0x1000ull         /* page 0: unmapped in the kernel (null guard) */
#define BOOTINFO 0x7000ull          /* the boot information page */
#define KERNEL   0x100000ull        /* the kernel's load address */
#define TOP      (1ull << 20)
#define NREGIONS 3

static uint64_t pattern_seed;

static uint64_t pattern(uint64_t addr)
{
	return (addr * 0x9E3779B97F4A7C15ull) ^ pattern_seed;
}

/* Region i: [*lo, *hi). */
static void region(unsigned i, uint64_t *lo, uint64_t *hi)
{
	uint64_t mem = kinfo.mem_bytes;
	*lo = i == 0 ? LOW : i == 1 ? BOOTINFO + 4096 : mem - TOP;
	*hi = i == 0 ? BOOTINFO : i == 1 ? KERNEL : mem - EDGE;
}

void witness_fill(uint64_t seed)
{
	uint64_t lo, hi;
	pattern_seed = seed;
	for (unsigned i = 0; i < NREGIONS; i++) {
		region(i, &lo, &hi);
		for (uint64_t a = lo; a < hi; a += 8)
			*(volatile uint64_t *)a = pattern(a);
	}
}

uint64_t witness_bytes(void)
{
	return BOOTINFO - LOW + KERNEL - BOOTINFO - 4096 + TOP - EDGE;
}

bool witness_check(const char *after)
{
	uint64_t lo, hi, bad = 0;
	bool intact = true;
	struct record r;
	for (unsigned i = 0; i < NREGIONS; i++) {
		region(i, &lo, &hi);
		for (uint64_t a = lo; a < hi && intact; a += 8)
			if (*(volatile uint64_t *)a != pattern(a))
				intact = false, bad = a;
	}
	rec_begin(&r, "hcfuzz_witness");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "after", after);
	rec_u64(&r, "bytes", witness_bytes());
	rec_bool(&r, "intact", intact);
	if (!intact)
		rec_hex(&r, "first_bad", bad);
	rec_end(&r);
	return intact;
}
