/* Host tests of the DMAR parser (monitor/dmar.c): a table shaped like
 * QEMU's q35 + intel-iommu one, then broken variants of it, each of which
 * must give a message and never read past the bytes given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/dmar.h"
#include "parse_exact.h"

static uint8_t tbl[256];
static unsigned tlen;

static void put(unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tbl[off + i] = (uint8_t)(v >> (8 * i));
}

static void fix_sum(void)
{
	uint8_t s = 0;
	tbl[9] = 0;
	for (unsigned i = 0; i < tlen; i++)
		s = (uint8_t)(s + tbl[i]);
	tbl[9] = (uint8_t)-s;
}

/* Header (48 bytes), a DRHD with INCLUDE_PCI_ALL at 0xfed90000 naming an
 * IOAPIC scope, and a second DRHD naming endpoint 00:05.0 alone. */
static void build(void)
{
	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, "DMAR", 4);
	tbl[36] = 38;           /* host address width 39 */
	tbl[37] = 1;            /* INTR_REMAP */
	put(48, 0, 2); put(50, 24, 2); tbl[52] = 1;
	put(56, 0xfed90000, 8);
	tbl[64] = 3; tbl[65] = 8; tbl[69] = 0xf0; tbl[70] = 0x1f; tbl[71] = 0;  /* IOAPIC */
	put(72, 0, 2); put(74, 24, 2); tbl[76] = 0;
	put(80, 0xfed91000, 8);
	tbl[88] = 1; tbl[89] = 8; tbl[93] = 0; tbl[94] = 5; tbl[95] = 0;     /* 00:05.0 */
	tlen = 96;
	put(4, tlen, 4);
	fix_sum();
}

static void parses_a_good_table(void **state)
{
	struct dmar_info d;
	(void)state;
	build();
	assert_null(dmar_parse(tbl, tlen, &d));
	assert_int_equal(d.haw, 39);
	assert_true(d.intr_remap);
	assert_int_equal(d.nunits, 2);
	assert_int_equal(d.unit[0].reg_base, 0xfed90000);
	assert_true(d.unit[0].include_all);
	assert_int_equal(d.unit[0].nendpoints, 0);   /* the IOAPIC scope is not an endpoint */
	/* ... but names the requester id its interrupts carry: bus 0xf0, 1f.0 */
	assert_true(d.has_ioapic);
	assert_int_equal(d.ioapic_sid, 0xf0 << 8 | 0x1f << 3);
	assert_false(d.unit[1].include_all);
	assert_int_equal(d.unit[1].nendpoints, 1);
	assert_int_equal(d.unit[1].endpoint[0], 5 << 3);
	/* An explicitly named endpoint goes to its unit, the rest to INCLUDE_PCI_ALL. */
	assert_ptr_equal(dmar_unit_for(&d, 5 << 3), &d.unit[1]);
	assert_ptr_equal(dmar_unit_for(&d, 3 << 3), &d.unit[0]);
}

static void no_ioapic_without_its_scope(void **state)
{
	struct dmar_info d;
	(void)state;
	build();
	tbl[64] = 2;            /* the IOAPIC scope becomes a bridge's */
	fix_sum();
	assert_null(dmar_parse(tbl, tlen, &d));
	assert_false(d.has_ioapic);
}

static void no_unit_for_a_function_nobody_covers(void **state)
{
	struct dmar_info d;
	(void)state;
	build();
	tbl[52] = 0;            /* the first unit no longer includes all */
	fix_sum();
	assert_null(dmar_parse(tbl, tlen, &d));
	assert_null(dmar_unit_for(&d, 3 << 3));
}

static const char *parse(const void *t, size_t len, void *out)
{
	return dmar_parse(t, len, out);
}

/* The first n bytes of tbl are refused with a message containing words. */
static void expect_error(unsigned n, const char *words)
{
	struct dmar_info d;
	const char *why = parse_exact(parse, tbl, n, &d);
	assert_non_null(why);
	assert_non_null(strstr(why, words));
}

static void rejects_malformed_tables(void **state)
{
	(void)state;
	build(); tbl[0] = 'X'; expect_error(tlen, "not a DMAR");
	build(); expect_error(40, "not a DMAR");                  /* shorter than the header */
	build(); expect_error(tlen - 1, "longer than the table");  /* length says more than given */
	build(); put(4, 20, 4); fix_sum(); expect_error(tlen, "shorter than its header");
	build(); tbl[20] ^= 1; expect_error(tlen, "checksum");
	build(); put(50, 200, 2); fix_sum(); expect_error(tlen, "runs past the table");
	build(); put(50, 0, 2); fix_sum(); expect_error(tlen, "runs past the table");   /* would loop */
	build(); put(50, 12, 2); put(60, 0, 4); tbl[60] = 0; put(62, 36, 2); fix_sum();
	expect_error(tlen, "DRHD shorter");
	build(); tbl[65] = 40; fix_sum(); expect_error(tlen, "device scope");
	build(); tbl[65] = 0; fix_sum(); expect_error(tlen, "device scope");
	build(); put(56, 0xfed90010, 8); fix_sum(); expect_error(tlen, "page-aligned");
	build(); tlen = 48; put(4, tlen, 4); fix_sum(); expect_error(tlen, "no remapping hardware unit");
	build(); tlen = 50; put(4, tlen, 4); fix_sum(); expect_error(tlen, "truncated");
	assert_non_null(dmar_parse(NULL, 0, &(struct dmar_info){ 0 }));
}

static void rejects_too_many_units(void **state)
{
	(void)state;
	build();
	tlen = 48;
	for (unsigned i = 0; i <= DMAR_MAX_UNITS; i++, tlen += 16) {
		put(tlen, 0, 2); put(tlen + 2, 16, 2);
		put(tlen + 8, 0xfed90000 + 0x1000 * i, 8);
	}
	put(4, tlen, 4);
	fix_sum();
	expect_error(tlen, "more remapping units");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_good_table),
		cmocka_unit_test(no_ioapic_without_its_scope),
		cmocka_unit_test(no_unit_for_a_function_nobody_covers),
		cmocka_unit_test(rejects_malformed_tables),
		cmocka_unit_test(rejects_too_many_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
