/* The vPMU plugin's configuration: cache/TLB geometry, cycle-model
 * parameters and output paths, parsed from the plugin's arguments
 * (-plugin build/vpmu.so,l1d=32K:8:64,llc=8M:16:64,...). */
#ifndef PMC_VPMU_CONFIG_H
#define PMC_VPMU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pmc/cache_model.h"

struct vpmu_config {
	struct cache_geometry l1d;  /* per vCPU */
	struct cache_geometry l2;   /* per vCPU; size 0: no L2 (L1D misses go to the LLC) */
	struct cache_geometry llc;  /* shared by all vCPUs */
	uint32_t dtlb_entries, dtlb_ways, page_size; /* per-vCPU DTLB */
	uint32_t cpi_milli;	    /* base CPI x 1000 */
	uint32_t lat_l2, lat_llc, lat_mem, lat_walk_ref; /* cycles, see include/questv/vpmu.h */
	const char *shm;	    /* shared-memory file to publish in, or NULL */
	const char *out;	    /* JSON-lines totals at exit, or NULL */
	const char *doorbell;	    /* ivshmem server socket (vpmu_doorbell.h), or NULL */
	/* count=all: every vCPU counts every event from its first instruction,
	 * memory instrumented from the start; false: memory only once a guest
	 * enables a counter (count=guest, the default). */
	bool count_all;
	uint64_t interval;	    /* interval=N: a JSON line per vCPU every N instructions; 0: none */
};

/* Help text listing every argument with its default; printed on a bad one. */
extern const char vpmu_usage[];

/* Fill CFG from ARGC "key=value" strings (the plugin's argv), starting from
 * the documented defaults. Strings are referenced, not copied (QEMU keeps
 * argv alive for the plugin's lifetime). Returns 0, or -1 with a message
 * naming the bad argument in ERR (ERRLEN bytes). */
int vpmu_parse_args(int argc, char **argv, struct vpmu_config *cfg, char *err, size_t errlen);

#endif
