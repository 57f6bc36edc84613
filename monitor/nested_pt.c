/* Nested page-table builder (see nested_pt.h). */
#include "monitor/nested_pt.h"

#define ADDR_MASK   0x000FFFFFFFFFF000ull
#define GPA_LIMIT   (1ull << 48)

static unsigned index_at(uint64_t gpa, unsigned level)
{
	return (unsigned)(gpa >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static uint64_t *table_at(const struct nested_pt *t, uint64_t e)
{
	return t->alloc->to_virt(t->alloc->ctx, e & ADDR_MASK);
}

int npt_init(struct nested_pt *t, const struct pt_format *fmt, const struct pt_alloc *a)
{
	t->fmt = fmt;
	t->alloc = a;
	t->tables = 0;
	t->leaves_4k = t->leaves_2m = 0;
	t->root = a->alloc_page(a->ctx, &t->root_pa);
	if (!t->root)
		return NPT_ENOMEM;
	t->tables = 1;
	return NPT_OK;
}

static bool use_large(uint64_t gpa, uint64_t hpa, uint64_t left)
{
	return !(gpa & (PT_PAGE_2M - 1)) && !(hpa & (PT_PAGE_2M - 1)) && left >= PT_PAGE_2M;
}

/*
 * Walk to the table holding the leaf for gpa at leaf_level, creating
 * tables when create is set. Returns NULL if a large leaf (an existing
 * mapping) is in the way or a page cannot be had; *blocked tells which.
 */
static uint64_t *leaf_table(struct nested_pt *t, uint64_t gpa, unsigned leaf_level,
			    bool create, bool *blocked)
{
	uint64_t *table = t->root;
	unsigned level;

	*blocked = false;
	for (level = 4; level > leaf_level; level--) {
		uint64_t *slot = &table[index_at(gpa, level)];
		if (!t->fmt->present(*slot)) {
			uint64_t pa;
			uint64_t *next;
			if (!create)
				return 0;
			next = t->alloc->alloc_page(t->alloc->ctx, &pa);
			if (!next)
				return 0;
			t->tables++;
			*slot = t->fmt->table(pa, level - 1);
		} else if (t->fmt->large(*slot)) {
			*blocked = true;
			return 0;
		}
		table = table_at(t, *slot);
	}
	return table;
}

/* Would mapping [gpa, gpa+size) touch anything already mapped? */
static bool overlaps(const struct nested_pt *t, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;
	while (gpa < end) {
		uint64_t hpa;
		unsigned perm, mt;
		uint64_t step = PT_PAGE_4K;
		if (npt_lookup(t, gpa, &hpa, &perm, &mt))
			return true;
		/* A whole empty 2 MiB region can be skipped in one step. */
		if (!(gpa & (PT_PAGE_2M - 1)) && end - gpa >= PT_PAGE_2M) {
			bool blocked;
			uint64_t *pt = leaf_table((struct nested_pt *)t, gpa, 1, false, &blocked);
			unsigned i;
			bool any = blocked;
			for (i = 0; pt && i < PT_ENTRIES && !any; i++)
				any = t->fmt->present(pt[i]);
			if (any)
				return true;
			step = PT_PAGE_2M;
		}
		gpa += step;
	}
	return false;
}

int npt_map(struct nested_pt *t, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned perm, unsigned memtype)
{
	uint64_t done = 0;

	if (!size || ((gpa | hpa | size) & (PT_PAGE_4K - 1)))
		return NPT_EALIGN;
	if (gpa >= GPA_LIMIT || size > GPA_LIMIT - gpa)
		return NPT_ERANGE;
	if (overlaps(t, gpa, size))
		return NPT_EOVERLAP;

	while (done < size) {
		uint64_t g = gpa + done, h = hpa + done;
		unsigned level = use_large(g, h, size - done) ? 2 : 1;
		bool blocked;
		uint64_t *table = leaf_table(t, g, level, true, &blocked);
		if (!table)
			return blocked ? NPT_EOVERLAP : NPT_ENOMEM;
		table[index_at(g, level)] = t->fmt->leaf(h, perm, memtype, level);
		done += level == 2 ? PT_PAGE_2M : PT_PAGE_4K;
		*(level == 2 ? &t->leaves_2m : &t->leaves_4k) += 1;
	}
	return NPT_OK;
}

bool npt_lookup(const struct nested_pt *t, uint64_t gpa, uint64_t *hpa,
		unsigned *perm, unsigned *memtype)
{
	const uint64_t *table = t->root;
	unsigned level;

	if (gpa >= GPA_LIMIT)
		return false;
	for (level = 4; level >= 1; level--) {
		uint64_t e = table[index_at(gpa, level)];
		uint64_t page = 1ull << (12 + 9 * (level - 1));
		if (!t->fmt->present(e))
			return false;
		if (level == 1 || t->fmt->large(e)) {
			*hpa = (e & ADDR_MASK & ~(page - 1)) | (gpa & (page - 1));
			*perm = t->fmt->perm(e);
			if (memtype)
				*memtype = t->fmt->memtype(e);
			return true;
		}
		table = table_at(t, e);
	}
	return false;
}
