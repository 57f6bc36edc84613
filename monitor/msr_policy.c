/*
 * The MSR allowlist (see msr_policy.h): what the sandbox kernel needs and
 * nothing machine-wide. Direct access keeps steady state free of exits:
 * long-mode setup (EFER, syscall and segment bases), the per-core
 * performance counters the schedulers sample, and reads of the TSC and the
 * APIC base. Denied by omission, among others: APIC base writes, MTRRs,
 * machine-check banks and MCG_CTL, MISC_ENABLE, DEBUGCTL and LBRs, microcode
 * loaders, RAPL, CAT/MBA, uncore PMUs, AMD HWCR (INVD's behaviour), SYSCFG,
 * TOP_MEM and IORRs, VM_CR and VM_HSAVE_PA.
 */
#include "monitor/msr_policy.h"

const struct msr_rule msr_allowed[] = {
	{ 0x00000010, 0x00000010, true, false },   /* TSC: read only, the monitor measures with it */
	{ 0x0000001B, 0x0000001B, true, false },   /* APIC base: read only, no relocating the LAPIC */
	{ 0x000000C1, 0x000000C8, true, true },    /* IA32_PMC0-7 */
	{ 0x00000174, 0x00000176, true, true },    /* SYSENTER_CS/ESP/EIP */
	{ 0x00000186, 0x0000018D, true, true },    /* IA32_PERFEVTSEL0-7 */
	{ MSR_IA32_PAT_NUM, MSR_IA32_PAT_NUM, true, true }, /* only where the CPU switches it */
	{ 0x00000309, 0x0000030B, true, true },    /* IA32_FIXED_CTR0-2 */
	{ 0x00000345, 0x00000345, true, false },   /* IA32_PERF_CAPABILITIES */
	{ 0x0000038D, 0x00000390, true, true },    /* FIXED_CTR_CTRL, GLOBAL_STATUS/CTRL/OVF_CTRL */
	{ 0xC0000080, 0xC0000080, true, true },    /* EFER (switched on entry and exit) */
	{ 0xC0000081, 0xC0000084, true, true },    /* STAR, LSTAR, CSTAR, SFMASK */
	{ 0xC0000100, 0xC0000102, true, true },    /* FS, GS, KERNEL_GS bases */
	{ 0xC0010000, 0xC0010007, true, true },    /* AMD PerfEvtSel0-3, PerfCtr0-3 */
	{ 0xC0010200, 0xC001020B, true, true },    /* AMD core PerfEvtSel/PerfCtr 0-5 */
};

const unsigned msr_allowed_count = sizeof msr_allowed / sizeof msr_allowed[0];

bool msr_allowed_access(uint32_t msr, bool write, bool pat_switched)
{
	unsigned i;
	if (msr == MSR_IA32_PAT_NUM && !pat_switched)
		return false;
	for (i = 0; i < msr_allowed_count; i++)
		if (msr >= msr_allowed[i].first && msr <= msr_allowed[i].last)
			return write ? msr_allowed[i].write : msr_allowed[i].read;
	return false;
}

/* Where msr's bits live in a map of `ranges` (base MSR, byte offset of
 * its block); false for an MSR outside them. */
struct msr_range { uint32_t base; unsigned at; };

static bool locate(const struct msr_range *r, unsigned n, uint32_t msr, unsigned *at, uint32_t *off)
{
	unsigned i;
	for (i = 0; i < n; i++)
		if (msr >= r[i].base && msr - r[i].base <= 0x1FFF) {
			*at = r[i].at;
			*off = msr - r[i].base;
			return true;
		}
	return false;
}

/* Two bits per MSR (read, write) in blocks at 0, 2K, 4K (AMD APM 15.11). */
void msr_build_msrpm(uint8_t msrpm[MSRPM_BYTES], bool pat_switched)
{
	static const struct msr_range ranges[] = {
		{ 0x00000000, 0 }, { 0xC0000000, 0x800 }, { 0xC0010000, 0x1000 },
	};
	unsigned i, at;
	uint32_t m, off;

	__builtin_memset(msrpm, 0xFF, MSRPM_BYTES);
	for (i = 0; i < msr_allowed_count; i++)
		for (m = msr_allowed[i].first; m <= msr_allowed[i].last; m++) {
			if (!locate(ranges, 3, m, &at, &off))
				continue;
			if (msr_allowed_access(m, false, pat_switched))
				msrpm[at + off / 4] &= (uint8_t)~(1u << (off % 4 * 2));
			if (msr_allowed_access(m, true, pat_switched))
				msrpm[at + off / 4] &= (uint8_t)~(2u << (off % 4 * 2));
		}
}

/* One bit per MSR: reads of low/high MSRs at 0/1K, writes at 2K/3K (Intel SDM 25.6.9). */
void msr_build_vmx_bitmap(uint8_t bm[MSR_BITMAP_BYTES], bool pat_switched)
{
	static const struct msr_range ranges[] = { { 0x00000000, 0 }, { 0xC0000000, 1024 } };
	unsigned i, at;
	uint32_t m, off;

	__builtin_memset(bm, 0xFF, MSR_BITMAP_BYTES);
	for (i = 0; i < msr_allowed_count; i++)
		for (m = msr_allowed[i].first; m <= msr_allowed[i].last; m++) {
			if (!locate(ranges, 2, m, &at, &off))
				continue;
			if (msr_allowed_access(m, false, pat_switched))
				bm[at + off / 8] &= (uint8_t)~(1u << (off % 8));
			if (msr_allowed_access(m, true, pat_switched))
				bm[2048 + at + off / 8] &= (uint8_t)~(1u << (off % 8));
		}
}
