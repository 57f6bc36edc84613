/*
 * AMD NPT entry encodings for the nested page-table builder (nested_pt.h).
 * NPT uses ordinary x86-64 page-table entries; every nested access counts
 * as a user access, so U/S must be set at every level (AMD APM 15.25.5).
 */
#include "monitor/nested_pt.h"

#define ADDR_MASK  0x000FFFFFFFFFF000ull

#define X86_P   (1ull << 0)
#define X86_RW  (1ull << 1)
#define X86_US  (1ull << 2)
#define X86_PWT (1ull << 3)
#define X86_PCD (1ull << 4)
#define X86_PS  (1ull << 7)
#define X86_NX  (1ull << 63)

static uint64_t npt_table(uint64_t pa, unsigned level)
{
	(void)level;
	return (pa & ADDR_MASK) | X86_P | X86_RW | X86_US;
}

static uint64_t npt_leaf(uint64_t pa, unsigned perm, unsigned memtype, unsigned level)
{
	uint64_t e = (pa & ADDR_MASK) | X86_P | X86_US;
	if (perm & PT_W)
		e |= X86_RW;
	if (!(perm & PT_X))
		e |= X86_NX;
	if (memtype == PT_UC)
		e |= X86_PCD | X86_PWT;
	if (level > 1)
		e |= X86_PS;
	return e;
}

static bool npt_present(uint64_t e) { return e & X86_P; }
static bool npt_large(uint64_t e) { return e & X86_PS; }

static unsigned npt_perm(uint64_t e)
{
	return PT_R | ((e & X86_RW) ? PT_W : 0) | ((e & X86_NX) ? 0 : PT_X);
}

static unsigned npt_memtype(uint64_t e) { return (e & X86_PCD) ? PT_UC : PT_WB; }

const struct pt_format npt_format = {
	.name = "npt", .table = npt_table, .leaf = npt_leaf, .present = npt_present,
	.large = npt_large, .perm = npt_perm, .memtype = npt_memtype,
};
