/* Host tests of the nested-table audit: a table built as the monitor builds
 * a sandbox's passes with its counts per kind; a leaf outside every window,
 * pointing outside its window's host range, or with more permissions than
 * its window allows is stray. Both entry formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/npt_audit.h"
#include "tests/unit/fake_tables.h"

#define MIB (1ull << 20)
#define RAM_HPA (64 * MIB)
#define SHARED_HPA (200 * MIB)
#define LAPIC 0xFEE00000ull

static const struct npt_window windows[] = {
	{ .gpa = 0, .hpa = RAM_HPA, .size = 32 * MIB, .kind = NPT_RAM, .perm = PT_R | PT_W | PT_X },
	{ .gpa = LAPIC, .hpa = LAPIC, .size = 4096, .kind = NPT_LAPIC, .perm = PT_R | PT_W },
	{ .gpa = 0x80000000ull, .hpa = SHARED_HPA, .size = 64 * 1024, .kind = NPT_SHARED,
	  .perm = PT_R | PT_W },
	{ .gpa = 0xFEBC0000ull, .hpa = 0xFEBC0000ull, .size = 128 * 1024, .kind = NPT_BAR,
	  .perm = PT_R | PT_W },
};

/* A sandbox's table: 32 MiB RAM (2 MiB leaves), LAPIC, a 64 KiB channel, a BAR. */
static int setup(void **state, const struct pt_format *fmt)
{
	struct fixture *f = fixture_new(fmt, FAKE_TABLE_PAGES);
	assert_int_equal(npt_map(&f->pt, 0, RAM_HPA, 32 * MIB, PT_R | PT_W | PT_X, PT_WB), NPT_OK);
	assert_int_equal(npt_map(&f->pt, LAPIC, LAPIC, 4096, PT_R | PT_W, PT_UC), NPT_OK);
	assert_int_equal(npt_map(&f->pt, 0x80000000ull, SHARED_HPA, 64 * 1024, PT_R | PT_W, PT_WB), NPT_OK);
	assert_int_equal(npt_map(&f->pt, 0xFEBC0000ull, 0xFEBC0000ull, 128 * 1024, PT_R, PT_UC), NPT_OK);
	*state = f;
	return 0;
}

static int setup_npt(void **state) { return setup(state, &npt_format); }
static int setup_ept(void **state) { return setup(state, &ept_format); }

static void built_table_is_clean(void **state)
{
	struct fixture *f = *state;
	struct npt_audit a;
	assert_true(npt_audit(&f->pt, windows, 4, &a));
	assert_int_equal(a.pages[NPT_RAM], 32 * MIB / 4096);
	assert_int_equal(a.pages[NPT_LAPIC], 1);
	assert_int_equal(a.pages[NPT_SHARED], 16);
	assert_int_equal(a.pages[NPT_BAR], 32);
	assert_int_equal(a.pages[NPT_STRAY], 0);
	assert_int_equal(a.leaves, 16 + 1 + 16 + 32);
}

static void leaf_outside_every_window_is_stray(void **state)
{
	struct fixture *f = *state;
	struct npt_audit a;
	/* Another sandbox's RAM, mapped where this one has none. */
	assert_int_equal(npt_map(&f->pt, 0x40000000ull, 128 * MIB, 4096, PT_R, PT_WB), NPT_OK);
	assert_false(npt_audit(&f->pt, windows, 4, &a));
	assert_int_equal(a.pages[NPT_STRAY], 1);
	assert_int_equal(a.first_stray_gpa, 0x40000000ull);
}

static void leaf_to_foreign_host_memory_is_stray(void **state)
{
	struct fixture *f = *state;
	struct npt_audit a;
	/* Inside the channel's guest range, but to host memory past it. */
	struct npt_window w[4];
	memcpy(w, windows, sizeof w);
	w[2].size = 32 * 1024;          /* the table maps 64 KiB: half is beyond */
	assert_false(npt_audit(&f->pt, w, 4, &a));
	assert_int_equal(a.pages[NPT_STRAY], 8);
	assert_int_equal(a.first_stray_gpa, 0x80008000ull);
}

static void more_permission_than_due_is_stray(void **state)
{
	struct fixture *f = *state;
	struct npt_audit a;
	struct npt_window w[4];
	memcpy(w, windows, sizeof w);
	w[0].perm = PT_R | PT_W;        /* RAM mapped executable, window says not */
	assert_false(npt_audit(&f->pt, w, 4, &a));
	assert_int_equal(a.pages[NPT_STRAY], 32 * MIB / 4096);
	assert_int_equal(a.first_stray_gpa, 0);
}

/* RAM that is not one host range (LLC colours): the window's own check
 * decides, page by page. This one owns the first 16 MiB only. */
static bool first_16m_own(const void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	(void)ctx;
	for (uint64_t off = 0; off < size; off += 4096)
		if (gpa + off >= 16 * MIB || hpa + off != RAM_HPA + gpa + off)
			return false;
	return true;
}

static void ram_window_with_its_own_check(void **state)
{
	struct fixture *f = *state;
	struct npt_audit a;
	struct npt_window w[4];
	memcpy(w, windows, sizeof w);
	w[0].hpa = 0;                   /* unused when maps_own decides */
	w[0].maps_own = first_16m_own;
	assert_false(npt_audit(&f->pt, w, 4, &a));
	assert_int_equal(a.pages[NPT_RAM], 16 * MIB / 4096);
	assert_int_equal(a.pages[NPT_STRAY], 16 * MIB / 4096);
	assert_int_equal(a.first_stray_gpa, 16 * MIB);
}

static void no_windows_everything_stray(void **state)
{
	struct fixture *f = *state;
	struct npt_audit a;
	assert_false(npt_audit(&f->pt, windows, 0, &a));
	assert_int_equal(a.pages[NPT_STRAY], 32 * MIB / 4096 + 1 + 16 + 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(built_table_is_clean),
		BOTH(leaf_outside_every_window_is_stray),
		BOTH(leaf_to_foreign_host_memory_is_stray),
		BOTH(more_permission_than_due_is_stray),
		BOTH(ram_window_with_its_own_check),
		BOTH(no_windows_everything_stray),
	};
	return cmocka_run_group_tests_name("npt_audit", tests, NULL, NULL);
}
