/* Workloads of task-set threads (see cache_work.h). */
#include "kernel/vsched/cache_work.h"
#include "kernel/page_alloc.h"

#define PAGE 4096ull

/* bytes of contiguous RAM (the kernel maps RAM identity, so physical
 * contiguity is virtual contiguity), or 0. Pages taken before a gap are
 * left allocated: this runs once per thread at set-up. */
static uint8_t *contiguous(uint64_t bytes)
{
	uint64_t first = page_alloc(), n;
	for (n = 1; first && n * PAGE < bytes; n++) {
		uint64_t pa = page_alloc();
		if (!pa)
			return 0;
		if (pa != first + n * PAGE) {
			first = pa;
			n = 0;
		}
	}
	return (uint8_t *)first;
}

int cache_work_init(struct cache_work *w, enum ts_work kind, uint32_t pct, uint64_t llc_bytes)
{
	static const char *const names[] = { [TS_WORK_REUSE] = "seq_walk",
					     [TS_WORK_STREAM] = "seq_walk",
					     [TS_WORK_COMPUTE] = "matmul" };
	uint64_t bytes = llc_bytes * pct / 100;

	w->wl = 0;
	if (kind == TS_WORK_SPIN)
		return 0;
	bytes = bytes < PAGE ? PAGE : (bytes + PAGE - 1) & ~(PAGE - 1);
	if (!(w->mem = contiguous(bytes)))
		return -1;
	w->wp = (struct wl_params){ .bytes = bytes, .passes = 1, .stride = 64, .seed = 1 };
	w->wl = workload_find(names[kind]);
	w->wl->prepare(w->mem, &w->wp);
	return 0;
}

uint64_t cache_work_pass(const struct cache_work *w)
{
	return w->wl->run(w->mem, &w->wp);
}
