/*
 * MSRs a sandbox may not touch. Everything else (EFER, PAT, FS/GS bases,
 * PMC and debug MSRs the cache-aware schedulers need) stays direct, so
 * steady state has no MSR exits. Denied accesses get #GP, like an MSR the
 * CPU does not have.
 */
#include "monitor/virt.h"

const struct msr_rule msr_denied[] = {
	{ 0x0010, 0x0010, false, true },       /* TSC: monitor measures with it */
	{ 0x001B, 0x001B, false, true },       /* APIC base: no relocating the LAPIC */
	{ 0x003B, 0x003B, false, true },       /* TSC_ADJUST */
	{ 0x00FE, 0x00FE, false, true },       /* MTRR capabilities */
	{ 0x0200, 0x02FF, false, true },       /* MTRRs: machine-wide memory types */
	{ 0x0400, 0x047F, false, true },       /* machine-check banks */
	{ 0xC0010010, 0xC0010010, true, true },/* SYSCFG */
	{ 0xC0010114, 0xC0010118, true, true },/* VM_CR, IGNNE, SMM_CTL, VM_HSAVE_PA */
};

const unsigned msr_denied_count = sizeof msr_denied / sizeof msr_denied[0];
