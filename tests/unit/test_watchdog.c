/* Heartbeat watchdog (lib/watchdog.c): when a hang is and is not declared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/watchdog.h"

static void moving_beat_never_hangs(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20);
	for (uint64_t t = 0; t < 10000; t += 5)
		assert_false(watchdog_check(&w, 1 + t, t));
	assert_int_equal(w.hangs, 0);
}

static void stuck_beat_hangs_once_at_the_timeout(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20);
	assert_false(watchdog_check(&w, 7, 100));
	assert_false(watchdog_check(&w, 7, 119));
	assert_true(watchdog_check(&w, 7, 120));
	assert_false(watchdog_check(&w, 7, 121));    /* reported once */
	assert_false(watchdog_check(&w, 7, 5000));
	assert_int_equal(w.hangs, 1);
	/* It beats again (recovered), then stalls again: a second hang. */
	assert_false(watchdog_check(&w, 8, 5001));
	assert_false(watchdog_check(&w, 8, 5020));
	assert_true(watchdog_check(&w, 8, 5021));
	assert_int_equal(w.hangs, 2);
}

static void unarmed_beat_is_not_a_hang(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 20);
	for (uint64_t t = 0; t < 1000; t++)
		assert_false(watchdog_check(&w, 0, t));
	/* Armed later: the clock starts at the first beat, not at init. */
	assert_false(watchdog_check(&w, 1, 1000));
	assert_false(watchdog_check(&w, 1, 1019));
	assert_true(watchdog_check(&w, 1, 1020));
}

static void sparse_samples_measure_from_the_last_change(void **s)
{
	struct watchdog w;
	(void)s;
	watchdog_init(&w, 50);
	assert_false(watchdog_check(&w, 3, 0));
	assert_false(watchdog_check(&w, 9, 45));     /* moved: restart at 45 */
	assert_false(watchdog_check(&w, 9, 94));
	assert_true(watchdog_check(&w, 9, 95));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moving_beat_never_hangs),
		cmocka_unit_test(stuck_beat_hangs_once_at_the_timeout),
		cmocka_unit_test(unarmed_beat_is_not_a_hang),
		cmocka_unit_test(sparse_samples_measure_from_the_last_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
