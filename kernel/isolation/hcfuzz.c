/* Hypercall fuzzing (see hcfuzz.h). */
#include "kernel/isolation/hcfuzz.h"
#include "kernel/kinfo.h"
#include "kernel/hypercall.h"
#include "lib/record.h"
#include "lib/xorshift.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;


/* An argument from one of the classes a careless or hostile caller uses. */
static uint64_t arg(void)
{
	uint64_t mem = kinfo.mem_bytes;
	switch (xorshift64(&rng) % 6) {
	case 0: return xorshift64(&rng) % 64;                       /* small values */
	case 1: return mem / 2 + xorshift64(&rng) % (mem / 2 - 4096); /* inside RAM, clear of the kernel */
	case 2: return mem - xorshift64(&rng) % 64;                 /* across the end of RAM */
	case 3: return mem + xorshift64(&rng) % (1ull << 32);       /* outside RAM */
	case 4: return ~0ull - xorshift64(&rng) % 4096;             /* wraps around */
	default: return xorshift64(&rng);
	}
}

static bool stateful(uint64_t nr)
{
	return nr == HC_END_RUN || nr == HC_PROBE_BEGIN || nr == HC_PROBE_END;
}

/* What the ABI allows each call to return. */
static bool valid_result(uint64_t nr, long ret)
{
	switch (nr) {
	case HC_VERSION: return ret == HC_ABI_VERSION;
	case HC_LOG: return ret >= 0 || ret == HC_EFAULT || ret == HC_EINVAL || ret == HC_ELIMIT;
	case HC_EXIT_COUNTS: return ret == 0 || ret == HC_EFAULT;
	default: return ret == HC_ENOSYS;
	}
}

unsigned hcfuzz_run(uint64_t n)
{
	uint64_t i, errors = 0, ok = 0;
	unsigned broken = 0;
	struct record r;

	for (i = 0; i < n; i++) {
		uint64_t nr = xorshift64(&rng) % 4 ? xorshift64(&rng) % (HC_COUNT + 2) : xorshift64(&rng);
		long ret;
		if (stateful(nr))
			continue;
		ret = hypercall3(nr, arg(), arg(), arg());
		if (!valid_result(nr, ret))
			broken++;
		if (ret < 0)
			errors++;
		else
			ok++;
	}
	rec_begin(&r, "hcfuzz");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "calls", errors + ok);
	rec_u64(&r, "errors", errors);
	rec_u64(&r, "ok", ok);
	rec_u64(&r, "abi_violations", broken);
	rec_end(&r);
	return broken;
}
