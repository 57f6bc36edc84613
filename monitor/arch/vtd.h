/*
 * Intel VT-d in-memory formats (VT-d spec 3.4, chapter 9): the root and
 * context entries that choose a device's translation, the second-level
 * page-table entries (vtd_sl_format, for nested_pt.h's builder), and the
 * interrupt-remapping table entries with the remappable-format messages
 * (I/O APIC redirection entries, MSI) that name them (5.1, 9.10).
 * Portable: the host unit tests check the bits.
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

/* Interrupt-remapping table: one page of 16-byte entries (IRTA.S = 7). */
#define VTD_IRT_ENTRIES   256u
#define VTD_IRT_SIZE_LOG2 7u    /* entries = 2^(S+1) */

/* Remapped delivery of vector, fixed, physical destination apic_id (xAPIC),
 * edge or level, accepted only from requester sid (SVT 1, SQ 0: all 16
 * bits compared). */
struct vtd_entry vtd_irte(uint8_t vector, uint8_t apic_id, int level, uint16_t sid);

/* An I/O APIC redirection entry in remappable format naming IRTE handle;
 * vector repeats the IRTE's (the EOI broadcast matches it), level its
 * trigger mode. Low dword in *lo, high dword in *hi; the mask bit clear. */
void vtd_ioapic_rte(uint16_t handle, uint8_t vector, int level, uint32_t *lo, uint32_t *hi);

/* An MSI address in remappable format naming IRTE handle (data 0: no
 * subhandle). */
uint32_t vtd_msi_address(uint16_t handle);
#endif
