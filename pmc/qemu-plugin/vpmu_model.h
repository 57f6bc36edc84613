/* The vPMU's machine model: per-vCPU DTLB, L1D and optional L2, one LLC
 * shared by all vCPUs, and the event totals and cycle estimate they produce.
 *
 * No QEMU dependency: the plugin feeds it instruction counts and data
 * accesses; unit tests feed it synthetic ones. Totals are kept directly in
 * the vCPUs' counter pages of the shared-memory layout (include/questv/vpmu.h), so
 * readers of the file see them live. */
#ifndef PMC_VPMU_MODEL_H
#define PMC_VPMU_MODEL_H

#include <pthread.h>
#include <stdint.h>
#include "pmc/cache_model.h"
#include "include/questv/vpmu.h"
#include "pmc/qemu-plugin/vpmu_config.h"

struct vpmu_cpu {
	struct cache l1d, l2, dtlb;
	struct vpmu_counters *page;	     /* totals live in page->total[] */
	const volatile struct vpmu_control *ctl; /* read for the paging mode */
	uint64_t stall_cycles;		     /* miss and walk penalties so far */
	/* The page and the L1D line this vCPU touched last: most recent in
	 * their DTLB and L1D sets, so touching them again is a hit that
	 * changes nothing (the exact shortcut of the hot path). */
	uint64_t last_page, last_line;
	/* The access in progress (vpmu_model_access_more may extend it): its
	 * first line and how far down the hierarchy it went (ACC_* bits). */
	uint64_t acc_first;
	uint32_t acc_state;
};

struct vpmu_model {
	struct vpmu_config cfg;
	uint32_t cpi_whole;		     /* cpi_milli / 1000 if a whole number, else 0 */
	uint32_t n_vcpus;
	struct vpmu_header *hdr;
	/* The LLC is the only state vCPUs share; without -icount QEMU runs
	 * vCPUs on parallel threads, so LLC accesses take this lock (when
	 * there is more than one vCPU). */
	pthread_mutex_t llc_lock;
	struct cache llc;
	struct vpmu_cpu cpu[VPMU_MAX_VCPUS];
	void *storage;			     /* every cache's lines, one allocation */
};

/* Build the model for N_VCPUS (<= VPMU_MAX_VCPUS) vCPUs with geometry CFG
 * (already validated by vpmu_parse_args) over SHM, a zeroed or reused
 * VPMU_SHM_SIZE mapping: writes the header (magic last) and zeroes every
 * counter page. Returns NULL, or a static message on failure. */
const char *vpmu_model_init(struct vpmu_model *m, const struct vpmu_config *cfg, uint32_t n_vcpus, void *shm);

/* Release what vpmu_model_init allocated (not SHM). */
void vpmu_model_fini(struct vpmu_model *m);

/* vCPU VCPU is about to execute N instructions (one translated block):
 * count them and refresh its cycle estimate. */
void vpmu_model_insns(struct vpmu_model *m, uint32_t vcpu, uint32_t n);

/* Bring vCPU VCPU's CYCLES total up to date with the penalties of the
 * accesses since its last block start. */
void vpmu_model_refresh_cycles(struct vpmu_model *m, uint32_t vcpu);

/* vCPU VCPU made one data access of SIZE bytes at virtual address VADDR,
 * physical address PADDR: run it through DTLB, L1D, L2 and LLC and count
 * what happened. An access straddling two lines counts once, and misses a
 * level if either line does (cachegrind's convention). */
void vpmu_model_access(struct vpmu_model *m, uint32_t vcpu, uint64_t vaddr, uint64_t paddr, uint32_t size);

/* The same access goes on with the SIZE bytes at PADDR, right after its
 * previous part: QEMU hands a 16- or 32-byte vector access to plugins as
 * 8-byte pieces, cachegrind counts it as one access. Counts nothing new
 * unless the access reaches a new line (no DTLB lookup: one per access). */
void vpmu_model_access_more(struct vpmu_model *m, uint32_t vcpu, uint64_t paddr, uint32_t size);

/* Current total of event EV for vCPU VCPU: its own count, or the global one
 * for global events (VPMU_EV_LLC_FILLS_GLOBAL). */
uint64_t vpmu_model_total(struct vpmu_model *m, uint32_t vcpu, enum vpmu_event ev);

/* Page-walk memory references one DTLB miss costs in paging mode MODE
 * (enum vpmu_paging): 4 for a native 4-level walk, 24 for a 2-D walk of
 * 4-level guest tables through 4-level nested tables, 19 where the nested
 * tables end in 2 MiB leaves. */
uint32_t vpmu_walk_refs(uint32_t mode);

#endif
