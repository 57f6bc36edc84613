/* Host tests of the nested page-table builder: mapping math, permissions,
 * memory types, 2 MiB vs 4 KiB leaves, overlap refusal, both formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/nested_pt.h"
#include "monitor/arch/vtd.h"
#include "monitor/arch/amdvi.h"

#define MAX_PAGES 64

/* Fake physical memory: page i lives at "physical" 0x100000 + i * 4096. */
struct fake_mem {
	uint64_t pages[MAX_PAGES][512];
	unsigned used, limit;
};

static void *fake_alloc(void *ctx, uint64_t *pa)
{
	struct fake_mem *m = ctx;
	if (m->used == m->limit)
		return NULL;
	memset(m->pages[m->used], 0, 4096);
	*pa = 0x100000 + (uint64_t)m->used * 4096;
	return m->pages[m->used++];
}

static void *fake_virt(void *ctx, uint64_t pa)
{
	struct fake_mem *m = ctx;
	return m->pages[(pa - 0x100000) / 4096];
}

struct fixture {
	struct fake_mem mem;
	struct pt_alloc alloc;
	struct nested_pt pt;
};

static struct fixture *make(const struct pt_format *fmt, unsigned limit)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->mem.limit = limit;
	f->alloc = (struct pt_alloc){ fake_alloc, fake_virt, &f->mem };
	assert_int_equal(npt_init(&f->pt, fmt, &f->alloc), NPT_OK);
	return f;
}

static int setup_npt(void **state) { *state = make(&npt_format, MAX_PAGES); return 0; }
static int setup_ept(void **state) { *state = make(&ept_format, MAX_PAGES); return 0; }
static int teardown(void **state) { free(*state); return 0; }

static void expect(struct nested_pt *pt, uint64_t gpa, uint64_t hpa, unsigned perm, unsigned mt)
{
	uint64_t h;
	unsigned p, m;
	assert_true(npt_lookup(pt, gpa, &h, &p, &m));
	assert_int_equal(h, hpa);
	assert_int_equal(p, perm);
	assert_int_equal(m, mt);
}

static void unmapped(struct nested_pt *pt, uint64_t gpa)
{
	uint64_t h;
	unsigned p;
	assert_false(npt_lookup(pt, gpa, &h, &p, NULL));
}

static void sandbox_ram_maps_offset(void **state)
{
	struct fixture *f = *state;
	const uint64_t base = 0x4000000, size = 32ull << 20;
	assert_int_equal(npt_map(&f->pt, 0, base, size, PT_R | PT_W | PT_X, PT_WB), NPT_OK);
	expect(&f->pt, 0, base, PT_R | PT_W | PT_X, PT_WB);
	expect(&f->pt, 0x123458, base + 0x123458, PT_R | PT_W | PT_X, PT_WB);
	expect(&f->pt, size - 8, base + size - 8, PT_R | PT_W | PT_X, PT_WB);
	unmapped(&f->pt, size);
	unmapped(&f->pt, base);          /* host address of itself: not mapped */
	/* 32 MiB in 2 MiB leaves: root, PDPT, one PD. */
	assert_int_equal(f->pt.tables, 3);
}

static void unaligned_ranges_use_small_pages(void **state)
{
	struct fixture *f = *state;
	/* hpa not 2 MiB aligned: every leaf must be 4 KiB. */
	assert_int_equal(npt_map(&f->pt, 0, 0x201000, 4ull << 20, PT_R | PT_W, PT_WB), NPT_OK);
	expect(&f->pt, 0x1FFFFF, 0x201000 + 0x1FFFFF, PT_R | PT_W, PT_WB);
	expect(&f->pt, 0x3FF000, 0x201000 + 0x3FF000, PT_R | PT_W, PT_WB);
	unmapped(&f->pt, 0x400000);
	assert_int_equal(f->pt.tables, 5); /* root, PDPT, PD, two PTs */
}

static void mixed_head_and_tail(void **state)
{
	struct fixture *f = *state;
	/* 4K head up to the 2 MiB boundary, one large page, 4K tail. */
	uint64_t gpa = 0x1FF000, size = 0x1000 + 0x200000 + 0x3000;
	assert_int_equal(npt_map(&f->pt, gpa, gpa + 0x10000000, size, PT_R, PT_WB), NPT_OK);
	expect(&f->pt, gpa, gpa + 0x10000000, PT_R, PT_WB);
	expect(&f->pt, 0x300000, 0x10300000, PT_R, PT_WB);
	expect(&f->pt, 0x402FF8, 0x10402FF8, PT_R, PT_WB);
	unmapped(&f->pt, 0x403000);
	unmapped(&f->pt, 0x1FE000);
}

static void lapic_page_is_uncached_and_not_executable(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(npt_map(&f->pt, 0xFEE00000, 0xFEE00000, 4096, PT_R | PT_W, PT_UC), NPT_OK);
	expect(&f->pt, 0xFEE00300, 0xFEE00300, PT_R | PT_W, PT_UC);
	unmapped(&f->pt, 0xFEE01000);
	unmapped(&f->pt, 0xFEDFF000);
}

static void overlap_is_refused_and_changes_nothing(void **state)
{
	struct fixture *f = *state;
	unsigned tables;
	assert_int_equal(npt_map(&f->pt, 0x200000, 0x800000, 0x200000, PT_R, PT_WB), NPT_OK);
	tables = f->pt.tables;
	/* Exact, partial (large page in the way), and 4K-inside overlaps. */
	assert_int_equal(npt_map(&f->pt, 0x200000, 0x900000, 0x200000, PT_R, PT_WB), NPT_EOVERLAP);
	assert_int_equal(npt_map(&f->pt, 0x3FF000, 0x900000, 0x2000, PT_R, PT_WB), NPT_EOVERLAP);
	assert_int_equal(npt_map(&f->pt, 0x0, 0x900000, 0x400000, PT_R, PT_WB), NPT_EOVERLAP);
	assert_int_equal(f->pt.tables, tables);
	unmapped(&f->pt, 0x0);           /* the refused map left no head behind */
	expect(&f->pt, 0x200000, 0x800000, PT_R, PT_WB);
}

static void overlap_with_small_pages(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(npt_map(&f->pt, 0x5000, 0x5000, 0x1000, PT_R | PT_W, PT_WB), NPT_OK);
	assert_int_equal(npt_map(&f->pt, 0x0, 0x0, 0x200000, PT_R, PT_WB), NPT_EOVERLAP);
	assert_int_equal(npt_map(&f->pt, 0x4000, 0x4000, 0x1000, PT_R, PT_WB), NPT_OK);
	assert_int_equal(npt_map(&f->pt, 0x6000, 0x6000, 0x1000, PT_R, PT_WB), NPT_OK);
	unmapped(&f->pt, 0x7000);
}

static void bad_arguments(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(npt_map(&f->pt, 0x1001, 0, 0x1000, PT_R, PT_WB), NPT_EALIGN);
	assert_int_equal(npt_map(&f->pt, 0, 0x10, 0x1000, PT_R, PT_WB), NPT_EALIGN);
	assert_int_equal(npt_map(&f->pt, 0, 0, 0x800, PT_R, PT_WB), NPT_EALIGN);
	assert_int_equal(npt_map(&f->pt, 0, 0, 0, PT_R, PT_WB), NPT_EALIGN);
	assert_int_equal(npt_map(&f->pt, 1ull << 48, 0, 0x1000, PT_R, PT_WB), NPT_ERANGE);
	assert_int_equal(npt_map(&f->pt, (1ull << 48) - 0x1000, 0, 0x2000, PT_R, PT_WB), NPT_ERANGE);
	unmapped(&f->pt, 1ull << 48);
	assert_int_equal(f->pt.tables, 1);
}

static void out_of_table_pages(void **state)
{
	struct fixture *f = *state;
	f->mem.limit = f->mem.used + 1;  /* enough for a PDPT, not a PD */
	assert_int_equal(npt_map(&f->pt, 0, 0, 0x200000, PT_R, PT_WB), NPT_ENOMEM);
}

static void distinct_sandboxes_do_not_share(void **state)
{
	struct fixture *a = *state, *b = make(&npt_format, MAX_PAGES);
	assert_int_equal(npt_map(&a->pt, 0, 0x2000000, 0x2000000, PT_R | PT_W | PT_X, PT_WB), NPT_OK);
	assert_int_equal(npt_map(&b->pt, 0, 0x4000000, 0x2000000, PT_R | PT_W | PT_X, PT_WB), NPT_OK);
	for (uint64_t g = 0; g < 0x2000000; g += 0x1F3000) {
		uint64_t ha, hb;
		unsigned p;
		assert_true(npt_lookup(&a->pt, g, &ha, &p, NULL));
		assert_true(npt_lookup(&b->pt, g, &hb, &p, NULL));
		assert_true(ha >= 0x2000000 && ha < 0x4000000);
		assert_true(hb >= 0x4000000 && hb < 0x6000000);
	}
	free(b);
}

/* Raw bits, so a format change that still round-trips is caught. */
static void npt_entry_bits(void **state)
{
	(void)state;
	uint64_t e = npt_format.leaf(0x200000, PT_R | PT_W | PT_X, PT_WB, 2);
	assert_int_equal(e, 0x200000 | 0x87);               /* P RW US PS */
	e = npt_format.leaf(0xFEE00000, PT_R | PT_W, PT_UC, 1);
	assert_int_equal(e, 0xFEE00000 | 0x1F | (1ull << 63)); /* + PWT PCD, NX */
	assert_int_equal(npt_format.table(0x5000, 3), 0x5007);
	e = npt_format.leaf(0x1000, PT_R, PT_WB, 1);
	assert_int_equal(npt_format.perm(e), PT_R);
}

static void ept_entry_bits(void **state)
{
	(void)state;
	uint64_t e = ept_format.leaf(0x200000, PT_R | PT_W | PT_X, PT_WB, 2);
	assert_int_equal(e, 0x200000 | 7 | (6 << 3) | (1 << 7));
	e = ept_format.leaf(0xFEE00000, PT_R | PT_W, PT_UC, 1);
	assert_int_equal(e, 0xFEE00000 | 3);
	assert_int_equal(ept_format.table(0x5000, 3), 0x5007);
	assert_false(ept_format.present(0x5000));
}

/* An IOMMU's view of a sandbox: its RAM read-write at guest-physical
 * addresses, nothing else; and the raw bits VT-d reads. */
static void vtd_maps_owner_ram_only(void **state)
{
	struct fixture *f = make(&vtd_sl_format, MAX_PAGES);
	const uint64_t base = 0x6000000, size = 32ull << 20;
	uint64_t *pdpt, *pd;
	(void)state;
	assert_int_equal(npt_map(&f->pt, 0, base, size, PT_R | PT_W, PT_WB), NPT_OK);
	expect(&f->pt, 0x1234, base + 0x1234, PT_R | PT_W, PT_WB);
	expect(&f->pt, size - 4, base + size - 4, PT_R | PT_W, PT_WB);
	unmapped(&f->pt, size);
	unmapped(&f->pt, base);
	unmapped(&f->pt, 0xFEE00000);    /* the interrupt window stays out of reach */
	/* Table entries grant R/W; leaves are 2 MiB with PS (bit 7). The
	 * 3-level (39-bit) view starts at the PML4's first entry. */
	assert_int_equal(f->pt.root[0] & 0xfff, 3);
	pdpt = fake_virt(&f->mem, f->pt.root[0] & ~0xfffull);
	assert_int_equal(pdpt[0] & 0xfff, 3);
	pd = fake_virt(&f->mem, pdpt[0] & ~0xfffull);
	assert_int_equal(pd[1], (base + 0x200000) | 3 | 0x80);
	assert_int_equal(pd[16], 0);
	teardown((void **)&f);
}

static void vtd_entry_bits(void **state)
{
	struct vtd_entry e;
	(void)state;
	/* Execute and memory type do not exist for a device's second level. */
	assert_int_equal(vtd_sl_format.leaf(0x7000, PT_R | PT_X, PT_UC, 1), 0x7001);
	assert_int_equal(vtd_sl_format.leaf(0x7000, PT_W, PT_WB, 1), 0x7002);
	assert_false(vtd_sl_format.present(0x7000));
	assert_int_equal(vtd_sl_format.perm(0x7003), PT_R | PT_W);
	e = vtd_root_entry(0x12345000);
	assert_int_equal(e.lo, 0x12345001);
	assert_int_equal(e.hi, 0);
	/* present, translation type 0 (untranslated requests), AW, domain id */
	e = vtd_context_entry(0xABC000, VTD_AW_39, 3);
	assert_int_equal(e.lo, 0xABC001);
	assert_int_equal(e.hi, (3 << 8) | 1);
	e = vtd_context_entry(0xABC000, VTD_AW_48, 0xffff);
	assert_int_equal(e.hi, (0xffffull << 8) | 2);
}

/* The walk an AMD-Vi unit makes (AMD IOMMU spec 3.08, 2.2.3): from the
 * DTE's mode, each entry's next-level field picks the table and the bits
 * that index it, until a leaf (next level 0: its level's page size). */
static bool amdvi_walk(struct fake_mem *m, const struct amdvi_dte *d, uint64_t iova,
		       uint64_t *pa, unsigned *perm)
{
	uint64_t e = d->q[0];
	unsigned level = (e >> 9) & 7, from = level;
	if (!(e & 1) || !(e & 2))
		return false;
	while (level >= 1 && level <= 6) {
		uint64_t *t = fake_virt(m, e & 0x000FFFFFFFFFF000ull);
		e = t[(iova >> (12 + 9 * (level - 1))) & 511];
		if (!(e & 1))
			return false;
		from = level;
		level = (e >> 9) & 7;
	}
	*pa = (e & 0x000FFFFFFFFFF000ull & ~((1ull << (12 + 9 * (from - 1))) - 1)) |
	      (iova & ((1ull << (12 + 9 * (from - 1))) - 1));
	*perm = (e >> 61 & 1 ? PT_R : 0) | (e >> 62 & 1 ? PT_W : 0);
	return true;
}

/* A device's AMD-Vi view of its owner: the RAM read-write at guest-physical
 * addresses as the unit walks it (next-level fields right at every level),
 * nothing else, the interrupt window included. */
static void amdvi_maps_owner_ram_only(void **state)
{
	struct fixture *f = make(&amdvi_pt_format, MAX_PAGES);
	const uint64_t base = 0x6000000, size = 32ull << 20;
	struct amdvi_dte d;
	uint64_t pa;
	unsigned perm;
	(void)state;
	assert_int_equal(npt_map(&f->pt, 0, base, size - 0x1000, PT_R | PT_W, PT_WB), NPT_OK);
	assert_int_equal(npt_map(&f->pt, size - 0x1000, base + size - 0x1000, 0x1000, PT_R, PT_WB),
			 NPT_OK);
	expect(&f->pt, 0x1234, base + 0x1234, PT_R | PT_W, PT_WB);
	d = amdvi_dte_confined(f->pt.root_pa, 7);
	assert_true(amdvi_walk(&f->mem, &d, 0x1234, &pa, &perm));
	assert_int_equal(pa, base + 0x1234);
	assert_int_equal(perm, PT_R | PT_W);
	assert_true(amdvi_walk(&f->mem, &d, 0x3fffff, &pa, &perm));      /* a 2 MiB leaf */
	assert_int_equal(pa, base + 0x3fffff);
	assert_true(amdvi_walk(&f->mem, &d, size - 8, &pa, &perm));      /* a 4 KiB leaf */
	assert_int_equal(pa, base + size - 8);
	assert_int_equal(perm, PT_R);
	assert_false(amdvi_walk(&f->mem, &d, size, &pa, &perm));
	assert_false(amdvi_walk(&f->mem, &d, base, &pa, &perm));
	assert_false(amdvi_walk(&f->mem, &d, 0xFEE00000, &pa, &perm));
	assert_false(amdvi_walk(&f->mem, &d, 1ull << 40, &pa, &perm));
	teardown((void **)&f);
}

static void amdvi_entry_bits(void **state)
{
	struct amdvi_dte d;
	struct amdvi_cmd c;
	struct amdvi_event e;
	(void)state;
	/* tables: present, next level, IR|IW; leaves: next level 0, R/W only */
	assert_int_equal(amdvi_pt_format.table(0x5000, 3), 0x5000 | 1 | 3 << 9 | 3ull << 61);
	assert_int_equal(amdvi_pt_format.leaf(0x200000, PT_R | PT_W | PT_X, PT_UC, 2),
			 0x200000 | 1 | 3ull << 61);
	assert_int_equal(amdvi_pt_format.leaf(0x7000, PT_R, PT_WB, 1), 0x7001 | 1ull << 61);
	assert_true(amdvi_pt_format.large(0x200001));
	assert_false(amdvi_pt_format.large(amdvi_pt_format.table(0x5000, 1)));
	assert_false(amdvi_pt_format.present(0x7000 | 3ull << 61));
	/* DTE: V, TV, mode 4, root, IR|IW; domain; IV with IntCtl 00b (abort) */
	d = amdvi_dte_confined(0xABC000, 9);
	assert_int_equal(d.q[0], 0xABC000 | 3 | 4 << 9 | 3ull << 61);
	assert_int_equal(d.q[1], 9);
	assert_int_equal(d.q[2], 1);
	assert_int_equal(d.q[3], 0);
	/* the I/O APIC's entry: no translation, IV, 2048 entries (log2 11), IntCtl 10b */
	d = amdvi_dte_intremap(0x7654000);
	assert_int_equal(d.q[0], 0);
	assert_int_equal(d.q[2], 0x7654000 | 1 | 11 << 1 | 2ull << 60);
	assert_int_equal(amdvi_irte(0x31, 2), 0x31 << 16 | 2 << 8 | 1);
	c = amdvi_cmd_inval_irt(0xa0);
	assert_int_equal(c.lo, 0xa0 | 5ull << 60);
	c = amdvi_cmd_completion_wait(0x12345678, 42);
	assert_int_equal(c.lo, 0x12345678 | 1 | 1ull << 60);
	assert_int_equal(c.hi, 42);
	c = amdvi_cmd_inval_devtab(0x18);
	assert_int_equal(c.lo, 0x18 | 2ull << 60);
	assert_int_equal(c.hi, 0);
	c = amdvi_cmd_inval_domain(5);
	assert_int_equal(c.lo, 5ull << 32 | 3ull << 60);
	assert_int_equal(c.hi, 0x7FFFFFFFFFFFF000ull | 3);
	/* IO_PAGE_FAULT from 00:03.0, a write, not present */
	e = amdvi_event_decode(0x18 | 0x020ull << 48 | 2ull << 60, 0x4000000);
	assert_int_equal(e.devid, 0x18);
	assert_int_equal(e.code, 2);
	assert_true(e.write);
	assert_int_equal(e.addr, 0x4000000);
	assert_string_equal(amdvi_event_reason(&e), "not present in the I/O page table");
	e = amdvi_event_decode(0x18 | 0x050ull << 48 | 2ull << 60, 0);
	assert_false(e.write);
	assert_string_equal(amdvi_event_reason(&e), "access not permitted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define BOTH(t) cmocka_unit_test_setup_teardown(t, setup_npt, teardown), \
		cmocka_unit_test_setup_teardown(t, setup_ept, teardown)
		BOTH(sandbox_ram_maps_offset),
		BOTH(unaligned_ranges_use_small_pages),
		BOTH(mixed_head_and_tail),
		BOTH(lapic_page_is_uncached_and_not_executable),
		BOTH(overlap_is_refused_and_changes_nothing),
		BOTH(overlap_with_small_pages),
		BOTH(bad_arguments),
		BOTH(out_of_table_pages),
		BOTH(distinct_sandboxes_do_not_share),
		cmocka_unit_test(npt_entry_bits),
		cmocka_unit_test(ept_entry_bits),
		cmocka_unit_test(vtd_maps_owner_ram_only),
		cmocka_unit_test(vtd_entry_bits),
		cmocka_unit_test(amdvi_maps_owner_ram_only),
		cmocka_unit_test(amdvi_entry_bits),
	};
	return cmocka_run_group_tests_name("nested_pt", tests, NULL, NULL);
}
