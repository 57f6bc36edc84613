/* The MSR and counter instructions the hardware backends (intel.c, amd.c)
 * drive the PMU with (see msr_ops.h). */
#include "kernel/pmc/msr_ops.h"
#include "kernel/extable.h"
#include "lib/x86.h"

static int k_rdmsr(void *ctx, uint32_t msr, uint64_t *val)
{
	(void)ctx;
	return safe_rdmsr(msr, val) ? -1 : 0;
}

static int k_wrmsr(void *ctx, uint32_t msr, uint64_t val)
{
	(void)ctx;
	return safe_wrmsr(msr, val) ? -1 : 0;
}

static void k_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t regs[4])
{
	(void)ctx;
	cpuid(leaf, sub, regs);
}

static uint64_t k_rdpmc(void *ctx, uint32_t index)
{
	uint32_t lo, hi;
	(void)ctx;
	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(index));
	return (uint64_t)hi << 32 | lo;
}

const struct pmc_msr_ops kpmc_msr_ops = { k_rdmsr, k_wrmsr, k_cpuid, k_rdpmc };
