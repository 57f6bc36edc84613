/* Heartbeat watchdog (lib/watchdog.c): when a stall is probed, how the
 * probes are paced by the watched side's answers, and how the watched side
 * judges the probes it answers. */
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

#define NEED_OFF 3
#define NEED_ON  10
#define MIN_RUN  50

static struct watchdog_judge judge(void)
{
	struct watchdog_judge j;
	watchdog_judge_init(&j, NEED_OFF, NEED_ON, MIN_RUN);
	return j;
}

/* Probe seq at now finding spot; answered ANSWER_TAKES after. */
#define ANSWER_TAKES 5
static bool take(struct watchdog_judge *j, uint32_t seq, uint64_t spot, bool if_on, uint64_t now)
{
	bool c = watchdog_judge(j, seq, spot, if_on, now);
	watchdog_answered(j, now + ANSWER_TAKES);
	return c;
}

static void spin_with_interrupts_off_is_confirmed_at_the_third_find(void **s)
{
	struct watchdog_judge j = judge();
	(void)s;
	assert_false(take(&j, 1, 7, false, 1000));
	assert_int_equal(j.found, 1);
	assert_false(take(&j, 2, 7, false, 1200));
	assert_true(take(&j, 3, 7, false, 1400));
	assert_int_equal(j.found, 3);                 /* the answer says so */
	assert_int_equal(j.first, 1);
	assert_int_equal(j.last, 3);
	assert_int_equal(j.first_at, 1000);
	assert_int_equal(j.min_gap, 200 - ANSWER_TAKES);
	/* The next probe starts afresh, wherever it finds the driver. */
	assert_false(take(&j, 4, 7, false, 1600));
	assert_int_equal(j.found, 1);
}

static void interrupts_on_need_ten_finds(void **s)
{
	struct watchdog_judge j = judge();
	(void)s;
	for (uint32_t p = 1; p < NEED_ON; p++)
		assert_false(take(&j, p, 7, p == 2, 1000 + 200 * p));
	assert_true(take(&j, NEED_ON, 7, false, 1000 + 200 * NEED_ON));
}

static void another_spot_or_none_starts_again(void **s)
{
	struct watchdog_judge j = judge();
	(void)s;
	assert_false(take(&j, 1, 7, false, 1000));
	assert_false(take(&j, 2, 7, false, 1200));
	assert_false(take(&j, 3, 8, false, 1400));    /* it moved on: 1 again */
	assert_int_equal(j.found, 1);
	assert_false(take(&j, 4, 8, false, 1600));
	assert_false(take(&j, 5, 0, false, 1800));    /* not in its code */
	assert_int_equal(j.found, 0);
	assert_false(take(&j, 6, 8, false, 2000));
	assert_int_equal(j.found, 1);
}

/* The false alarms measured on a loaded host: each probe after the first
 * arrived 1-7 us after the last answer (queued behind it), finding the
 * same spot. Such probes are answered but do not count. */
static void probes_queued_behind_an_answer_do_not_count(void **s)
{
	struct watchdog_judge j = judge();
	(void)s;
	assert_false(take(&j, 1, 7, false, 1000));
	for (uint32_t p = 2; p < 20; p++) {
		uint64_t now = 1000 + ANSWER_TAKES + (p - 1) * (ANSWER_TAKES + 3);
		assert_false(take(&j, p, 7, false, now));
		assert_int_equal(j.found, 1);
	}
	/* Once it has run a while, a probe finding it there counts again. */
	uint64_t last = j.answered_at;
	assert_false(take(&j, 20, 7, false, last + MIN_RUN));
	assert_int_equal(j.found, 2);
	assert_true(take(&j, 21, 7, false, last + MIN_RUN + ANSWER_TAKES + MIN_RUN));
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
		cmocka_unit_test(spin_with_interrupts_off_is_confirmed_at_the_third_find),
		cmocka_unit_test(interrupts_on_need_ten_finds),
		cmocka_unit_test(another_spot_or_none_starts_again),
		cmocka_unit_test(probes_queued_behind_an_answer_do_not_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
