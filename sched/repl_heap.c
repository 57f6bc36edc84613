/* Replenishment heap (see repl_heap.h). Positions are stored 1-based in
 * vcpu.repl_pos so that 0, what vcpu_init_* sets, means "not queued". */
#include "repl_heap.h"

void repl_heap_init(struct repl_heap *h)
{
	h->n = 0;
}

static void put(struct repl_heap *h, unsigned i, struct repl_heap_entry e)
{
	h->e[i] = e;
	e.v->repl_pos = i + 1;
}

/* Move the entry at i up or down until its parent is no later and its
 * children are no earlier. */
static void settle(struct repl_heap *h, unsigned i)
{
	struct repl_heap_entry e = h->e[i];

	while (i > 0 && h->e[(i - 1) / 2].at > e.at) {
		put(h, i, h->e[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->e[c + 1].at < h->e[c].at)
			c++;
		if (h->e[c].at >= e.at)
			break;
		put(h, i, h->e[c]);
		i = c;
	}
	put(h, i, e);
}

void repl_heap_set(struct repl_heap *h, struct vcpu *v, uint64_t at)
{
	unsigned i;

	if (!v->repl_pos) {
		if (at == SCHED_NEVER)
			return;
		put(h, h->n++, (struct repl_heap_entry){ at, v });
		settle(h, h->n - 1);
		return;
	}
	i = v->repl_pos - 1;
	if (at != SCHED_NEVER) {
		h->e[i].at = at;
		settle(h, i);
		return;
	}
	/* Removal: the last entry takes v's place. */
	v->repl_pos = 0;
	if (i != --h->n) {
		h->e[i] = h->e[h->n];
		settle(h, i);
	}
}
