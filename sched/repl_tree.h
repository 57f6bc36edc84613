/* Internal: the core's pending replenishments, one per admitted VCPU (its
 * next one), in a tournament tree: every inner node holds the slot with
 * the earlier replenishment of its two children, so the root is the next
 * one due. A change is one walk from its leaf to the root, log2(slots)
 * comparisons; finding the due one is O(1), where a pass over every VCPU
 * was O(n). Slot i is the VCPU with id i. */
#ifndef SCHED_REPL_TREE_H
#define SCHED_REPL_TREE_H

#include <stdint.h>

#include "sched/cycles.h"

#define SCHED_CORE_MAX_SLOTS 64 /* VCPUs one core can admit (taskset.h's limit) */

struct repl_tree {
	uint64_t at[SCHED_CORE_MAX_SLOTS];      /* per slot; SCHED_NEVER: none */
	uint8_t win[2 * SCHED_CORE_MAX_SLOTS];  /* node j's earliest slot; the
	                                         * root is 1, leaves leaves+i */
	unsigned leaves;                        /* a power of two >= the slots */
};

/* Empty tree for nslots (1..SCHED_CORE_MAX_SLOTS) slots. */
void repl_tree_init(struct repl_tree *t, unsigned nslots);

/* Slot i's next replenishment is now `at` (SCHED_NEVER: none). */
void repl_tree_set(struct repl_tree *t, unsigned i, uint64_t at);

/* The earliest pending replenishment (SCHED_NEVER when none) and its slot;
 * ties go to the lower slot. */
static inline uint64_t repl_tree_min(const struct repl_tree *t)
{
	return t->at[t->win[1]];
}

static inline unsigned repl_tree_top(const struct repl_tree *t)
{
	return t->win[1];
}

#endif
