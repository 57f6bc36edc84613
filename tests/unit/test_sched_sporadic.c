/* Main VCPU = sporadic server: replenishment rules (sched/sporadic.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/vcpu.h"

static uint64_t pending_total(const struct vcpu *v)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < v->s.main.count; i++)
		sum += v->s.main.q[(v->s.main.head + i) % SCHED_REPL_SLOTS].amount;
	return sum;
}

static const struct sched_repl *repl(const struct vcpu *v, unsigned i)
{
	return &v->s.main.q[(v->s.main.head + i) % SCHED_REPL_SLOTS];
}

static void test_init_validates(void **state)
{
	struct vcpu v;

	(void)state;
	assert_int_equal(vcpu_init_main(&v, "a", 0, 100), -1);
	assert_int_equal(vcpu_init_main(&v, "a", 101, 100), -1);
	assert_int_equal(vcpu_init_main(&v, "a", 1, (1ull << 62) + 1), -1);
	assert_int_equal(vcpu_init_main(&v, "a", 100, 100), 0);
	assert_int_equal(v.budget, 100);
	assert_false(vcpu_runnable(&v)); /* blocked until woken */
}

static void test_block_repays_consumption_one_period_after_activation(void **state)
{
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 20, 100);
	vcpu_wake(&v, 7, 0);
	assert_true(vcpu_runnable(&v));
	assert_int_equal(v.act, 7);
	vcpu_charge(&v, 5);
	vcpu_block(&v);
	assert_int_equal(v.budget, 15);
	assert_int_equal(vcpu_next_replenish(&v), 107);
	assert_int_equal(repl(&v, 0)->amount, 5);
	vcpu_replenish(&v, 106);
	assert_int_equal(v.budget, 15);
	vcpu_replenish(&v, 107);
	assert_int_equal(v.budget, 20);
	assert_int_equal(vcpu_next_replenish(&v), SCHED_NEVER);
	assert_int_equal(v.stats.replenishments, 1);
}

static void test_exhaustion_ends_activation(void **state)
{
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 10, 100);
	vcpu_wake(&v, 0, 0);
	vcpu_charge(&v, 10);
	assert_false(v.open);
	assert_false(vcpu_runnable(&v));
	assert_true(v.ready);
	assert_int_equal(vcpu_next_replenish(&v), 100);
	/* Ready with budget back: a new activation dated at the arrival. */
	vcpu_replenish(&v, 100);
	assert_true(vcpu_runnable(&v));
	assert_int_equal(v.act, 100);
}

/* Premature replenishment (Stanovich et al. 2010): budget that arrives
 * during an activation must not be repaid relative to the older activation. */
static void test_arrival_during_activation_starts_new_activation(void **state)
{
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 10, 100);
	vcpu_wake(&v, 0, 0);
	vcpu_charge(&v, 4);
	vcpu_block(&v);                 /* repay 4 at 100 */
	vcpu_wake(&v, 90, 0);           /* activation at 90 with 6 left */
	vcpu_charge(&v, 3);             /* then preempted, still ready */
	vcpu_replenish(&v, 100);        /* 4 arrives mid-activation */
	assert_int_equal(v.act, 100);
	assert_int_equal(v.budget, 7);
	vcpu_charge(&v, 7);             /* exhausts under the new activation */
	assert_int_equal(v.s.main.count, 2);
	assert_int_equal(repl(&v, 0)->at, 190);
	assert_int_equal(repl(&v, 0)->amount, 3);
	assert_int_equal(repl(&v, 1)->at, 200); /* POSIX would repay all 10 at 190 */
	assert_int_equal(repl(&v, 1)->amount, 7);
}

static void test_wake_without_budget_waits_for_replenishment(void **state)
{
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 10, 100);
	vcpu_wake(&v, 0, 0);
	vcpu_charge(&v, 10);
	vcpu_block(&v);
	vcpu_wake(&v, 40, 0);           /* ready at 40 but no budget */
	assert_false(v.open);
	vcpu_replenish(&v, 100);
	assert_int_equal(v.act, 100);   /* not 40: that would repay at 140 */
}

/* Budget amplification: budget + pending + open consumption == C always. */
static void test_no_amplification_under_random_operations(void **state)
{
	uint64_t seed = 12345, now = 0;
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 300, 1000);
	for (int i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		now += (seed >> 33) % 50;
		vcpu_replenish(&v, now);
		switch ((seed >> 20) % 3) {
		case 0:
			vcpu_wake(&v, now, 0);
			break;
		case 1:
			if (vcpu_runnable(&v))
				vcpu_charge(&v, 1 + (seed >> 40) % v.budget);
			break;
		default:
			vcpu_block(&v);
		}
		assert_int_equal(v.budget + pending_total(&v) + v.used, 300);
	}
	assert_true(v.stats.replenishments > 100);
}

static void test_full_queue_merges_later_never_earlier(void **state)
{
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 100, 1000);
	for (unsigned i = 0; i <= SCHED_REPL_SLOTS; i++) {
		vcpu_wake(&v, i * 10, 0);
		vcpu_charge(&v, 1);
		vcpu_block(&v);
	}
	assert_int_equal(v.s.main.count, SCHED_REPL_SLOTS);
	assert_int_equal(pending_total(&v), SCHED_REPL_SLOTS + 1);
	assert_int_equal(repl(&v, SCHED_REPL_SLOTS - 1)->amount, 2);
	assert_int_equal(repl(&v, SCHED_REPL_SLOTS - 1)->at, SCHED_REPL_SLOTS * 10 + 1000);
	assert_true(repl(&v, SCHED_REPL_SLOTS - 1)->merged);
}

static void test_overrun_is_recorded_not_repaid(void **state)
{
	struct vcpu v;

	(void)state;
	vcpu_init_main(&v, "a", 10, 100);
	vcpu_wake(&v, 0, 0);
	vcpu_charge(&v, 13);            /* the timer fired 3 cycles late */
	assert_int_equal(v.stats.max_overrun, 3);
	assert_int_equal(v.stats.used, 13);
	assert_int_equal(repl(&v, 0)->amount, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_validates),
		cmocka_unit_test(test_block_repays_consumption_one_period_after_activation),
		cmocka_unit_test(test_exhaustion_ends_activation),
		cmocka_unit_test(test_arrival_during_activation_starts_new_activation),
		cmocka_unit_test(test_wake_without_budget_waits_for_replenishment),
		cmocka_unit_test(test_no_amplification_under_random_operations),
		cmocka_unit_test(test_full_queue_merges_later_never_earlier),
		cmocka_unit_test(test_overrun_is_recorded_not_repaid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
