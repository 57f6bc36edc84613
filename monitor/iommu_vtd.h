/*
 * One Intel VT-d remapping unit, driven through its registers (VT-d spec
 * 3.4, chapter 11): a root table, a context entry per assigned function
 * pointing at its owner's second-level table, translation on, interrupt
 * remapping through a table of IRTEs, and the fault-recording registers
 * read back.
 */
#ifndef QUESTV_IOMMU_VTD_H
#define QUESTV_IOMMU_VTD_H
#include <stdbool.h>
#include <stdint.h>
#include "monitor/arch/vtd.h"

struct vtd {
	uintptr_t regs;            /* register page (identity-mapped) */
	uint64_t cap, ecap;
	unsigned aw;               /* VTD_AW_39 or VTD_AW_48: the widest both support */
	struct vtd_entry *root;    /* 256 buses */
	uint64_t root_pa;
	struct vtd_entry *ctx[VTD_ENTRIES]; /* context table of each bus, 0 until used */
	struct vtd_entry *queue;   /* invalidation queue (interrupt remapping only) */
	bool enabled;
};

/* Fault reasons (VT-d spec 3.4, appendix A) the unit reports. */
struct vtd_fault {
	uint16_t sid;              /* requester: bus << 8 | dev << 3 | fn */
	uint64_t addr;             /* the page the device asked for (DMA faults) */
	bool write;
	uint8_t reason;
	bool intr;                 /* an interrupt-remapping fault (reason 0x20-0x27): */
	uint16_t index;            /* the IRTE the request named */
};

/* Read the unit at reg_base's capabilities and give it an empty root
 * table. 0, or -1 with *why (a capability the monitor needs is missing). */
int vtd_init(struct vtd *u, uint64_t reg_base, const char **why);

/* Function bdf's DMA goes through sl (domain did). 0, or -1 with *why. */
int vtd_attach(struct vtd *u, uint16_t bdf, const struct nested_pt *sl, uint16_t did,
	       const char **why);

/* Install the root table, invalidate the caches, turn translation on. */
int vtd_enable(struct vtd *u, const char **why);

/* Whether the unit can remap interrupts (ECAP.IR, with queued
 * invalidation, which the interrupt entry cache needs). */
bool vtd_can_remap_irqs(const struct vtd *u);

/* Interrupts through the table at irt_pa (VTD_IRT_ENTRIES, xAPIC
 * destinations), compatibility-format interrupts left blocked (GCMD.CFI
 * clear). After vtd_enable: the unit then takes invalidations by queue
 * only. 0, or -1 with *why. */
int vtd_enable_irq_remap(struct vtd *u, uint64_t irt_pa, const char **why);

/* Take up to max recorded faults off the unit (clearing them). */
unsigned vtd_take_faults(struct vtd *u, struct vtd_fault *out, unsigned max);

/* A fault reason's name, e.g. "not present in second-level table". */
const char *vtd_fault_reason(uint8_t reason);
#endif
