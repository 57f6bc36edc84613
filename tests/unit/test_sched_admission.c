/* Admission tests of rm (hyperbolic bound, PIBS term (2-U)U) and edf
 * (sum <= 1), at, just below and just above their boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/core.h"

#define SLOTS 8

struct fixture {
	struct sched_core core;
	struct vcpu *slot[SLOTS];
	struct vcpu v[SLOTS];
	unsigned n;
};

static struct fixture f;

static void setup(const char *policy)
{
	memset(&f, 0, sizeof(f));
	sched_core_init(&f.core, sched_policy_lookup(policy), f.slot, SLOTS, NULL);
}

static int add_main(uint64_t C, uint64_t T)
{
	struct sched_verdict why;
	struct vcpu *v = &f.v[f.n++];

	assert_int_equal(vcpu_init_main(v, "m", C, T), 0);
	return sched_core_admit(&f.core, v, &why);
}

static int add_io(uint32_t u_ppm)
{
	struct sched_verdict why;
	struct vcpu *v = &f.v[f.n++];

	assert_int_equal(vcpu_init_io(v, "io", u_ppm), 0);
	return sched_core_admit(&f.core, v, &why);
}

/* 1/2 and 1/3: (3/2)(4/3) = 2 exactly.  Sum 0.8333 is above the Liu &
 * Layland bound for two tasks (0.8284), so this is also where the
 * hyperbolic bound admits more. */
static void rm_two_mains(uint64_t c2, int expect)
{
	setup("rm");
	assert_int_equal(add_main(500, 1000), 0);
	assert_int_equal(add_main(c2, 3000), expect);
}

static void test_rm_below_bound(void **s) { (void)s; rm_two_mains(999, 0); }
static void test_rm_at_bound(void **s) { (void)s; rm_two_mains(1000, 0); }
static void test_rm_above_bound(void **s) { (void)s; rm_two_mains(1001, -1); }

/* Main 1/7 plus I/O U = 0.5 counted as (2 - 0.5) * 0.5 = 0.75:
 * (8/7)(7/4) = 2 exactly. */
static void rm_main_and_io(uint64_t c, int expect)
{
	setup("rm");
	assert_int_equal(add_main(c, 7000), 0);
	assert_int_equal(add_io(500000), expect);
}

static void test_rm_io_below_bound(void **s) { (void)s; rm_main_and_io(999, 0); }
static void test_rm_io_at_bound(void **s) { (void)s; rm_main_and_io(1000, 0); }
static void test_rm_io_above_bound(void **s) { (void)s; rm_main_and_io(1001, -1); }

/* 1/2 + 1/4 + I/O 0.25 = 1 exactly. */
static void edf_set(uint64_t c, int expect)
{
	setup("edf");
	assert_int_equal(add_main(500, 1000), 0);
	assert_int_equal(add_io(250000), 0);
	assert_int_equal(add_main(c, 4000), expect);
}

static void test_edf_below_bound(void **s) { (void)s; edf_set(999, 0); }
static void test_edf_at_bound(void **s) { (void)s; edf_set(1000, 0); }
static void test_edf_above_bound(void **s) { (void)s; edf_set(1001, -1); }

/* The same I/O VCPU costs U under edf but (2-U)U under rm. */
static void test_io_term_differs_between_policies(void **state)
{
	(void)state;
	setup("edf");
	assert_int_equal(add_main(1, 2), 0);
	assert_int_equal(add_io(500000), 0);
	setup("rm");
	assert_int_equal(add_main(1, 2), 0);
	assert_int_equal(add_io(500000), -1);
}

static void test_rejection_changes_nothing(void **state)
{
	const char *policies[] = { "rm", "edf" };

	(void)state;
	for (int p = 0; p < 2; p++) {
		struct sched_verdict why;
		struct sched_core before;
		struct vcpu big;

		setup(policies[p]);
		assert_int_equal(add_main(600, 1000), 0);
		assert_int_equal(add_io(100000), 0);
		before = f.core;
		vcpu_init_main(&big, "big", 900, 1000);
		assert_int_equal(sched_core_admit(&f.core, &big, &why), -1);
		assert_non_null(why.reason);
		assert_memory_equal(&before, &f.core, sizeof(before));
		assert_null(big.trace); /* not wired to the core either */
	}
}

static void test_full_core_refuses_with_reason(void **state)
{
	struct sched_verdict why;
	struct vcpu extra;

	(void)state;
	setup("edf");
	for (int i = 0; i < SLOTS; i++)
		assert_int_equal(add_main(1, 100), 0);
	vcpu_init_main(&extra, "x", 1, 100);
	assert_int_equal(sched_core_admit(&f.core, &extra, &why), -1);
	assert_string_equal(why.reason, "no free VCPU slot on this core");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rm_below_bound),
		cmocka_unit_test(test_rm_at_bound),
		cmocka_unit_test(test_rm_above_bound),
		cmocka_unit_test(test_rm_io_below_bound),
		cmocka_unit_test(test_rm_io_at_bound),
		cmocka_unit_test(test_rm_io_above_bound),
		cmocka_unit_test(test_edf_below_bound),
		cmocka_unit_test(test_edf_at_bound),
		cmocka_unit_test(test_edf_above_bound),
		cmocka_unit_test(test_io_term_differs_between_policies),
		cmocka_unit_test(test_rejection_changes_nothing),
		cmocka_unit_test(test_full_core_refuses_with_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
