/* Heartbeat watchdog (lib/watchdog.c): when a stall is probed, and how the
 * probes are paced by the watched side's answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/watchdog.h"

static void moving_beat_is_never_probed(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20, 5);
	for (uint64_t t = 0; t < 10000; t += 5)
		assert_false(watchdog_check(&w, 1 + t, 0, 0, t));
	assert_int_equal(w.stalls, 0);
	assert_int_equal(w.probes, 0);
}

static void stall_is_probed_at_the_timeout(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20, 5);
	assert_false(watchdog_check(&w, 7, 0, 0, 100));
	assert_false(watchdog_check(&w, 7, 0, 0, 119));
	assert_true(watchdog_check(&w, 7, 0, 0, 120));
	assert_int_equal(w.probes, 1);
	assert_int_equal(w.stalls, 1);
}

static void next_probe_waits_for_the_answer_and_the_gap(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20, 5);
	assert_false(watchdog_check(&w, 7, 0, 0, 100));
	assert_true(watchdog_check(&w, 7, 0, 0, 120));     /* probe 1 */
	/* Not answered (the watched side does not run): no second probe. */
	assert_false(watchdog_check(&w, 7, 0, 0, 130));
	assert_false(watchdog_check(&w, 7, 0, 0, 200));
	/* Answered at 201: the next only 5 later. */
	assert_false(watchdog_check(&w, 7, 1, 201, 202));
	assert_false(watchdog_check(&w, 7, 1, 201, 205));
	assert_true(watchdog_check(&w, 7, 1, 201, 206));    /* probe 2 */
	assert_int_equal(w.probes, 2);
	/* An answer stamped later than our clock (skew) is not a gap passed. */
	assert_false(watchdog_check(&w, 7, 2, 300, 299));
	assert_true(watchdog_check(&w, 7, 2, 300, 305));
	assert_int_equal(w.stalls, 1);
}

static void beat_ends_the_stall(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20, 5);
	assert_false(watchdog_check(&w, 7, 0, 0, 100));
	assert_true(watchdog_check(&w, 7, 0, 0, 120));
	assert_false(watchdog_check(&w, 8, 1, 121, 122));   /* it beat: alive */
	assert_false(watchdog_check(&w, 8, 1, 121, 141));
	/* A new stall: its first probe goes at once, no gap needed. */
	assert_true(watchdog_check(&w, 8, 1, 121, 142));
	assert_int_equal(w.stalls, 2);
}

static void unanswered_probe_is_sent_again(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20, 5);
	assert_false(watchdog_check(&w, 7, 0, 0, 0));
	assert_true(watchdog_check(&w, 7, 0, 0, 20));
	assert_false(watchdog_check(&w, 7, 0, 0, 20 + WATCHDOG_RESEND * 20 - 1));
	assert_true(watchdog_check(&w, 7, 0, 0, 20 + WATCHDOG_RESEND * 20));
	assert_int_equal(w.probes, 2);
}

static void unarmed_beat_is_not_a_stall(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20, 5);
	for (uint64_t t = 0; t < 1000; t++)
		assert_false(watchdog_check(&w, 0, 0, 0, t));
	/* Armed later: the clock starts at the first beat, not at init. */
	assert_false(watchdog_check(&w, 1, 0, 0, 1000));
	assert_false(watchdog_check(&w, 1, 0, 0, 1019));
	assert_true(watchdog_check(&w, 1, 0, 0, 1020));
}

static void sparse_samples_measure_from_the_last_change(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 50, 5);
	assert_false(watchdog_check(&w, 3, 0, 0, 0));
	assert_false(watchdog_check(&w, 9, 0, 0, 45));     /* moved: restart at 45 */
	assert_false(watchdog_check(&w, 9, 0, 0, 94));
	assert_true(watchdog_check(&w, 9, 0, 0, 95));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moving_beat_is_never_probed),
		cmocka_unit_test(stall_is_probed_at_the_timeout),
		cmocka_unit_test(next_probe_waits_for_the_answer_and_the_gap),
		cmocka_unit_test(beat_ends_the_stall),
		cmocka_unit_test(unanswered_probe_is_sent_again),
		cmocka_unit_test(unarmed_beat_is_not_a_stall),
		cmocka_unit_test(sparse_samples_measure_from_the_last_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
