/* Host tests of the IVRS parser (monitor/ivrs.c): a table shaped like
 * QEMU's q35 + amd-iommu one, then broken variants of it, each of which
 * must give a message and never read past the bytes given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/ivrs.h"
#include "parse_exact.h"

static uint8_t tbl[1024];
static unsigned tlen, ivhd_at;

/* Append n little-endian bytes of v. */
static void add(uint64_t v, unsigned n)
{
	while (n--) {
		tbl[tlen++] = (uint8_t)v;
		v >>= 8;
	}
}

/* The checksum byte that makes the table's bytes add up to 0. */
static void checksum(void)
{
	uint8_t s = 0;
	tbl[9] = 0;
	for (unsigned i = 0; i < tlen; i++)
		s = (uint8_t)(s + tbl[i]);
	tbl[9] = (uint8_t)(0u - s);
}

/* Close the IVHD opened at ivhd_at and the table: their lengths, the sum. */
static void seal(void)
{
	tbl[ivhd_at + 2] = (uint8_t)(tlen - ivhd_at);
	tbl[ivhd_at + 3] = (uint8_t)((tlen - ivhd_at) >> 8);
	for (unsigned i = 0; i < 4; i++)
		tbl[4 + i] = (uint8_t)(tlen >> (8 * i));
	checksum();
}

/* Header and IVinfo (PA 40 bits, VA 48), then an IVHD of type 10h for the
 * unit at base, itself function 00:02.0; its entries follow. */
static void begin(uint8_t ivhd_type, uint64_t base)
{
	memset(tbl, 0, sizeof tbl);
	memcpy(tbl, "IVRS", 4);
	tlen = 36;
	add(40u << 8 | 48u << 15, 4);
	add(0, 8);
	ivhd_at = tlen;
	add(ivhd_type, 1); add(0xd1, 1); add(0, 2);
	add(0x10, 2); add(0x40, 2); add(base, 8); add(0, 2); add(0, 2); add(0, 4);
	if (ivhd_type != 0x10)
		add(0, 16);
}

/* Open another IVHD of type 10h for unit devid at base. */
static void another_ivhd(uint16_t devid, uint64_t base)
{
	ivhd_at = tlen;
	add(0x10, 1); add(0, 1); add(0, 2);
	add(devid, 2); add(0x40, 2); add(base, 8); add(0, 8);
}

static void entry4(uint8_t type, uint16_t devid) { add(type, 1); add(devid, 2); add(0, 1); }

static void entry8(uint8_t type, uint16_t devid, uint16_t other, uint8_t variety)
{
	add(type, 1); add(devid, 2); add(0, 1); add(0, 1); add(other, 2); add(variety, 1);
}

/* What QEMU 7.2 writes: a select entry per function on bus 0, here with
 * an alias range behind a PCI bridge and the IOAPIC's special entry. */
static void qemu_like(void)
{
	begin(0x10, 0xfed80000);
	entry4(0x02, 0x0000);
	entry4(0x02, 0x0010);
	entry4(0x02, 0x0018);                   /* the e1000, 00:03.0 */
	entry8(0x43, 0x0100, 0x0020, 0);        /* bus 1 behind bridge 00:04.0 */
	entry4(0x04, 0x01ff);
	entry4(0x00, 0);                        /* padding */
	entry8(0x48, 0, 0x00a0, 1);             /* IOAPIC as 00:14.0 */
	seal();
}

static void parses_a_qemu_like_table(void **state)
{
	struct ivrs_info v;
	uint16_t req = 0xbeef;
	(void)state;
	qemu_like();
	assert_null(ivrs_parse(tbl, tlen, &v));
	assert_int_equal(v.pa_bits, 40);
	assert_int_equal(v.va_bits, 48);
	assert_int_equal(v.nunits, 1);
	assert_int_equal(v.unit[0].reg_base, 0xfed80000);
	assert_int_equal(v.unit[0].devid, 0x10);
	assert_int_equal(v.unit[0].nranges, 4);
	assert_true(v.unit[0].has_ioapic);
	assert_int_equal(v.unit[0].ioapic_devid, 0xa0);
	assert_ptr_equal(ivrs_unit_for(&v, 0x18, &req), &v.unit[0]);
	assert_int_equal(req, 0x18);
	/* Behind the bridge every function's requests carry the bridge's ID. */
	assert_ptr_equal(ivrs_unit_for(&v, 0x0128, &req), &v.unit[0]);
	assert_int_equal(req, 0x20);
	assert_null(ivrs_unit_for(&v, 0x0028, &req));    /* 00:05.0 is named nowhere */
	assert_null(ivrs_unit_for(&v, 0x0200, &req));
}

static void narrowest_entry_wins_across_units(void **state)
{
	struct ivrs_info v;
	uint16_t req;
	(void)state;
	/* Unit A covers everything; unit B names 00:03.0 alone. */
	begin(0x10, 0xfed80000);
	entry4(0x01, 0);
	seal();
	another_ivhd(0x08, 0xfed84000);
	entry4(0x02, 0x0018);
	seal();
	assert_null(ivrs_parse(tbl, tlen, &v));
	assert_int_equal(v.nunits, 2);
	assert_ptr_equal(ivrs_unit_for(&v, 0x18, &req), &v.unit[1]);
	assert_ptr_equal(ivrs_unit_for(&v, 0x1234, &req), &v.unit[0]);
	assert_int_equal(req, 0x1234);
}

/* Firmware describes one unit by a type 10h and a type 11h block: the
 * second adds no unit. An IVMD block is skipped. */
static void same_unit_twice_is_one_unit(void **state)
{
	struct ivrs_info v;
	(void)state;
	begin(0x10, 0xfed80000);
	entry4(0x02, 0x0018);
	seal();
	ivhd_at = tlen;
	add(0x11, 1); add(0, 1); add(0, 2);
	add(0x10, 2); add(0x40, 2); add(0xfed80000, 8); add(0, 24);
	entry4(0x01, 0);
	seal();
	ivhd_at = tlen;
	add(0x20, 1); add(0, 1); add(0, 2); add(0, 28);   /* IVMD, 32 bytes */
	seal();
	assert_null(ivrs_parse(tbl, tlen, &v));
	assert_int_equal(v.nunits, 1);
	assert_int_equal(v.unit[0].nranges, 1);
}

static const char *parse(const void *t, size_t len, void *out)
{
	return ivrs_parse(t, len, out);
}

/* The first n bytes of tbl are refused with a message containing words. */
static void refused(unsigned n, const char *words)
{
	struct ivrs_info v;
	const char *why = parse_exact(parse, tbl, n, &v);
	if (!why || !strstr(why, words))
		fail_msg("expected \"%s\" in \"%s\"", words, why ? why : "(accepted)");
}

static void rejects_malformed_tables(void **state)
{
	(void)state;
	qemu_like(); tbl[3] = 'X'; refused(tlen, "not an IVRS");
	qemu_like(); refused(47, "not an IVRS");
	qemu_like(); refused(tlen - 1, "longer than the table");
	qemu_like(); tbl[30] ^= 0x40; refused(tlen, "checksum");
	qemu_like(); tbl[ivhd_at + 2] += 4; checksum(); refused(tlen, "runs past the table");
	/* a block of length 0 would never advance */
	qemu_like(); tbl[ivhd_at + 2] = 0; checksum(); refused(tlen, "runs past the table");
	begin(0x10, 0); seal(); refused(tlen, "register base");
	begin(0x10, 0xfed81000); seal(); refused(tlen, "16 KiB-aligned");
	/* An IVHD 11h needs 40 bytes before its entries. */
	begin(0x10, 0xfed80000); tbl[ivhd_at] = 0x11; seal(); refused(tlen, "fixed fields");
	/* An 8-byte entry cut at the block's end. */
	begin(0x10, 0xfed80000); entry4(0x43, 0x100); seal(); refused(tlen, "runs past its IVHD");
	begin(0x10, 0xfed80000); entry4(0x81, 0); seal(); refused(tlen, "unknown");
	begin(0x10, 0xfed80000); add(0xf0, 1); add(0, 20); seal(); refused(tlen, "runs past");
	begin(0x10, 0xfed80000); add(0xf0, 1); add(0, 20); add(200, 1); add(0, 10); seal();
	refused(tlen, "runs past its IVHD");
	begin(0x10, 0xfed80000); entry4(0x04, 0x10); seal(); refused(tlen, "end has no start");
	begin(0x10, 0xfed80000); entry4(0x03, 0x10); seal(); refused(tlen, "not followed");
	begin(0x10, 0xfed80000); entry4(0x03, 0x10); entry4(0x02, 0x18); seal();
	refused(tlen, "not followed");
	begin(0x10, 0xfed80000); entry4(0x03, 0x20); entry4(0x04, 0x10); seal();
	refused(tlen, "ends before it starts");
	memset(tbl, 0, sizeof tbl); memcpy(tbl, "IVRS", 4); tlen = 48; ivhd_at = 40; seal();
	refused(tlen, "no IOMMU unit");
	memset(tbl, 0, sizeof tbl); memcpy(tbl, "IVRS", 4); tlen = 50; ivhd_at = 40; seal();
	refused(tlen, "truncated");
	assert_non_null(ivrs_parse(NULL, 0, &(struct ivrs_info){ 0 }));
}

static void rejects_more_than_it_keeps(void **state)
{
	(void)state;
	begin(0x10, 0xfed80000);
	for (unsigned i = 0; i <= IVRS_MAX_RANGES; i++)
		entry4(0x02, (uint16_t)i);
	seal();
	refused(tlen, "more device entries");
	begin(0x10, 0xfed80000);
	seal();
	for (unsigned i = 1; i <= IVRS_MAX_UNITS; i++) {
		another_ivhd(0, 0xfed80000 + 0x4000 * i);
		seal();
	}
	refused(tlen, "more IOMMU units");
}

/* Every prefix of a good table: refused with a message, nothing read
 * past it (ASan). */
static void every_truncation_is_refused(void **state)
{
	(void)state;
	struct ivrs_info v;
	qemu_like();
	for (unsigned n = 0; n < tlen; n++)
		assert_non_null(parse_exact(parse, tbl, n, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_qemu_like_table),
		cmocka_unit_test(narrowest_entry_wins_across_units),
		cmocka_unit_test(same_unit_twice_is_one_unit),
		cmocka_unit_test(rejects_malformed_tables),
		cmocka_unit_test(rejects_more_than_it_keeps),
		cmocka_unit_test(every_truncation_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
