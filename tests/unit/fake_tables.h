/* Unit-test fixture: a nested page table over fake physical memory (page i
 * lives at "physical" 0x100000 + i * 4096), so tests can count, exhaust and
 * inspect the tables the builder allocates. Include after cmocka.h. */
#ifndef TESTS_UNIT_FAKE_TABLES_H
#define TESTS_UNIT_FAKE_TABLES_H
#include <stdlib.h>
#include <string.h>
#include "monitor/nested_pt.h"

#define FAKE_TABLE_PAGES 64

struct fake_mem {
	uint64_t pages[FAKE_TABLE_PAGES][512];
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

/* An empty table of format fmt that may allocate up to limit pages. */
static struct fixture *fixture_new(const struct pt_format *fmt, unsigned limit)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->mem.limit = limit;
	f->alloc = (struct pt_alloc){ fake_alloc, fake_virt, &f->mem };
	assert_int_equal(npt_init(&f->pt, fmt, &f->alloc), NPT_OK);
	return f;
}

static int teardown(void **state) { free(*state); return 0; }

/* Test t once on an NPT (AMD) and once on an EPT (Intel) table, each made
 * by the file's setup_npt / setup_ept. */
#define BOTH(t) cmocka_unit_test_setup_teardown(t, setup_npt, teardown), \
		cmocka_unit_test_setup_teardown(t, setup_ept, teardown)
#endif
