/*
 * Nested page tables (AMD NPT / Intel EPT): guest-physical -> host-physical.
 *
 * Portable C: the builder walks a 4-level radix tree and asks a pt_format
 * how to encode entries, so SVM and VMX share it (the two formats differ
 * only in their bits). Table pages come from a caller-supplied allocator,
 * so the host unit tests run the same code on malloc'd pages.
 */
#ifndef QUESTV_NESTED_PT_H
#define QUESTV_NESTED_PT_H

#include <stdbool.h>
#include <stdint.h>

#define PT_PAGE_4K (1ull << 12)
#define PT_PAGE_2M (1ull << 21)
#define PT_ENTRIES 512

enum pt_perm { PT_R = 1, PT_W = 2, PT_X = 4 };
enum pt_memtype { PT_WB = 0, PT_UC = 1 };

/* How one backend encodes entries. level: 1 = 4 KiB leaf, 2 = 2 MiB leaf / PD;
 * table(pa, level): an entry pointing at the table at pa, itself of level. */
struct pt_format {
	const char *name;
	uint64_t (*table)(uint64_t pa, unsigned level);
	uint64_t (*leaf)(uint64_t pa, unsigned perm, unsigned memtype, unsigned level);
	bool (*present)(uint64_t e);
	bool (*large)(uint64_t e);          /* a 2 MiB+ leaf above level 1 */
	unsigned (*perm)(uint64_t e);
	unsigned (*memtype)(uint64_t e);
};

extern const struct pt_format npt_format; /* AMD: x86-64 page-table bits */
extern const struct pt_format ept_format; /* Intel: EPT R/W/X + memory type */

/* Page source: returns a zeroed 4 KiB-aligned page and its physical address. */
struct pt_alloc {
	void *(*alloc_page)(void *ctx, uint64_t *pa);
	void *(*to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct nested_pt {
	const struct pt_format *fmt;
	const struct pt_alloc *alloc;
	uint64_t *root;
	uint64_t root_pa;
	unsigned tables;                    /* table pages in use, root included */
	unsigned leaves_4k, leaves_2m;      /* leaves npt_map wrote, by size */
};

#define NPT_OK        0
#define NPT_EOVERLAP  (-1)  /* part of the range is already mapped */
#define NPT_ENOMEM    (-2)  /* allocator ran out of pages */
#define NPT_EALIGN    (-3)  /* gpa, hpa or size not 4 KiB aligned, or empty */
#define NPT_ERANGE    (-4)  /* beyond the 48-bit guest-physical space */

/* Start an empty table. Returns NPT_OK or NPT_ENOMEM. */
int npt_init(struct nested_pt *t, const struct pt_format *fmt, const struct pt_alloc *a);

/*
 * Map [gpa, gpa+size) to [hpa, hpa+size) with perm (PT_R|PT_W|PT_X) and
 * memtype. Uses 2 MiB leaves where both addresses are 2 MiB aligned and the
 * rest of the range covers the page, 4 KiB leaves elsewhere. Refuses to
 * remap anything already mapped (NPT_EOVERLAP) and then maps nothing.
 */
int npt_map(struct nested_pt *t, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned perm, unsigned memtype);

/* Translate gpa. Returns true and sets *hpa, *perm (and *memtype) if mapped. */
bool npt_lookup(const struct nested_pt *t, uint64_t gpa, uint64_t *hpa,
		unsigned *perm, unsigned *memtype);

#endif
