/* Host tests of the nested page-table builder: mapping math, permissions,
 * memory types, 2 MiB vs 4 KiB leaves, overlap refusal, both formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/arch/vtd.h"
#include "monitor/nested_pt.h"
#include "tests/unit/fake_tables.h"

static int setup_npt(void **state) { *state = fixture_new(&npt_format, FAKE_TABLE_PAGES); return 0; }
static int setup_ept(void **state) { *state = fixture_new(&ept_format, FAKE_TABLE_PAGES); return 0; }

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
	struct fixture *a = *state, *b = fixture_new(&npt_format, FAKE_TABLE_PAGES);
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
	assert_int_equal(npt_format.table(0x5000), 0x5007);
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
	assert_int_equal(ept_format.table(0x5000), 0x5007);
	assert_false(ept_format.present(0x5000));
}

/* An IOMMU's view of a sandbox: its RAM read-write at guest-physical
 * addresses, nothing else; and the raw bits VT-d reads. */
static void vtd_maps_owner_ram_only(void **state)
{
	struct fixture *f = fixture_new(&vtd_sl_format, FAKE_TABLE_PAGES);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};
	return cmocka_run_group_tests_name("nested_pt", tests, NULL, NULL);
}
