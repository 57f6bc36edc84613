/* Best-effort VCPUs under every policy, and memguard's miss budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/core.h"

#define MS 1000000ull   /* cycles at 1 GHz */

struct fixture {
	struct sched_core core;
	struct vcpu *slot[8];
	struct vcpu rt, be1, be2;
};

static struct fixture f;

static void setup_core(const char *policy)
{
	struct sched_verdict why;
	sched_core_init(&f.core, sched_policy_lookup(policy), f.slot, 8, NULL);
	assert_int_equal(vcpu_init_main(&f.rt, "rt", 2 * MS, 10 * MS), 0);
	vcpu_init_be(&f.be1, "be1");
	vcpu_init_be(&f.be2, "be2");
	assert_int_equal(sched_core_admit(&f.core, &f.rt, &why), 0);
	assert_int_equal(sched_core_admit(&f.core, &f.be1, &why), 0);
	assert_int_equal(sched_core_admit(&f.core, &f.be2, &why), 0);
}

static void sample(struct vcpu *v, uint64_t t, uint64_t misses)
{
	struct sched_pmc_sample s = { .t = t, .instructions = 1000, .llc_refs = misses, .llc_misses = misses };
	sched_core_pmc_sample(&f.core, v, &s);
}

/* Best effort runs only in what reservations leave, and shares it. */
static void best_effort_fills_the_slack(void **state)
{
	static const char *const policies[] = { "rm", "edf", "memguard" };
	uint64_t timer;
	(void)state;
	for (unsigned p = 0; p < 3; p++) {
		setup_core(policies[p]);
		sched_core_wake(&f.core, &f.rt, 0, 0);
		sched_core_wake(&f.core, &f.be1, 0, 0);
		sched_core_wake(&f.core, &f.be2, 0, 0);
		assert_ptr_equal(sched_core_schedule(&f.core, 0, &timer), &f.rt);
		assert_int_equal(timer, 2 * MS);                      /* budget runs out */
		struct vcpu *first = sched_core_schedule(&f.core, 2 * MS, &timer);
		assert_int_equal(first->kind, VCPU_BE);
		assert_int_equal(timer, 10 * MS);                     /* rt's replenishment */
		struct vcpu *second = sched_core_schedule(&f.core, 4 * MS, &timer);
		assert_int_equal(second->kind, VCPU_BE);
		assert_ptr_not_equal(first, second);                  /* least service first */
		assert_ptr_equal(sched_core_schedule(&f.core, 10 * MS, &timer), &f.rt);
	}
}

static void best_effort_is_never_refused(void **state)
{
	struct vcpu big, more[4];
	struct sched_verdict why;
	(void)state;
	setup_core("rm");
	assert_int_equal(vcpu_init_main(&big, "big", 7 * MS, 10 * MS), 0);
	assert_int_equal(sched_core_admit(&f.core, &big, &why), -1);   /* 0.2 and 0.7: over */
	for (int i = 0; i < 4; i++) {
		vcpu_init_be(&more[i], "more");
		assert_int_equal(sched_core_admit(&f.core, &more[i], &why), 0);
	}
}

/* Past the budget of a period, best effort waits for the next period;
 * the reservation never does. */
static void memguard_throttles_best_effort_until_next_period(void **state)
{
	const char *why;
	uint64_t timer;
	(void)state;
	setup_core("memguard");
	assert_int_equal(sched_core_set_param(&f.core, "period", 1 * MS, &why), 0);
	assert_int_equal(sched_core_set_param(&f.core, "budget", 1000, &why), 0);
	sched_core_wake(&f.core, &f.be1, 0, 0);
	assert_ptr_equal(sched_core_schedule(&f.core, 0, &timer), &f.be1);
	assert_int_equal(timer, 1 * MS);                       /* period end */
	sample(&f.be1, MS / 2, 600);
	assert_ptr_equal(sched_core_schedule(&f.core, MS / 2, &timer), &f.be1);
	sample(&f.be1, MS * 3 / 4, 500);                       /* 1100 >= 1000 */
	assert_null(sched_core_schedule(&f.core, MS * 3 / 4, &timer));
	assert_int_equal(timer, 1 * MS);                       /* woken when it ends */
	sched_core_wake(&f.core, &f.rt, MS * 3 / 4, 0);
	assert_ptr_equal(sched_core_schedule(&f.core, MS * 3 / 4, &timer), &f.rt);
	sched_core_block(&f.core, &f.rt, MS * 7 / 8);
	assert_null(sched_core_schedule(&f.core, MS * 7 / 8, &timer));
	assert_ptr_equal(sched_core_schedule(&f.core, 1 * MS, &timer), &f.be1);  /* new period */
	/* The check timer: 1000 misses left at be1's average rate (1100 misses
	 * in the 3/4 MS it was charged). */
	assert_int_equal(timer, 1 * MS + 1000 * (3 * MS / 4) / 1100);
}

/* The overflow interrupt's count: the misses best effort has left, never
 * for a reservation, and none from policies without a budget. */
static void memguard_miss_budget_for_the_overflow_interrupt(void **state)
{
	const char *why;
	uint64_t timer;
	(void)state;
	setup_core("rm");
	sched_core_wake(&f.core, &f.be1, 0, 0);
	assert_ptr_equal(sched_core_schedule(&f.core, 0, &timer), &f.be1);
	assert_int_equal(sched_core_miss_budget(&f.core), SCHED_NEVER);
	setup_core("memguard");
	assert_int_equal(sched_core_set_param(&f.core, "period", 1 * MS, &why), 0);
	assert_int_equal(sched_core_set_param(&f.core, "budget", 1000, &why), 0);
	sched_core_wake(&f.core, &f.be1, 0, 0);
	assert_ptr_equal(sched_core_schedule(&f.core, 0, &timer), &f.be1);
	assert_int_equal(sched_core_miss_budget(&f.core), 1000);
	sample(&f.be1, MS / 4, 300);
	assert_ptr_equal(sched_core_schedule(&f.core, MS / 4, &timer), &f.be1);
	assert_int_equal(sched_core_miss_budget(&f.core), 700);
	sched_core_wake(&f.core, &f.rt, MS / 2, 0);
	assert_ptr_equal(sched_core_schedule(&f.core, MS / 2, &timer), &f.rt);
	assert_int_equal(sched_core_miss_budget(&f.core), SCHED_NEVER);   /* never the reservation */
}

/* A run cut at the period's end counts in the period that ends; the
 * statistics report it. */
static void memguard_attributes_misses_to_the_period_they_ran_in(void **state)
{
	const char *why, *name;
	uint64_t timer, value;
	(void)state;
	setup_core("memguard");
	assert_int_equal(sched_core_set_param(&f.core, "period", 1 * MS, &why), 0);
	assert_int_equal(sched_core_set_param(&f.core, "budget", 1000, &why), 0);
	sched_core_wake(&f.core, &f.be1, 0, 0);
	sample(&f.be1, 0, 0);
	assert_ptr_equal(sched_core_schedule(&f.core, 0, &timer), &f.be1);
	sample(&f.be1, MS / 2, 900);
	assert_ptr_equal(sched_core_schedule(&f.core, MS / 2, &timer), &f.be1);
	assert_int_equal(timer, MS / 2 + MS / 18);      /* 100 left at 900 per MS/2 */
	sample(&f.be1, MS / 2 + MS / 18, 120);        /* overshoots to 1020 */
	assert_null(sched_core_schedule(&f.core, MS / 2 + MS / 18, &timer));
	assert_int_equal(timer, 1 * MS);
	assert_ptr_equal(sched_core_schedule(&f.core, 1 * MS, &timer), &f.be1);
	sample(&f.be1, 2 * MS, 0);                    /* cut at the second period's end */
	assert_ptr_equal(sched_core_schedule(&f.core, 2 * MS, &timer), &f.be1);
	const char *want[] = { "mg_budget", "mg_periods", "mg_throttled_periods", "mg_max_period_misses",
			       "mg_periods_over_5pct" };
	uint64_t values[] = { 1000, 2, 1, 1020, 0 };   /* 1020 is within 5% */
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(f.core.policy->stat(&f.core, i, &name, &value), 0);
		assert_string_equal(name, want[i]);
		assert_int_equal(value, values[i]);
	}
	assert_int_equal(f.core.policy->stat(&f.core, 5, &name, &value), -1);
}

/* Misses of reserved VCPUs do not count against best effort's budget. */
static void memguard_counts_only_best_effort_misses(void **state)
{
	const char *why;
	uint64_t timer;
	(void)state;
	setup_core("memguard");
	assert_int_equal(sched_core_set_param(&f.core, "period", 1 * MS, &why), 0);
	assert_int_equal(sched_core_set_param(&f.core, "budget", 100, &why), 0);
	sched_core_wake(&f.core, &f.be1, 0, 0);
	sample(&f.rt, 10, 100000);
	assert_ptr_equal(sched_core_schedule(&f.core, 20, &timer), &f.be1);
}

static void memguard_parameters(void **state)
{
	const char *why = NULL;
	uint64_t timer;
	(void)state;
	setup_core("memguard");
	assert_int_equal(sched_core_set_param(&f.core, "budgets", 5, &why), -1);
	assert_non_null(why);
	assert_int_equal(sched_core_set_param(&f.core, "budget", 0, &why), -1);
	assert_int_equal(sched_core_set_param(&f.core, "b", 5, &why), -1);
	/* Without parameters best effort is not regulated. */
	sched_core_wake(&f.core, &f.be1, 0, 0);
	sample(&f.be1, 1, 1000000);
	assert_ptr_equal(sched_core_schedule(&f.core, 2, &timer), &f.be1);
	setup_core("rm");
	assert_int_equal(sched_core_set_param(&f.core, "budget", 5, &why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(best_effort_fills_the_slack),
		cmocka_unit_test(best_effort_is_never_refused),
		cmocka_unit_test(memguard_throttles_best_effort_until_next_period),
		cmocka_unit_test(memguard_counts_only_best_effort_misses),
		cmocka_unit_test(memguard_attributes_misses_to_the_period_they_ran_in),
		cmocka_unit_test(memguard_parameters),
		cmocka_unit_test(memguard_miss_budget_for_the_overflow_interrupt),
	};
	return cmocka_run_group_tests_name("memguard", tests, NULL, NULL);
}
