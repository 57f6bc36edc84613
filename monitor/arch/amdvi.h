/*
 * AMD-Vi in-memory formats (AMD IOMMU spec 3.08, 2.2 and 2.4): the I/O
 * page-table entries (amdvi_pt_format, for nested_pt.h's builder), the
 * 256-bit device table entry that chooses a device's translation, the
 * 128-bit commands and the 128-bit event log entries. Portable: the host
 * unit tests check the bits.
 */
#ifndef QUESTV_ARCH_AMDVI_H
#define QUESTV_ARCH_AMDVI_H
#include <stdbool.h>
#include <stdint.h>
#include "monitor/nested_pt.h"

#define AMDVI_LEVELS 4         /* I/O tables as deep as the nested ones */

extern const struct pt_format amdvi_pt_format;

struct amdvi_dte {
	uint64_t q[4];
};

/* Device table entry: requests translated through the 4-level table at
 * root_pa in domain did; every interrupt request it makes (a write to
 * 0xFEE00000-0xFEEFFFFF, MSI or not) is target-aborted. */
struct amdvi_dte amdvi_dte_confined(uint64_t root_pa, uint16_t did);

/* The device table entry of an interrupt source (the I/O APIC): no DMA
 * translation; its interrupt requests remapped through the 2048-entry
 * table at irt_pa (every index an 11-bit message data can name). */
struct amdvi_dte amdvi_dte_intremap(uint64_t irt_pa);

#define AMDVI_IRT_ENTRIES 2048

/* A remapping table entry (legacy 32-bit format): fixed delivery of
 * vector to the core with APIC ID apic_id (physical destination). */
uint32_t amdvi_irte(uint8_t vector, uint8_t apic_id);

struct amdvi_cmd {
	uint64_t lo, hi;
};

/* COMPLETION_WAIT: store data at store_pa (8-byte aligned) once every
 * earlier command has finished. */
struct amdvi_cmd amdvi_cmd_completion_wait(uint64_t store_pa, uint64_t data);
/* INVALIDATE_DEVTAB_ENTRY for device ID devid. */
struct amdvi_cmd amdvi_cmd_inval_devtab(uint16_t devid);
/* INVALIDATE_INTERRUPT_TABLE for device ID devid. */
struct amdvi_cmd amdvi_cmd_inval_irt(uint16_t devid);
/* INVALIDATE_IOMMU_PAGES: every cached translation of domain did. */
struct amdvi_cmd amdvi_cmd_inval_domain(uint16_t did);
/* A command of an opcode no IOMMU defines: it must be logged as
 * ILLEGAL_COMMAND_ERROR (how the event log is probed). */
struct amdvi_cmd amdvi_cmd_illegal(void);

/* One event log entry, decoded. */
struct amdvi_event {
	uint16_t devid;
	uint8_t code;              /* 2: IO_PAGE_FAULT, 5: ILLEGAL_COMMAND_ERROR, ... */
	uint16_t flags;            /* the event's 12 flag bits */
	uint64_t addr;
	bool write;
};

#define AMDVI_EVENT_IO_PAGE_FAULT 2u
#define AMDVI_EVENT_ILLEGAL_COMMAND 5u

struct amdvi_event amdvi_event_decode(uint64_t lo, uint64_t hi);

/* What the event says went wrong, e.g. "not present in the I/O page table". */
const char *amdvi_event_reason(const struct amdvi_event *e);
#endif
