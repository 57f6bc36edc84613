/* Host tests of the hypercall argument checks (monitor/hypercall_args.c):
 * each boundary of a caller's RAM, lengths that overflow, the log's limits,
 * and that a refused call leaves the caller's RAM and counters as they were. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/record.h"
#include "monitor/hypercall_args.h"

#define RAM 4096u
#define COUNTS sizeof(struct hc_exit_counts)

static uint8_t ram[RAM], before[RAM];
static uint64_t exits[EXIT_NWINDOWS][EXIT_NREASONS];
static unsigned lines;
static char last[RECORD_MAX + 32];
static unsigned records;

static void sink(const char *line, size_t len)
{
	memcpy(last, line, len);
	last[len] = 0;
	records++;
}

static struct hc_caller caller(void)
{
	return (struct hc_caller){ .id = 2, .ram = ram, .size = RAM, .log_lines = &lines,
				   .exits = &exits[0][0] };
}

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < RAM; i++)
		ram[i] = (uint8_t)(i * 7 + 1);
	memcpy(before, ram, RAM);
	for (unsigned w = 0; w < EXIT_NWINDOWS; w++)
		for (unsigned x = 0; x < EXIT_NREASONS; x++)
			exits[w][x] = 1000 * w + x;
	lines = 0;
	records = 0;
	record_set_sink(sink);
	return 0;
}

static long call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	struct hc_caller c = caller();
	long ret = 0;
	assert_true(hc_answer(&c, nr, a0, a1, &ret));
	return ret;
}

static void assert_untouched(void)
{
	assert_memory_equal(ram, before, RAM);
	assert_int_equal(lines, 0);
	assert_int_equal(records, 0);
}

static void test_range_inside(void **state)
{
	(void)state;
	assert_true(gpa_range_inside(RAM, 0, RAM));
	assert_true(gpa_range_inside(RAM, RAM - 1, 1));
	assert_true(gpa_range_inside(RAM, RAM - 1, 0));
	assert_false(gpa_range_inside(RAM, RAM - 1, 2));
	assert_false(gpa_range_inside(RAM, RAM, 0));          /* must start inside */
	assert_false(gpa_range_inside(RAM, 0, RAM + 1));
	assert_false(gpa_range_inside(RAM, 16, UINT64_MAX));  /* 16 + len wraps to 15 */
	assert_false(gpa_range_inside(RAM, UINT64_MAX, 2));   /* wraps to 1 */
	assert_false(gpa_range_inside(0, 0, 0));
}

static void test_version_and_unknown(void **state)
{
	(void)state;
	assert_int_equal(call(HC_VERSION, 0, 0), HC_ABI_VERSION);
	assert_int_equal(call(HC_COUNT, 0, 0), HC_ENOSYS);
	assert_int_equal(call(1ull << 32 | HC_LOG, 0, 8), HC_ENOSYS);  /* all of RAX counts */
	assert_int_equal(call(UINT64_MAX, 0, 0), HC_ENOSYS);
	assert_untouched();
}

static void test_monitor_calls_left_to_monitor(void **state)
{
	static const uint64_t left[] = { HC_END_RUN, HC_PROBE_BEGIN, HC_PROBE_END, HC_DMA_FAULTS };
	(void)state;
	for (unsigned i = 0; i < sizeof left / sizeof left[0]; i++) {
		struct hc_caller c = caller();
		long ret = 77;
		assert_false(hc_answer(&c, left[i], 0, 0, &ret));
		assert_int_equal(ret, 77);
	}
	assert_untouched();
}

static void test_exit_counts_written_exactly(void **state)
{
	(void)state;
	assert_int_equal(call(HC_EXIT_COUNTS, RAM - COUNTS, 0), 0);   /* ends at RAM's end */
	assert_memory_equal(ram + RAM - COUNTS, exits, COUNTS);
	assert_memory_equal(ram, before, RAM - COUNTS);
	assert_int_equal(call(HC_EXIT_COUNTS, 3, 0), 0);              /* unaligned */
	assert_memory_equal(ram + 3, exits, COUNTS);
	assert_memory_equal(ram, before, 3);
}

static void test_exit_counts_refused(void **state)
{
	(void)state;
	assert_int_equal(call(HC_EXIT_COUNTS, RAM - COUNTS + 1, 0), HC_EFAULT);
	assert_int_equal(call(HC_EXIT_COUNTS, RAM, 0), HC_EFAULT);
	assert_int_equal(call(HC_EXIT_COUNTS, UINT64_MAX - 8, 0), HC_EFAULT);
	assert_int_equal(call(HC_EXIT_COUNTS, 1ull << 40, 0), HC_EFAULT);
	assert_untouched();
}

static void test_log_line(void **state)
{
	(void)state;
	memcpy(ram + RAM - 5, "hello", 5);
	memcpy(before, ram, RAM);
	assert_int_equal(call(HC_LOG, RAM - 5, 5), 5);
	assert_int_equal(lines, 1);
	assert_int_equal(records, 1);
	assert_non_null(strstr(last, "\"ev\":\"sandbox_log\""));
	assert_non_null(strstr(last, "\"sandbox\":2"));
	assert_non_null(strstr(last, "\"text\":\"hello\""));
	assert_memory_equal(ram, before, RAM);                        /* only read */
}

static void test_log_refused(void **state)
{
	(void)state;
	assert_int_equal(call(HC_LOG, 0, HC_LOG_MAX + 1), HC_EINVAL);
	assert_int_equal(call(HC_LOG, RAM - 4, 5), HC_EFAULT);
	assert_int_equal(call(HC_LOG, UINT64_MAX - 1, 4), HC_EFAULT);
	assert_int_equal(call(HC_LOG, RAM, 0), HC_EFAULT);
	assert_untouched();
}

static void test_log_cap(void **state)
{
	(void)state;
	lines = HC_LOG_LINES - 1;
	assert_int_equal(call(HC_LOG, 0, 4), 4);
	assert_int_equal(lines, HC_LOG_LINES);
	assert_int_equal(call(HC_LOG, 0, 4), HC_ELIMIT);
	assert_int_equal(lines, HC_LOG_LINES);
	assert_int_equal(records, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_range_inside, setup),
		cmocka_unit_test_setup(test_version_and_unknown, setup),
		cmocka_unit_test_setup(test_monitor_calls_left_to_monitor, setup),
		cmocka_unit_test_setup(test_exit_counts_written_exactly, setup),
		cmocka_unit_test_setup(test_exit_counts_refused, setup),
		cmocka_unit_test_setup(test_log_line, setup),
		cmocka_unit_test_setup(test_log_refused, setup),
		cmocka_unit_test_setup(test_log_cap, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
