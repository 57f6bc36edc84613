/* Replenishment tournament tree (see repl_tree.h). */
#include "sched/repl_tree.h"

void repl_tree_init(struct repl_tree *t, unsigned nslots)
{
	unsigned j;

	for (t->leaves = 1; t->leaves < nslots; t->leaves *= 2)
		;
	for (j = 0; j < t->leaves; j++) {
		t->at[j] = SCHED_NEVER;
		t->win[t->leaves + j] = (uint8_t)j;
	}
	/* All empty: the lowest slot wins everywhere (one leaf is the root). */
	for (j = t->leaves - 1; j >= 1; j--)
		t->win[j] = t->win[2 * j];
}

void repl_tree_set(struct repl_tree *t, unsigned i, uint64_t at)
{
	if (t->at[i] == at)
		return;         /* most calls: a decision that posted nothing */
	t->at[i] = at;
	for (unsigned j = (t->leaves + i) / 2; j >= 1; j /= 2) {
		uint8_t a = t->win[2 * j], b = t->win[2 * j + 1];

		t->win[j] = t->at[b] < t->at[a] ? b : a;
	}
}
