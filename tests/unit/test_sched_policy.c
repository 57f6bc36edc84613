/* Policy plug-ins through the core: registry, pick order of rm and edf,
 * scheduling points and the one-shot timer, budget enforcement, PMC
 * samples, and the cycle conversions the kernel will use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/core.h"

static const char *const names[] = { "rm", "edf" };

static struct sched_core core;
static struct vcpu *slot[4];
static struct vcpu v[4];

static void setup(const char *policy)
{
	memset(v, 0, sizeof(v));
	sched_core_init(&core, sched_policy_lookup(policy), slot, 4, NULL);
}

static void admit(struct vcpu *x)
{
	struct sched_verdict why;

	assert_int_equal(sched_core_admit(&core, x, &why), 0);
}

static void test_registry(void **state)
{
	const struct sched_policy *p;
	unsigned n = 0;

	(void)state;
	for (; (p = sched_policy_at(n)) != NULL; n++) {
		struct vcpu *slots[1];
		struct sched_core c;
		assert_ptr_equal(sched_policy_lookup(p->name), p);
		assert_non_null(p->admit);
		assert_non_null(p->pick_next);
		/* The core's table: the policy's operations, the generic ones
		 * where the policy's table leaves them NULL. */
		sched_core_init(&c, p, slots, 1, NULL);
		assert_ptr_equal(c.policy->admit, p->admit);
		assert_ptr_equal(c.policy->init, p->init ? p->init : sched_generic_init);
		assert_ptr_equal(c.policy->charge, p->charge ? p->charge : sched_generic_charge);
		assert_ptr_equal(c.policy->on_block, p->on_block ? p->on_block : sched_generic_on_block);
		assert_ptr_equal(c.policy->on_wake, p->on_wake ? p->on_wake : sched_generic_on_wake);
		assert_ptr_equal(c.policy->on_tick, p->on_tick ? p->on_tick : sched_generic_on_tick);
		assert_ptr_equal(c.policy->on_pmc_sample,
				 p->on_pmc_sample ? p->on_pmc_sample : sched_generic_on_pmc_sample);
		assert_ptr_equal(c.policy->stats, p->stats ? p->stats : sched_generic_stats);
	}
	/* memguard changes how samples are taken; rm keeps the generic one. */
	assert_ptr_not_equal(sched_policy_lookup("memguard")->on_pmc_sample, NULL);
	assert_null(sched_policy_lookup("rm")->on_pmc_sample);
	assert_int_equal(n, 4);
	assert_string_equal(sched_policy_lookup("memguard")->name, "memguard");
	assert_string_equal(sched_policy_lookup("cache-aware")->name, "cache-aware");
	assert_string_equal(sched_policy_lookup("rm")->name, "rm");
	assert_string_equal(sched_policy_lookup("edf")->name, "edf");
	assert_null(sched_policy_lookup("r"));
	assert_null(sched_policy_lookup("rmx"));
}

/* A: T=1000 activated at 0 (deadline 1000); B: T=500 activated at 600
 * (deadline 1100).  rm prefers the shorter period, edf the earlier deadline. */
static struct vcpu *pick_between_two(const char *policy)
{
	uint64_t timer;

	setup(policy);
	vcpu_init_main(&v[0], "A", 100, 1000);
	vcpu_init_main(&v[1], "B", 100, 500);
	admit(&v[0]);
	admit(&v[1]);
	sched_core_wake(&core, &v[0], 0, 0);   /* work since 0, not yet run */
	sched_core_wake(&core, &v[1], 600, 0);
	return sched_core_schedule(&core, 600, &timer);
}

static void test_rm_picks_shorter_period(void **state)
{
	(void)state;
	assert_string_equal(pick_between_two("rm")->name, "B");
}

static void test_edf_picks_earlier_deadline(void **state)
{
	(void)state;
	assert_string_equal(pick_between_two("edf")->name, "A");
}

static void test_timer_and_exact_charging(void **state)
{
	for (int p = 0; p < 2; p++) {
		uint64_t timer;

		(void)state;
		setup(names[p]);
		vcpu_init_main(&v[0], "A", 200, 1000);
		admit(&v[0]);
		sched_core_wake(&core, &v[0], 0, 0);
		assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &v[0]);
		assert_int_equal(timer, 200);                 /* budget runs out */
		assert_null(sched_core_schedule(&core, 200, &timer));
		assert_int_equal(timer, 1000);                /* replenishment */
		assert_ptr_equal(sched_core_schedule(&core, 1000, &timer), &v[0]);
		assert_int_equal(v[0].act, 1000);
		sched_core_block(&core, &v[0], 1037);         /* charged up to the block */
		assert_int_equal(v[0].budget, 163);
		assert_int_equal(v[0].stats.used, 237);
	}
}

/* A VCPU that never blocks gets exactly C per T, and a higher-priority
 * periodic VCPU released every period still runs at once. */
static void test_budget_enforced_over_100_periods(void **state)
{
	for (int p = 0; p < 2; p++) {
		uint64_t now = 0, timer, spin = 0, worst_wait = 0;

		(void)state;
		setup(names[p]);
		vcpu_init_main(&v[0], "spin", 200, 1000);
		vcpu_init_main(&v[1], "hi", 100, 500);
		admit(&v[0]);
		admit(&v[1]);
		sched_core_wake(&core, &v[0], 0, 0);
		while (now < 100 * 1000) {
			struct vcpu *run;
			uint64_t next;

			if (now % 500 == 0)
				sched_core_wake(&core, &v[1], now, 0);
			run = sched_core_schedule(&core, now, &timer);
			next = (now / 500 + 1) * 500;
			next = timer < next ? timer : next;
			if (run == &v[1]) {
				if (now % 500 > worst_wait)
					worst_wait = now % 500;
				next = now + 100;
			} else if (run == &v[0]) {
				spin += next - now;
			}
			now = next;
			if (run == &v[1])
				sched_core_block(&core, &v[1], now);
		}
		assert_int_equal(spin, 100 * 200);
		if (p == 0)
			assert_int_equal(worst_wait, 0); /* rm: never delayed by the spinner */
	}
}

static void test_pmc_samples_recorded_per_vcpu(void **state)
{
	const struct sched_pmc_sample s[3] = {
		{ .t = 10, .instructions = 1000, .llc_refs = 40, .llc_misses = 4 },
		{ .t = 20, .instructions = 3000, .llc_refs = 60, .llc_misses = 6 },
		{ .t = 30, .instructions = 500, .llc_refs = 10, .llc_misses = 0 },
	};

	(void)state;
	for (int p = 0; p < 2; p++) {
		struct vcpu_stats st;

		setup(names[p]);
		vcpu_init_main(&v[0], "A", 10, 100);
		vcpu_init_io(&v[1], "N", 100000);
		admit(&v[0]);
		admit(&v[1]);
		sched_core_pmc_sample(&core, &v[0], &s[0]);
		sched_core_pmc_sample(&core, &v[0], &s[1]);
		sched_core_pmc_sample(&core, &v[1], &s[2]);
		core.policy->stats(&core, &v[0], &st);
		assert_int_equal(st.pmc_samples, 2);
		assert_int_equal(st.instructions, 4000);
		assert_int_equal(st.llc_refs, 100);
		assert_int_equal(st.llc_misses, 10);
		assert_int_equal(st.last_pmc_at, 20);
		core.policy->stats(&core, &v[1], &st);
		assert_int_equal(st.pmc_samples, 1);
		assert_int_equal(st.instructions, 500);
		assert_int_equal(st.last_pmc_at, 30);
	}
}

static void test_cycle_conversions(void **state)
{
	(void)state;
	assert_int_equal(sched_us_to_cycles(1000, 2400), 2400000);
	assert_int_equal(sched_us_to_cycles(UINT64_MAX / 2, 3), SCHED_NEVER);
	assert_int_equal(sched_cycles_to_us(2399, 2400), 0);
	assert_int_equal(sched_cycles_to_us(4800, 2400), 2);
	assert_int_equal(sched_muldiv(10, 3, 4, 0), 7);
	assert_int_equal(sched_muldiv(10, 3, 4, 1), 8);
	assert_int_equal(sched_muldiv(UINT64_MAX, UINT64_MAX, UINT64_MAX, 0), UINT64_MAX);
	assert_int_equal(sched_muldiv(1ull << 63, 6, 3, 0), UINT64_MAX); /* 2^64 overflows */
	assert_int_equal(sched_muldiv(1ull << 62, 12, 16, 1), 3ull << 60);
	assert_int_equal(sched_muldiv(0xFFFFFFFFFFFull, 1000000, 999999, 1), 0x1000010C6F8Bull);
	/* Either side of a product that just fits 64 bits (native division)
	 * and one that just does not (long division): the same exact answers. */
	assert_int_equal(sched_muldiv(UINT64_MAX, 1, 3, 0), 0x5555555555555555ull);
	assert_int_equal(sched_muldiv(1ull << 32, 1ull << 32, 3, 0), 0x5555555555555555ull);
	assert_int_equal(sched_muldiv(1ull << 32, 1ull << 32, 3, 1), 0x5555555555555556ull);
	assert_int_equal(sched_muldiv(UINT64_MAX, 1, 2, 1), 1ull << 63);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_rm_picks_shorter_period),
		cmocka_unit_test(test_edf_picks_earlier_deadline),
		cmocka_unit_test(test_timer_and_exact_charging),
		cmocka_unit_test(test_budget_enforced_over_100_periods),
		cmocka_unit_test(test_pmc_samples_recorded_per_vcpu),
		cmocka_unit_test(test_cycle_conversions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
