/*
 * Intel EPT entry encodings for the nested page-table builder
 * (nested_pt.h). EPT (Intel SDM 29.3.2) has separate R/W/X bits and a
 * memory type in leaves.
 */
#include "monitor/nested_pt.h"

#define ADDR_MASK  0x000FFFFFFFFFF000ull

#define EPT_RWX      7ull
#define EPT_MT_SHIFT 3
#define EPT_MT_UC    0ull
#define EPT_MT_WB    6ull
#define EPT_LARGE    (1ull << 7)

static uint64_t ept_table(uint64_t pa, unsigned level)
{
	(void)level;
	return (pa & ADDR_MASK) | EPT_RWX;
}

static uint64_t ept_leaf(uint64_t pa, unsigned perm, unsigned memtype, unsigned level)
{
	uint64_t e = (pa & ADDR_MASK) | (perm & EPT_RWX);
	e |= (memtype == PT_UC ? EPT_MT_UC : EPT_MT_WB) << EPT_MT_SHIFT;
	if (level > 1)
		e |= EPT_LARGE;
	return e;
}

static bool ept_present(uint64_t e) { return e & EPT_RWX; }
static bool ept_large(uint64_t e) { return e & EPT_LARGE; }
static unsigned ept_perm(uint64_t e) { return (unsigned)(e & EPT_RWX); }

static unsigned ept_memtype(uint64_t e)
{
	return ((e >> EPT_MT_SHIFT) & 7) == EPT_MT_UC ? PT_UC : PT_WB;
}

const struct pt_format ept_format = {
	.name = "ept", .table = ept_table, .leaf = ept_leaf, .present = ept_present,
	.large = ept_large, .perm = ept_perm, .memtype = ept_memtype,
};
