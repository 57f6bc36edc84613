/* LLC occupancy estimator: synthetic counter sequences with known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/llc_estimate.h"

#define C 131072ull   /* 8 MiB of 64-byte lines */

static void starts_empty_and_ignores_earlier_fills(void **state)
{
	(void)state;
	struct llc_estimate e;
	llc_estimate_init(&e, 5000000);
	assert_int_equal(llc_estimate_lines(&e), 0);
	llc_estimate_update(&e, C, 0, 5000000);
	assert_int_equal(llc_estimate_lines(&e), 0);
}

/* Alone on the machine, m misses into an empty cache own m lines, less the
 * few of their own lines they evict: E = C (1 - (1 - 1/C)^m). */
static void alone_fills_follow_the_closed_form(void **state)
{
	(void)state;
	struct llc_estimate e;
	uint64_t fills = 0;
	llc_estimate_init(&e, 0);
	for (int i = 0; i < 64; i++) {          /* 64 periods of 1024 misses */
		fills += 1024;
		llc_estimate_update(&e, C, 1024, fills);
	}
	/* C (1 - e^(-65536/131072)) = 0.3935 C = 51572 lines */
	uint64_t got = llc_estimate_lines(&e);
	assert_true(got > 51572 - 600 && got < 51572 + 600);
}

static void streaming_saturates_at_the_cache_size(void **state)
{
	(void)state;
	struct llc_estimate e;
	uint64_t fills = 0;
	llc_estimate_init(&e, 0);
	for (int i = 0; i < 200; i++) {
		fills += 8192;
		llc_estimate_update(&e, C, 8192, fills);
	}
	assert_true(llc_estimate_lines(&e) > C * 99 / 100);
	assert_true(llc_estimate_lines(&e) <= C);
	/* A burst of more misses than the cache has lines cannot overflow it. */
	llc_estimate_update(&e, C, 10 * C, fills + 10 * C);
	assert_true(llc_estimate_lines(&e) <= C);
}

/* Not running while other cores fill: E decays as (1 - 1/C)^m. */
static void idle_vcpu_decays_by_others_fills(void **state)
{
	(void)state;
	struct llc_estimate e;
	llc_estimate_init(&e, 0);
	llc_estimate_update(&e, C, C / 2, C / 2);            /* own C/2, ~0.39 C left */
	uint64_t before = llc_estimate_lines(&e);
	llc_estimate_update(&e, C, 0, C / 2 + C);             /* others fill C lines */
	uint64_t after = llc_estimate_lines(&e);
	/* e^-1 = 0.368; stepwise (7/8 per C/8) gives 0.344: within 10% of it. */
	assert_true(after * 1000 > before * 330 && after * 1000 < before * 380);
}

static void zero_activity_changes_nothing(void **state)
{
	(void)state;
	struct llc_estimate e;
	llc_estimate_init(&e, 100);
	llc_estimate_update(&e, C, 5000, 5100);
	uint64_t got = llc_estimate_lines(&e);
	for (int i = 0; i < 10; i++)
		llc_estimate_update(&e, C, 0, 5100);
	assert_int_equal(llc_estimate_lines(&e), got);
}

static void long_absence_empties_it_in_bounded_time(void **state)
{
	(void)state;
	struct llc_estimate e;
	llc_estimate_init(&e, 0);
	llc_estimate_update(&e, C, C, C);
	llc_estimate_update(&e, C, 0, C + 1000000000ull);    /* 7600 C of others' fills */
	assert_true(llc_estimate_lines(&e) < 2);
}

static void counter_going_backwards_is_no_fill(void **state)
{
	(void)state;
	struct llc_estimate e;
	llc_estimate_init(&e, 1000);
	llc_estimate_update(&e, C, 100, 1100);
	uint64_t got = llc_estimate_lines(&e);
	llc_estimate_update(&e, C, 0, 900);                 /* a reset counter: not negative */
	assert_int_equal(llc_estimate_lines(&e), got);
}

/* One long period in which this VCPU made a quarter of all fills, many C of
 * them: the estimate is its share of the cache, C/4 (the closed form of
 * interleaved fills and evictions), not the C that adding every miss at
 * the end would give. */
static void long_shared_period_converges_to_its_share(void **state)
{
	struct llc_estimate e;
	(void)state;
	llc_estimate_init(&e, 0);
	llc_estimate_update(&e, C, 4 * C, 16 * C);
	assert_in_range(llc_estimate_lines(&e), C / 4 - C / 64, C / 4 + C / 64);
	/* Split into many short periods, the same mix gives the same answer. */
	llc_estimate_init(&e, 0);
	for (uint64_t i = 1; i <= 256; i++)
		llc_estimate_update(&e, C, C / 64, i * C / 16);
	assert_in_range(llc_estimate_lines(&e), C / 4 - C / 64, C / 4 + C / 64);
}

/* A period of many C fills in which the VCPU also missed (its first period
 * when the baseline was taken long before, or a long stretch between two
 * samples) ends at its share of the period's fills, C * m_local / m_global,
 * whatever it held before; computed directly, not in millions of steps
 * with interrupts off. */
static void very_long_period_with_own_misses_is_its_share(void **state)
{
	struct llc_estimate e;
	(void)state;
	llc_estimate_init(&e, 0);
	llc_estimate_update(&e, C, C, C);
	llc_estimate_update(&e, C, 1000000, C + 1000000000ull);
	assert_int_equal(llc_estimate_lines(&e), C * 1000000 / 1000000000ull);   /* 131 */
	/* The steps' answer just below the shortcut's threshold (32 C of
	 * fills) agrees with the shortcut's just above it. */
	llc_estimate_init(&e, 0);
	llc_estimate_update(&e, C, C / 2, C / 2);
	llc_estimate_update(&e, C, 4 * C, C / 2 + 32 * C - 1);
	uint64_t stepped = llc_estimate_lines(&e);
	llc_estimate_init(&e, 0);
	llc_estimate_update(&e, C, C / 2, C / 2);
	llc_estimate_update(&e, C, 4 * C, C / 2 + 32 * C);
	assert_in_range(stepped, C / 8 - 16, C / 8 + 16);
	assert_int_equal(llc_estimate_lines(&e), C / 8);
}

static void mpki(void **state)
{
	(void)state;
	assert_int_equal(llc_mpki_milli(25, 1000), 25000);   /* 25 MPKI */
	assert_int_equal(llc_mpki_milli(1, 3000), 333);
	assert_int_equal(llc_mpki_milli(7, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_empty_and_ignores_earlier_fills),
		cmocka_unit_test(alone_fills_follow_the_closed_form),
		cmocka_unit_test(streaming_saturates_at_the_cache_size),
		cmocka_unit_test(idle_vcpu_decays_by_others_fills),
		cmocka_unit_test(zero_activity_changes_nothing),
		cmocka_unit_test(long_absence_empties_it_in_bounded_time),
		cmocka_unit_test(counter_going_backwards_is_no_fill),
		cmocka_unit_test(long_shared_period_converges_to_its_share),
		cmocka_unit_test(very_long_period_with_own_misses_is_its_share),
		cmocka_unit_test(mpki),
	};
	return cmocka_run_group_tests_name("llc_estimate", tests, NULL, NULL);
}
