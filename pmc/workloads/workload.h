/* Memory-behaviour workloads for validating the vPMU, written once in
 * portable freestanding C (no libc, no allocation, no floating point) and
 * built twice: into the sandbox kernel (run under the QEMU plugin) and into
 * the host driver (run under cachegrind), so both see the same accesses.
 *
 * Each workload works in a caller-provided buffer. prepare() sets it up and
 * is not measured; run() is the measured region and returns a checksum so
 * the compiler cannot drop the work (and both builds can be compared). Put
 * the buffer at a 2 MiB-aligned address on both sides so cache set indices
 * agree between the guest's physical and the host's virtual addresses. */
#ifndef PMC_WORKLOAD_H
#define PMC_WORKLOAD_H

#include <stdint.h>

struct wl_params {
	uint64_t bytes;		/* buffer size the workload may use */
	uint32_t passes;	/* repetitions of the access pattern */
	uint32_t stride;	/* bytes between accesses (strided walk) */
	uint64_t seed;		/* for the random layouts */
};

struct workload {
	const char *name;
	void (*prepare)(uint8_t *mem, const struct wl_params *p);
	uint64_t (*run)(uint8_t *mem, const struct wl_params *p);
};

/* The I-th workload (I = 0, 1, ...), or NULL past the last. */
const struct workload *workload_at(unsigned i);

/* The workload called NAME, or NULL. */
const struct workload *workload_find(const char *name);

/* Keep the run functions out of line on every compiler setting: cachegrind
 * attributes counts by function, and the validation sums wl_*_run only. */
#define WL_RUN __attribute__((noinline))

#endif
