/* Task-set parser (sched/taskset.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "taskset.h"

static struct taskset ts;
static char err[320];

static void test_valid_file(void **state)
{
	const char *text =
		"# comment line\n"
		"\n"
		"vcpu A main 20 100   # trailing comment\n"
		"vcpu N io 0.1\n"
		"vcpu F io 1\n"
		"thread a A periodic 5 200\n"
		"\tthread n N io-burst 3 50\n"
		"thread s A busy";            /* no final newline */

	(void)state;
	assert_int_equal(taskset_parse(text, &ts, err, sizeof(err)), 0);
	assert_int_equal(ts.nvcpus, 3);
	assert_int_equal(ts.nthreads, 3);
	assert_string_equal(ts.vcpu[0].name, "A");
	assert_int_equal(ts.vcpu[0].kind, VCPU_MAIN);
	assert_int_equal(ts.vcpu[0].c_us, 20);
	assert_int_equal(ts.vcpu[0].t_us, 100);
	assert_int_equal(ts.vcpu[1].u_ppm, 100000);
	assert_int_equal(ts.vcpu[2].u_ppm, 1000000);
	assert_int_equal(ts.thread[0].kind, TS_PERIODIC);
	assert_int_equal(ts.thread[0].t_us, 200);
	assert_int_equal(ts.thread[1].kind, TS_IO_BURST);
	assert_int_equal(ts.thread[1].vcpu, 1);
	assert_int_equal(ts.thread[2].kind, TS_BUSY);
}

struct bad {
	const char *text;
	const char *expect; /* "line N: ..." prefix and a telling fragment */
	const char *fragment;
};

static const struct bad bad_inputs[] = {
	{ "vcpu A main 0 10\n", "line 1:", "positive integers" },
	{ "vcpu A main 20 10\n", "line 1:", "exceeds period" },
	{ "vcpu A main x 10\n", "line 1:", "positive integers" },
	{ "vcpu A main -5 10\n", "line 1:", "positive integers" },
	{ "vcpu A main 10\n", "line 1:", "expected 'vcpu NAME main C T'" },
	{ "vcpu A main 1 2 3\n", "line 1:", "expected 'vcpu NAME main C T'" },
	{ "vcpu A main 1 99999999999999999999\n", "line 1:", "positive integers" },
	{ "vcpu A io 1.5\n", "line 1:", "(0, 1]" },
	{ "vcpu A io 0\n", "line 1:", "(0, 1]" },
	{ "vcpu A io 0.0000001\n", "line 1:", "(0, 1]" },
	{ "vcpu A io .\n", "line 1:", "(0, 1]" },
	{ "vcpu A other 1\n", "line 1:", "unknown VCPU kind" },
	{ "vcpu A\n", "line 1:", "expected" },
	{ "vcpu a\"b main 1 2\n", "line 1:", "bad VCPU name" },
	{ "# c\nvcpu A main 1 2\nvcpu A main 1 2\n", "line 3:", "declared twice" },
	{ "thread t B busy\n", "line 1:", "unknown VCPU 'B'" },
	{ "vcpu A main 1 2\nthread t A io-burst 1 2\n", "line 2:", "needs an I/O VCPU" },
	{ "vcpu A main 1 2\nthread t A sleepy\n", "line 2:", "unknown thread kind" },
	{ "vcpu A main 1 2\nthread t A periodic 1\n", "line 2:", "expected 'thread NAME VCPU periodic C T'" },
	{ "vcpu A main 1 2\nthread t A busy 3\n", "line 2:", "expected 'thread NAME VCPU busy'" },
	{ "vcpu A main 1 2\nthread t A periodic 0 5\n", "line 2:", "positive integers" },
	{ "vcpu A main 1 2\nthread t A busy\nthread t A busy\n", "line 3:", "declared twice" },
	{ "vcpu A main 1 2\n\nfrob\n", "line 3:", "unknown item 'frob'" },
	{ "vcpu A main 1 2 x x x x x x\n", "line 1:", "too many fields" },
};

static void test_bad_inputs_name_the_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad *b = &bad_inputs[i];

		err[0] = '\0';
		if (taskset_parse(b->text, &ts, err, sizeof(err)) != -1)
			fail_msg("accepted bad input %zu: %s", i, b->text);
		if (strncmp(err, b->expect, strlen(b->expect)) != 0 || !strstr(err, b->fragment))
			fail_msg("input %zu (%s): message '%s' lacks '%s' ... '%s'", i, b->text, err,
				 b->expect, b->fragment);
	}
}

static void test_overlong_line_rejected(void **state)
{
	char text[700];

	(void)state;
	memset(text, ' ', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(taskset_parse(text, &ts, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_bad_inputs_name_the_line),
		cmocka_unit_test(test_overlong_line_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
