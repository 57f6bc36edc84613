/* Host tests of the JSON-lines record writer: valid JSON, escaping, and
 * whole-field truncation when a record would not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/record.h"

static char out[2048];

static void sink(const char *line, size_t len)
{
	memcpy(out, line, len);
	out[len] = 0;
}

static int setup(void **s) { (void)s; record_set_sink(sink); out[0] = 0; return 0; }

static void fields_of_every_kind(void **s)
{
	(void)s;
	struct record r;
	rec_begin(&r, "sandbox_ready");
	rec_u64(&r, "sandbox", 3);
	rec_i64(&r, "delta", -42);
	rec_hex(&r, "base", 0x2000000);
	rec_bool(&r, "virtualized", true);
	rec_str(&r, "args", "");
	rec_u64(&r, "max", UINT64_MAX);
	rec_milli(&r, "us", 1234007);
	rec_milli(&r, "zero", 5);
	rec_end(&r);
	assert_string_equal(out, "{\"ev\":\"sandbox_ready\",\"sandbox\":3,\"delta\":-42,\"base\":\"0x2000000\","
			    "\"virtualized\":true,\"args\":\"\",\"max\":18446744073709551615,"
			    "\"us\":1234.007,\"zero\":0.005}\n");
}

static void nested_object(void **s)
{
	(void)s;
	struct record r;
	rec_begin(&r, "vm_exits");
	rec_obj_begin(&r, "by_reason");
	rec_obj_end(&r);
	rec_obj_begin(&r, "more");
	rec_u64(&r, "io", 2);
	rec_u64(&r, "msr", 1);
	rec_obj_end(&r);
	rec_u64(&r, "count", 3);
	rec_end(&r);
	assert_string_equal(out, "{\"ev\":\"vm_exits\",\"by_reason\":{},\"more\":{\"io\":2,\"msr\":1},\"count\":3}\n");
}

static void strings_are_escaped(void **s)
{
	(void)s;
	struct record r;
	rec_begin(&r, "log");
	rec_str(&r, "text", "a\"b\\c\n\x01\x7f");
	rec_end(&r);
	assert_string_equal(out, "{\"ev\":\"log\",\"text\":\"a\\\"b\\\\c\\u000a\\u0001\\u007f\"}\n");
}

static void overflow_drops_whole_fields(void **s)
{
	(void)s;
	struct record r;
	char big[400];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	rec_begin(&r, "t");
	rec_str(&r, "a", big);
	rec_str(&r, "b", big);           /* does not fit: dropped */
	rec_u64(&r, "c", 7);             /* still fits */
	rec_end(&r);
	assert_null(strstr(out, "\"b\""));
	assert_non_null(strstr(out, ",\"c\":7,\"truncated\":true}\n"));
	assert_true(strlen(out) <= RECORD_MAX + 32);
}

static void formatting_helpers(void **s)
{
	(void)s;
	char b[24];
	assert_int_equal(fmt_u64(b, 0), 1);
	assert_string_equal(b, "0");
	assert_int_equal(fmt_hex(b, 0xdeadbeef), 10);
	assert_string_equal(b, "0xdeadbeef");
	fmt_hex(b, 0);
	assert_string_equal(b, "0x0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(fields_of_every_kind, setup),
		cmocka_unit_test_setup(nested_object, setup),
		cmocka_unit_test_setup(strings_are_escaped, setup),
		cmocka_unit_test_setup(overflow_drops_whole_fields, setup),
		cmocka_unit_test_setup(formatting_helpers, setup),
	};
	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
