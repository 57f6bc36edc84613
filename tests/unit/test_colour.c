/* LLC page colouring: the colours and llc keys (monitor/config.c), the
 * colour pool (config_place.c, colour.c) and coloured nested tables
 * (colour_map.c): every page of the right colour, no page twice, 4 KiB
 * leaves only where colours need them, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/colour.h"
#include "monitor/colour_map.h"
#include "tests/unit/config_fixture.h"

/* A machine with one block of RAM at 16 MiB. */
static int place(uint64_t ram_mib)
{
	struct machine m = { .ncores = 4, .apic_ids = { 0, 1, 2, 3 }, .nfree = 1,
			     .free = { { 16 * CFG_MIB, (16 + ram_mib) * CFG_MIB } },
			     .floor = 32 * CFG_MIB };
	return config_place(&cfg, &m, &err);
}

static void test_colours_parse_lists_and_ranges(void **state)
{
	char text[32];

	(void)state;
	assert_int_equal(parse("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 10-11, 0-3,8\n"), 0);
	assert_int_equal(cfg.sandbox[0].ncolours, 7);
	assert_memory_equal(cfg.sandbox[0].colour, ((uint8_t[]){ 0, 1, 2, 3, 8, 10, 11 }), 7);
	assert_int_equal(cfg.sandbox[0].colours_line, 4);
	colour_format(&cfg.sandbox[0], text, sizeof text);
	assert_string_equal(text, "0-3,8,10-11");
	colour_format(&cfg.sandbox[0], text, 6);
	assert_string_equal(text, "0-3,8");
	/* The vPMU's default LLC, 8M:16:64: 512 KiB ways, 128 colours. */
	assert_int_equal(colour_count(&cfg.llc), 128);
	assert_int_equal(parse("[sandbox 0]\ncore = 0\nmemory = 4M\n"), 0);
	colour_format(&cfg.sandbox[0], text, sizeof text);
	assert_string_equal(text, "none");
}

static void test_llc_key_sets_the_colour_count(void **state)
{
	(void)state;
	assert_int_equal(parse("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 15\n"
			       "[system]\nllc = 1M:16:64\n"), 0);
	assert_int_equal(cfg.llc.size, CFG_MIB);
	assert_int_equal(cfg.llc.ways, 16);
	assert_int_equal(cfg.llc.line, 64);
	assert_int_equal(colour_count(&cfg.llc), 16);
	assert_int_equal(colour_of(&cfg.llc, 0x12345000), 5);
	expect_error("[system]\nllc = 1M:16:64\n[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 3-16\n",
		6, "colour 16 of sandbox 0 is past the LLC's 16 colours (0-15");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 128\n", 4,
		"past the LLC's 128 colours (0-127, default llc 8M:16:64)");
	expect_error("[system]\nllc = 1M:16\n", 2, "is not SIZE:WAYS:LINE");
	expect_error("[system]\nllc = 1M:16:64:2\n", 2, "is not SIZE:WAYS:LINE");
	expect_error("[system]\nllc = 3M:16:64\n", 2, "power-of-two");
	expect_error("[system]\nllc = 32K:16:64\n", 2, "no colours");
	expect_error("[system]\nllc = 64M:16:64\n", 2, "more than 256 colours");
	expect_error("[system]\nllc = 1M:16:64\n[system]\n", 3, "[system] is given twice");
	expect_error("[system]\nways = 4\n", 2, "unknown key 'ways' in [system]");
	expect_error("[system]\nllc = 1M:16:64\nllc = 1M:16:64\n", 3, "duplicate key");
}

static void test_bad_colour_lists_are_refused(void **state)
{
	(void)state;
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 5-3\n", 4, "is empty (first > last)");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours =\n", 4, "empty value");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 1,,2\n", 4, "empty item");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 0-3, 2\n", 4, "colour 2 is listed twice");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 300\n", 4, "out of range (0-255)");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = red\n", 4, "malformed number");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\nshare_colours = maybe\n", 4, "is not yes or no");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\nbase = 0x4000000\ncolours = 1\n", 5,
		"has a base");
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\npci = 00:03.0\ncolours = 1\n", 5,
		"owns PCI devices");
}

static const char two[] = "[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 0-7\n%s"
			  "[sandbox 1]\ncore = 1\nmemory = 4M\ncolours = %s\n%s";

static int parse_two(const char *share0, const char *colours1, const char *share1)
{
	char text[256];

	snprintf(text, sizeof text, two, share0, colours1, share1);
	return parse(text);
}

static void test_a_colour_belongs_to_one_sandbox_unless_both_share(void **state)
{
	(void)state;
	assert_int_equal(parse_two("", "8-15", ""), 0);
	assert_int_equal(parse_two("", "7-9", ""), -1);
	assert_int_equal(err.line, 8);
	assert_non_null(strstr(err.msg, "colour 7 of sandbox 1 is also sandbox 0's"));
	assert_int_equal(parse_two("share_colours = yes\n", "7-9", ""), -1);
	assert_int_equal(parse_two("", "7-9", "share_colours = yes\n"), -1);
	assert_int_equal(parse_two("share_colours = yes\n", "7-9", "share_colours = yes\n"), 0);
	expect_error("[sandbox 0]\ncore = 0\nmemory = 4M\ncolours = 0\n[sandbox 1]\ncore = 1\nmemory = 4M\n",
		5, "sandbox 1 has no colours but sandbox 0 has");
}

/* Every page of every coloured sandbox: in the pool, of one of its colours,
 * and nobody else's. */
static void check_pages(void)
{
	uint64_t pool = cfg.colour_pool.base, size = cfg.colour_pool.end - pool;
	uint8_t *owner = calloc(size / CFG_PAGE, 1);

	assert_int_equal(pool % colour_way(&cfg.llc), 0);
	for (unsigned i = 0; i < cfg.nsandboxes; i++) {
		const struct sandbox_config *sb = &cfg.sandbox[i];

		for (uint64_t gpa = 0; gpa < sb->mem_bytes; gpa += CFG_PAGE) {
			uint64_t hpa = config_hpa(&cfg, i, gpa);
			unsigned c = colour_of(&cfg.llc, hpa), j;

			assert_true(hpa >= pool && hpa - pool < size);
			assert_int_equal(hpa % CFG_PAGE, 0);
			assert_int_equal(config_hpa(&cfg, i, gpa + 123), hpa + 123);
			for (j = 0; j < sb->ncolours && sb->colour[j] != c; j++)
				;
			assert_true(j < sb->ncolours);
			assert_int_equal(owner[(hpa - pool) / CFG_PAGE], 0);
			owner[(hpa - pool) / CFG_PAGE] = (uint8_t)(i + 1);
		}
	}
	free(owner);
}

static void test_pool_gives_each_page_once_in_its_colours(void **state)
{
	(void)state;
	/* 16 colours of 64 KiB ways: 8 MiB in 4 colours spans 32 MiB of pool,
	 * and sandbox 1's 12 colours fit in the same span. */
	assert_int_equal(parse("[system]\nllc = 1M:16:64\n"
			       "[sandbox 0]\ncore = 0\nmemory = 8M\ncolours = 0-3\n"
			       "[sandbox 1]\ncore = 1\nmemory = 24M\ncolours = 4-15\n"), 0);
	assert_int_equal(place(256), 0);
	assert_int_equal(cfg.colour_pool.end - cfg.colour_pool.base, 32 * CFG_MIB);
	assert_int_equal(cfg.sandbox[0].base, 0);
	check_pages();
	/* Shared colours take turns in the slots: still no page twice. */
	assert_int_equal(parse("[system]\nllc = 1M:16:64\n"
			       "[sandbox 0]\ncore = 0\nmemory = 6M\ncolours = 0-2,9\nshare_colours = yes\n"
			       "[sandbox 1]\ncore = 1\nmemory = 4M\ncolours = 2-5\nshare_colours = yes\n"
			       "[sandbox 2]\ncore = 2\nmemory = 4M\ncolours = 9-15\n"
			       "share_colours = yes\n"), 0);
	assert_int_equal(place(256), 0);
	check_pages();
}

static void test_memory_the_colours_cannot_supply_is_refused(void **state)
{
	(void)state;
	/* 64 MiB in 2 of 16 colours needs a 512 MiB pool. */
	assert_int_equal(parse("[system]\nllc = 1M:16:64\n[sandbox 0]\ncore = 0\nmemory = 4M\n"
			       "colours = 2-15\n[sandbox 1]\ncore = 1\nmemory = 64M\ncolours = 0-1\n"), 0);
	assert_int_equal(place(300), -1);
	assert_int_equal(err.line, 10);
	assert_non_null(strstr(err.msg, "colours cannot supply sandbox 1's 64 MiB: 2 of 16 colours"
			       " need a 512 MiB pool"));
	assert_int_equal(cfg.colour_pool.base, 0);
	assert_int_equal(place(600), 0);
	check_pages();
}

/* Table pages for the builder, from the heap, kept to be freed. */
static void *tables[1024];
static unsigned ntables;

static void free_tables(void)
{
	while (ntables)
		free(tables[--ntables]);
}

static void *heap_page(void *ctx, uint64_t *pa)
{
	void *p = aligned_alloc(4096, 4096);

	(void)ctx;
	assert_true(ntables < 1024);
	tables[ntables++] = p;
	memset(p, 0, 4096);
	*pa = (uint64_t)(uintptr_t)p;
	return p;
}

static void *heap_virt(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const struct pt_alloc heap = { heap_page, heap_virt, NULL };

/* Map sandbox i and check each guest page lands on config_hpa's page. */
static void check_map(const struct pt_format *fmt, unsigned i, struct nested_pt *pt)
{
	free_tables();
	assert_int_equal(npt_init(pt, fmt, &heap), NPT_OK);
	assert_int_equal(colour_map(pt, 0, &cfg, i, PT_R | PT_W, PT_WB), NPT_OK);
	for (uint64_t gpa = 0; gpa < cfg.sandbox[i].mem_bytes; gpa += CFG_PAGE) {
		uint64_t hpa;
		unsigned perm, mt;

		assert_true(npt_lookup(pt, gpa, &hpa, &perm, &mt));
		assert_int_equal(hpa, config_hpa(&cfg, i, gpa));
		assert_int_equal(perm, PT_R | PT_W);
	}
	/* Nothing past its memory; mapping it again is refused. */
	{
		uint64_t hpa;
		unsigned perm;
		assert_false(npt_lookup(pt, cfg.sandbox[i].mem_bytes, &hpa, &perm, NULL));
	}
	assert_int_equal(colour_map(pt, 0, &cfg, i, PT_R, PT_WB), NPT_EOVERLAP);
}

static void test_coloured_tables_use_4k_leaves_only_where_needed(void **state)
{
	struct nested_pt pt;

	(void)state;
	assert_int_equal(parse("[system]\nllc = 1M:16:64\n"
			       "[sandbox 0]\ncore = 0\nmemory = 8M\ncolours = 0-7\n"
			       "[sandbox 1]\ncore = 1\nmemory = 8M\ncolours = 8-15\n"), 0);
	assert_int_equal(place(256), 0);
	check_pages();
	check_map(&npt_format, 0, &pt);
	assert_int_equal(pt.leaves_4k, 8 * CFG_MIB / CFG_PAGE);
	assert_int_equal(pt.leaves_2m, 0);
	check_map(&ept_format, 1, &pt);
	assert_int_equal(pt.leaves_4k, 8 * CFG_MIB / CFG_PAGE);
	/* Every colour: the pool is one contiguous run, 2 MiB leaves. */
	assert_int_equal(parse("[system]\nllc = 1M:16:64\n"
			       "[sandbox 0]\ncore = 0\nmemory = 8M\ncolours = 0-15\n"), 0);
	assert_int_equal(place(256), 0);
	check_map(&npt_format, 0, &pt);
	assert_int_equal(pt.leaves_4k, 0);
	assert_int_equal(pt.leaves_2m, 4);
	/* Uncoloured: its region, as before colouring. */
	assert_int_equal(parse("[sandbox 0]\ncore = 0\nmemory = 8M\n"), 0);
	assert_int_equal(place(256), 0);
	check_map(&ept_format, 0, &pt);
	assert_int_equal(config_hpa(&cfg, 0, 0x1000), cfg.sandbox[0].base + 0x1000);
	assert_int_equal(pt.leaves_2m, 4);
	free_tables();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_colours_parse_lists_and_ranges),
		cmocka_unit_test(test_llc_key_sets_the_colour_count),
		cmocka_unit_test(test_bad_colour_lists_are_refused),
		cmocka_unit_test(test_a_colour_belongs_to_one_sandbox_unless_both_share),
		cmocka_unit_test(test_pool_gives_each_page_once_in_its_colours),
		cmocka_unit_test(test_memory_the_colours_cannot_supply_is_refused),
		cmocka_unit_test(test_coloured_tables_use_4k_leaves_only_where_needed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
