/*
 * What a task-set thread with work=KIND:PCT[:PASSES] runs (sched/taskset.h):
 * the vPMU validation workloads of pmc/workloads/ over a buffer sized in
 * percent of the LLC, so the same task set means "half the LLC" on any
 * geometry.
 *   reuse    seq_walk over the buffer, pass after pass: after the first
 *            pass it hits in the LLC unless other cores evict it
 *   stream   the same walk; sized beyond the LLC, every line misses
 *   compute  tiled matrix multiply (matmul): cache-friendly, few misses
 */
#ifndef QUESTV_CACHE_WORK_H
#define QUESTV_CACHE_WORK_H
#include <stdint.h>
#include "pmc/workloads/workload.h"
#include "sched/taskset.h"

struct cache_work {
	const struct workload *wl;   /* 0: spin (no work) */
	uint8_t *mem;
	struct wl_params wp;         /* one pass */
};

/*
 * Set w up for kind over pct percent of an LLC of llc_bytes (at least one
 * 4 KiB page): a physically contiguous buffer from the page allocator,
 * prepared by the workload. 0, or -1 when RAM is short (w is then spin).
 */
int cache_work_init(struct cache_work *w, enum ts_work kind, uint32_t pct, uint64_t llc_bytes);

/* Run one pass of w; returns its checksum. */
uint64_t cache_work_pass(const struct cache_work *w);
#endif
