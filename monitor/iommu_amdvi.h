/*
 * One AMD-Vi unit, driven through its registers (AMD IOMMU spec 3.08,
 * chapter 3): a device table with an entry per assigned function pointing
 * at its owner's I/O page table, a command buffer for invalidations and
 * completion waits, and an event log read back for faults.
 *
 * Whether the event log works is found out, not assumed: after enabling,
 * the unit is given an illegal command, which it must log. QEMU 7.2's
 * amd-iommu logs nothing (hw/i386/amd_iommu.c: amdvi_log_event returns
 * early on every event, since amdvi_test_mask(status, EVT_OVF) is always
 * non-zero; nor does it ever advance the event tail register), so there
 * DMA is confined but its faults cannot be recorded.
 *
 * QEMU 7.2 also gives a device's DMA no requester ID, so a device's write
 * to the interrupt window is taken for one of the I/O APIC's (its special
 * IVRS entry): remapping the I/O APIC (amdvi_route) is what bounds such a
 * write. And it delivers remapped messages edge-triggered whatever the
 * source's trigger mode, so lines it remaps must be edge-triggered.
 */
#ifndef QUESTV_IOMMU_AMDVI_H
#define QUESTV_IOMMU_AMDVI_H
#include <stdbool.h>
#include <stdint.h>
#include "monitor/arch/amdvi.h"

#define AMDVI_DEVTAB_BUSES 4      /* device IDs of buses 0-3 have entries */

struct amdvi {
	uintptr_t regs;              /* 16 KiB register block (identity-mapped) */
	uint64_t efr;                /* extended features */
	struct amdvi_dte *devtab;
	struct amdvi_cmd *cmd;       /* 256 commands */
	unsigned cmd_tail;
	uint64_t (*evlog)[2];        /* 256 events */
	volatile uint64_t *sem;      /* where COMPLETION_WAIT stores */
	uint64_t waits;
	uint16_t attached[16];       /* device IDs to invalidate at enable */
	uint16_t domain[16];
	unsigned nattached;
	uint32_t *irt;               /* the I/O APIC's remapping table, 0 until a route */
	uint16_t irt_source;         /* its device ID */
	bool event_log;              /* the probe's event came back */
};

/* Give the unit at reg_base a device table, command buffer and event log,
 * and turn it on with no entry valid (devices still reach memory as
 * before); probe the event log (u->event_log). 0, or -1 with *why. */
int amdvi_init(struct amdvi *u, uint64_t reg_base, const char **why);

/* Requests with device ID devid go through pt (domain did); its interrupt
 * requests are aborted. 0, or -1 with *why. */
int amdvi_attach(struct amdvi *u, uint16_t devid, const struct nested_pt *pt, uint16_t did,
		 const char **why);

/* Interrupt remapping of source (the I/O APIC's device ID): a message
 * it sends with vector goes to apic_id, with that vector; any other is
 * aborted. 0, or -1 with *why. */
int amdvi_route(struct amdvi *u, uint16_t source, uint8_t vector, uint8_t apic_id,
		const char **why);

/* The attached entries and routes take effect: their cached copies and translations
 * invalidated, and waited for. 0, or -1 with *why. */
int amdvi_flush(struct amdvi *u, const char **why);

/* Take up to max events off the log. */
unsigned amdvi_take_events(struct amdvi *u, struct amdvi_event *out, unsigned max);
#endif
