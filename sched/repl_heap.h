/* Internal: the core's VCPUs ordered by their next replenishment, a binary
 * min-heap, so a decision finds the due ones in O(log n) instead of
 * visiting every VCPU. Each VCPU remembers its place (vcpu.repl_pos). */
#ifndef SCHED_REPL_HEAP_H
#define SCHED_REPL_HEAP_H

#include "vcpu.h"

#define SCHED_CORE_MAX_SLOTS 64 /* VCPUs one core can admit (taskset.h's limit) */

struct repl_heap {
	struct repl_heap_entry {
		uint64_t at;          /* the VCPU's next replenishment */
		struct vcpu *v;
	} e[SCHED_CORE_MAX_SLOTS];
	unsigned n;
};

void repl_heap_init(struct repl_heap *h);

/* v's next replenishment is now `at` (SCHED_NEVER: none): insert, move or
 * remove it. v must be initialised (vcpu_init_*: not in any heap). */
void repl_heap_set(struct repl_heap *h, struct vcpu *v, uint64_t at);

/* The earliest pending replenishment (SCHED_NEVER when none) and its VCPU. */
static inline uint64_t repl_heap_min(const struct repl_heap *h)
{
	return h->n ? h->e[0].at : SCHED_NEVER;
}

static inline struct vcpu *repl_heap_top(const struct repl_heap *h)
{
	return h->n ? h->e[0].v : 0;
}

#endif
