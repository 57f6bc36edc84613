/*
 * Intel VT-d in-memory formats (VT-d spec 3.4, chapter 9): the root and
 * context entries that choose a device's translation, and the
 * second-level page-table entries (vtd_sl_format, for nested_pt.h's
 * builder). Portable: the host unit tests check the bits.
 */
#ifndef QUESTV_ARCH_VTD_H
#define QUESTV_ARCH_VTD_H
#include <stdint.h>
#include "monitor/nested_pt.h"

/* A 128-bit root or context entry, low quadword first. */
struct vtd_entry {
	uint64_t lo, hi;
};

#define VTD_ENTRIES 256        /* per root table (buses), per context table (devfns) */

/* Second-level table widths the context entry's AW field names. */
#define VTD_AW_39 1u           /* 3 levels */
#define VTD_AW_48 2u           /* 4 levels */

extern const struct pt_format vtd_sl_format;

/* Root entry for one bus: its context table at ctx_pa. */
struct vtd_entry vtd_root_entry(uint64_t ctx_pa);

/* Context entry for one function: untranslated requests go through the
 * second-level table at slpt_pa (aw levels), in domain did; faults are
 * recorded. */
struct vtd_entry vtd_context_entry(uint64_t slpt_pa, unsigned aw, uint16_t did);
#endif
