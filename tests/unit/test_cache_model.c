/* Host tests of the portable cache/TLB model the vPMU plugin uses: geometry
 * checks, LRU order, owners and occupancy, and a randomized comparison with a
 * deliberately naive reference (timestamps instead of recency order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "pmc/cache_model.h"

static struct cache_line storage[1u << 16];

static void make(struct cache *c, uint64_t size, uint32_t ways, uint32_t line)
{
	struct cache_geometry g = {.size = size, .ways = ways, .line = line};
	assert_null(cache_geometry_check(&g));
	assert_true(cache_lines_needed(&g) <= sizeof storage / sizeof storage[0]);
	cache_init(c, &g, storage);
}

static bool hit(struct cache *c, uint64_t addr) { return cache_access(c, addr, 0).hit; }

static void geometry_checks(void **s)
{
	(void)s;
	struct cache_geometry ok = {32768, 8, 64}, g;
	assert_null(cache_geometry_check(&ok));
	assert_int_equal(cache_lines_needed(&ok), 512);
	g = ok, g.line = 48;
	assert_non_null(cache_geometry_check(&g));
	g = ok, g.ways = 0;
	assert_non_null(cache_geometry_check(&g));
	g = ok, g.size = 0;
	assert_non_null(cache_geometry_check(&g));
	g = ok, g.size = 32768 + 64;	/* not a multiple of ways * line */
	assert_non_null(cache_geometry_check(&g));
	g = ok, g.size = 3 * 8 * 64;	/* 3 sets */
	assert_non_null(cache_geometry_check(&g));
	g = (struct cache_geometry){12u << 20, 12, 64};	/* 12-way 12M: 16384 sets, fine */
	assert_null(cache_geometry_check(&g));
}

static void same_line_hits(void **s)
{
	(void)s;
	struct cache c;
	make(&c, 1024, 2, 64);
	assert_false(hit(&c, 0x1000));
	assert_true(hit(&c, 0x1001));
	assert_true(hit(&c, 0x103f));
	assert_false(hit(&c, 0x1040));
	assert_int_equal(c.valid, 2);
}

static void direct_mapped_conflicts(void **s)
{
	(void)s;
	struct cache c;
	make(&c, 1024, 1, 64);	/* 16 sets: addresses 1 KiB apart collide */
	assert_false(hit(&c, 0));
	assert_false(hit(&c, 1024));
	assert_false(hit(&c, 0));
	assert_false(hit(&c, 64));	/* another set: no effect on set 0 */
	assert_true(hit(&c, 0));
}

static void lru_replacement_order(void **s)
{
	(void)s;
	struct cache c;
	make(&c, 2 * 64, 2, 64);	/* one set, two ways */
	assert_false(hit(&c, 0));	/* A */
	assert_false(hit(&c, 64));	/* B */
	assert_true(hit(&c, 0));	/* A is now most recent */
	assert_false(hit(&c, 128));	/* C evicts B, the least recent */
	assert_true(hit(&c, 0));
	assert_false(hit(&c, 64));	/* B was gone; evicts C */
	assert_true(hit(&c, 0));
	assert_false(hit(&c, 128));
}

static void loop_larger_than_cache_always_misses(void **s)
{
	(void)s;
	struct cache c;
	make(&c, 8 * 64, 8, 64);	/* fully associative, 8 lines */
	unsigned misses = 0;
	for (int pass = 0; pass < 4; pass++)
		for (uint64_t i = 0; i < 9; i++)
			misses += !hit(&c, i * 64);
	assert_int_equal(misses, 36);	/* LRU's pathological case */
	for (uint64_t i = 0; i < 8; i++)
		hit(&c, 0x10000 + i * 64);
	misses = 0;
	for (int pass = 0; pass < 4; pass++)
		for (uint64_t i = 0; i < 8; i++)
			misses += !hit(&c, 0x10000 + i * 64);
	assert_int_equal(misses, 0);
}

static void owners_and_occupancy(void **s)
{
	(void)s;
	struct cache c;
	make(&c, 2 * 64, 2, 64);
	struct cache_result r = cache_access(&c, 0, 3);
	assert_false(r.hit);
	assert_int_equal(r.victim_owner, CACHE_NO_OWNER);
	cache_access(&c, 64, 5);
	assert_int_equal(c.occupancy[3], 1);
	assert_int_equal(c.occupancy[5], 1);
	/* A hit by another owner does not change ownership. */
	assert_true(cache_access(&c, 0, 5).hit);
	assert_int_equal(c.occupancy[3], 1);
	/* Owner 5 fills a third line: evicts line 64 (its own, least recent). */
	r = cache_access(&c, 128, 5);
	assert_int_equal(r.victim_owner, 5);
	/* Now owner 5 fills again: the victim is owner 3's line at 0. */
	r = cache_access(&c, 192, 5);
	assert_int_equal(r.victim_owner, 3);
	assert_int_equal(c.occupancy[3], 0);
	assert_int_equal(c.occupancy[5], 2);
	assert_int_equal(c.valid, 2);
}

static void flush_empties(void **s)
{
	(void)s;
	struct cache c;
	make(&c, 4096, 4, 64);
	for (uint64_t a = 0; a < 4096; a += 64)
		cache_access(&c, a, 1);
	assert_int_equal(c.valid, 64);
	assert_int_equal(c.occupancy[1], 64);
	cache_flush(&c);
	assert_int_equal(c.valid, 0);
	assert_int_equal(c.occupancy[1], 0);
	assert_false(hit(&c, 0));
}

static void tlb_pages(void **s)
{
	(void)s;
	struct cache_geometry g;
	assert_non_null(tlb_geometry(64, 0, 4096, &g));
	assert_non_null(tlb_geometry(63, 4, 4096, &g));
	assert_non_null(tlb_geometry(64, 4, 3000, &g));
	assert_null(tlb_geometry(64, 4, 4096, &g));
	struct cache t;
	cache_init(&t, &g, storage);
	assert_false(tlb_access(&t, 0x12345));
	assert_true(tlb_access(&t, 0x12fff));	/* same 4 KiB page */
	/* 16 sets x 4 ways: 5 pages 64 KiB apart share a set and the 5th evicts
	 * the first. */
	for (uint64_t p = 1; p <= 4; p++)
		assert_false(tlb_access(&t, 0x12000 + p * 0x10000));
	assert_false(tlb_access(&t, 0x12000));
}

/* Reference: per-line last-use timestamps; LRU victim = smallest stamp. */
struct ref_line { uint64_t tag, stamp; bool valid; };

static void matches_naive_reference(void **s)
{
	(void)s;
	enum { SETS = 16, WAYS = 4, LINE = 64 };
	static struct ref_line ref[SETS][WAYS];
	struct cache c;
	make(&c, SETS * WAYS * LINE, WAYS, LINE);
	srand(12345);
	uint64_t now = 0, misses = 0;
	for (int i = 0; i < 200000; i++) {
		/* A small footprint (2x the cache) so hits and misses both occur. */
		uint64_t addr = (uint64_t)(rand() % (2 * SETS * WAYS * LINE));
		uint64_t tag = addr / LINE;
		struct ref_line *set = ref[tag % SETS];
		bool ref_hit = false;
		int victim = 0;
		now++;
		for (int w = 0; w < WAYS; w++) {
			if (set[w].valid && set[w].tag == tag) {
				set[w].stamp = now;
				ref_hit = true;
				break;
			}
			if (!set[w].valid || (set[victim].valid && set[w].stamp < set[victim].stamp))
				victim = w;
		}
		if (!ref_hit)
			set[victim] = (struct ref_line){tag, now, true};
		bool got = hit(&c, addr);
		assert_int_equal(got, ref_hit);
		misses += !got;
	}
	assert_true(misses > 10000 && misses < 190000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry_checks),
		cmocka_unit_test(same_line_hits),
		cmocka_unit_test(direct_mapped_conflicts),
		cmocka_unit_test(lru_replacement_order),
		cmocka_unit_test(loop_larger_than_cache_always_misses),
		cmocka_unit_test(owners_and_occupancy),
		cmocka_unit_test(flush_empties),
		cmocka_unit_test(tlb_pages),
		cmocka_unit_test(matches_naive_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
