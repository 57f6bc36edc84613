/* Heartbeat watchdog (lib/watchdog.c): when a stall is probed, and how the
 * probes are paced by the watched side's answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/watchdog.h"

#define TIMEOUT 20
#define GAP     10
#define SUSPECT 2

static const struct watchdog_answer none = { 0, 0 };

static struct watchdog fresh(void)
{
	struct watchdog w;
	watchdog_init(&w, TIMEOUT, GAP, SUSPECT);
	return w;
}

/* Probe if due at now (as the rescuer does); true if it did. */
static bool probe(struct watchdog *w, uint64_t beat, struct watchdog_answer a, uint64_t now)
{
	if (watchdog_due(w, beat, &a, now))
		return false;
	watchdog_sent(w, now);
	return true;
}

static void moving_beat_is_never_probed(void **s)
{
	struct watchdog w = fresh();
	(void)s;
	for (uint64_t t = 0; t < 10000; t += 5)
		assert_int_equal(watchdog_due(&w, 1 + t, &none, t), WATCHDOG_IDLE);
	assert_int_equal(w.stalls, 0);
}

static void stall_is_probed_at_the_timeout(void **s)
{
	struct watchdog w = fresh();
	(void)s;
	assert_false(probe(&w, 7, none, 100));
	assert_false(probe(&w, 7, none, 119));
	assert_true(probe(&w, 7, none, 120));
	assert_int_equal(w.probes, 1);
	assert_int_equal(w.stalls, 1);
}

static void next_probe_waits_for_the_answer_and_its_gap(void **s)
{
	struct watchdog w = fresh();
	(void)s;
	assert_false(probe(&w, 7, none, 100));
	assert_true(probe(&w, 7, none, 120));                  /* probe 1 */
	/* Not answered (the watched side does not run): no second probe. */
	assert_int_equal(watchdog_due(&w, 7, &none, 130), WATCHDOG_IDLE);
	assert_false(probe(&w, 7, none, 200));
	/* Answer seen at 201, nothing suspect found: the next GAP later. */
	struct watchdog_answer a = { 1, 0 };
	assert_int_equal(watchdog_due(&w, 7, &a, 201), GAP);
	assert_int_equal(watchdog_due(&w, 7, &a, 205), 201 + GAP - 205);
	assert_true(probe(&w, 7, a, 201 + GAP));               /* probe 2 */
	/* Answered having found a suspect spot: the next sooner. */
	a = (struct watchdog_answer){ 2, 1 };
	assert_false(probe(&w, 7, a, 215));
	assert_false(probe(&w, 7, a, 215 + SUSPECT - 1));
	assert_true(probe(&w, 7, a, 215 + SUSPECT));           /* probe 3 */
	assert_int_equal(w.stalls, 1);
	assert_int_equal(w.in_stall, 3);
}

static void beat_ends_the_stall(void **s)
{
	struct watchdog w = fresh();
	struct watchdog_answer a = { 1, 0 };
	(void)s;
	assert_false(probe(&w, 7, none, 100));
	assert_true(probe(&w, 7, none, 120));
	assert_false(probe(&w, 8, a, 122));                    /* it beat: alive */
	assert_false(probe(&w, 8, a, 141));
	/* A new stall: its first probe goes at once, no gap needed. */
	assert_true(probe(&w, 8, a, 142));
	assert_int_equal(w.stalls, 2);
	assert_int_equal(w.in_stall, 1);
}

static void unanswered_probe_is_sent_again(void **s)
{
	struct watchdog w = fresh();
	(void)s;
	assert_false(probe(&w, 7, none, 0));
	assert_true(probe(&w, 7, none, TIMEOUT));
	assert_false(probe(&w, 7, none, TIMEOUT + WATCHDOG_RESEND * TIMEOUT - 1));
	assert_true(probe(&w, 7, none, TIMEOUT + WATCHDOG_RESEND * TIMEOUT));
	assert_int_equal(w.probes, 2);
}

static void unarmed_beat_is_not_a_stall(void **s)
{
	struct watchdog w = fresh();
	(void)s;
	for (uint64_t t = 0; t < 1000; t++)
		assert_false(probe(&w, 0, none, t));
	/* Armed later: the clock starts at the first beat, not at init. */
	assert_false(probe(&w, 1, none, 1000));
	assert_false(probe(&w, 1, none, 1000 + TIMEOUT - 1));
	assert_true(probe(&w, 1, none, 1000 + TIMEOUT));
}

static void sparse_samples_measure_from_the_last_change(void **s)
{
	struct watchdog w = fresh();
	(void)s;
	assert_false(probe(&w, 3, none, 0));
	assert_false(probe(&w, 9, none, 45));     /* moved: restart at 45 */
	assert_false(probe(&w, 9, none, 45 + TIMEOUT - 1));
	assert_true(probe(&w, 9, none, 45 + TIMEOUT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moving_beat_is_never_probed),
		cmocka_unit_test(stall_is_probed_at_the_timeout),
		cmocka_unit_test(next_probe_waits_for_the_answer_and_its_gap),
		cmocka_unit_test(beat_ends_the_stall),
		cmocka_unit_test(unanswered_probe_is_sent_again),
		cmocka_unit_test(unarmed_beat_is_not_a_stall),
		cmocka_unit_test(sparse_samples_measure_from_the_last_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
