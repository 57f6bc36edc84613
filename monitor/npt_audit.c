/* Nested page-table audit (see npt_audit.h). */
#include "monitor/npt_audit.h"

#define ADDR_MASK 0x000FFFFFFFFFF000ull

const char *const npt_kind_name[NPT_NKINDS] = { "ram", "lapic", "shared", "bar", "stray" };

/* The kind of a leaf mapping [gpa, gpa+size) -> hpa with perm. */
static enum npt_kind classify(const struct npt_window *w, unsigned n, uint64_t gpa, uint64_t hpa,
			      uint64_t size, unsigned perm)
{
	for (unsigned i = 0; i < n; i++) {
		const struct npt_window *x = &w[i];
		if (gpa < x->gpa || gpa - x->gpa > x->size || size > x->size - (gpa - x->gpa))
			continue;
		if (x->maps_own ? !x->maps_own(x->ctx, gpa, hpa, size) :
		    hpa < x->hpa || hpa - x->hpa > x->size || size > x->size - (hpa - x->hpa))
			continue;
		if (perm & ~x->perm)
			continue;
		return x->kind;
	}
	return NPT_STRAY;
}

static void walk(const struct nested_pt *t, const uint64_t *table, unsigned level, uint64_t base,
		 const struct npt_window *w, unsigned n, struct npt_audit *out)
{
	uint64_t span = 1ull << (12 + 9 * (level - 1));
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = table[i], gpa = base + i * span;
		enum npt_kind k;
		if (!t->fmt->present(e))
			continue;
		if (level > 1 && !t->fmt->large(e)) {
			walk(t, t->alloc->to_virt(t->alloc->ctx, e & ADDR_MASK), level - 1, gpa, w, n, out);
			continue;
		}
		k = classify(w, n, gpa, e & ADDR_MASK & ~(span - 1), span, t->fmt->perm(e));
		if (k == NPT_STRAY && !out->pages[NPT_STRAY])
			out->first_stray_gpa = gpa;
		out->pages[k] += span >> 12;
		out->leaves++;
	}
}

bool npt_audit(const struct nested_pt *t, const struct npt_window *w, unsigned n,
	       struct npt_audit *out)
{
	*out = (struct npt_audit){ { 0 }, 0, 0 };
	walk(t, t->root, 4, 0, w, n, out);
	return out->pages[NPT_STRAY] == 0;
}
