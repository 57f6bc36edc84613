/* I/O VCPU = PIBS (sched/pibs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/server.h"
#include "sched/vcpu.h"

static struct sched_event last;
static int events;

static void record(void *ctx, const struct sched_event *ev)
{
	(void)ctx;
	last = *ev;
	events++;
}

static const struct sched_trace trace = { record, NULL };

static void io(struct vcpu *v, uint32_t u_ppm)
{
	assert_int_equal(vcpu_init_io(v, "io", u_ppm), 0);
	v->trace = &trace;
	events = 0;
}

static void test_init_validates(void **state)
{
	struct vcpu v;

	(void)state;
	assert_int_equal(vcpu_init_io(&v, "io", 0), -1);
	assert_int_equal(vcpu_init_io(&v, "io", SCHED_PPM + 1), -1);
	assert_int_equal(vcpu_init_io(&v, "io", SCHED_PPM), 0);
}

static void test_budget_is_u_times_inherited_period(void **state)
{
	struct vcpu v;

	(void)state;
	io(&v, 100000); /* U = 0.1 */
	vcpu_wake(&v, 5, 10000);
	assert_int_equal(v.period, 10000);
	assert_int_equal(v.budget, 1000);
	assert_int_equal(v.act, 5);
	assert_true(vcpu_runnable(&v));
}

static void test_block_pushes_eligibility_by_usage_over_u(void **state)
{
	struct vcpu v;

	(void)state;
	io(&v, 100000);
	vcpu_wake(&v, 0, 10000);
	vcpu_charge(&v, 200);
	vcpu_block(&v);
	assert_int_equal(vcpu_next_replenish(&v), 2000); /* 0 + 200 / 0.1 */
	vcpu_wake(&v, 500, 4000);   /* I/O arrives early: waits, new period noted */
	assert_false(vcpu_runnable(&v));
	vcpu_replenish(&v, 1999);
	assert_false(vcpu_runnable(&v));
	vcpu_replenish(&v, 2000);
	assert_int_equal(events, 1);
	assert_int_equal(last.act, 0);
	assert_int_equal(last.used, 200);
	assert_true(vcpu_runnable(&v));
	assert_int_equal(v.budget, 400); /* U * the inherited 4000 */
	assert_int_equal(v.act, 2000);
}

static void test_exhaustion_waits_a_full_period(void **state)
{
	struct vcpu v;

	(void)state;
	io(&v, 250000);
	vcpu_wake(&v, 100, 8000);
	vcpu_charge(&v, 2000);
	assert_false(v.open);
	assert_int_equal(v.budget, 0);
	assert_int_equal(vcpu_next_replenish(&v), 100 + 8000);
}

static void test_rounding_is_against_the_vcpu(void **state)
{
	struct vcpu v;

	(void)state;
	io(&v, 300000);              /* U = 0.3 */
	vcpu_wake(&v, 0, 10);
	assert_int_equal(v.budget, 3); /* floor(3.0) */
	vcpu_charge(&v, 1);
	vcpu_block(&v);
	assert_int_equal(vcpu_next_replenish(&v), 4); /* ceil(1 / 0.3) */
	assert_int_equal(vcpu_io_budget(300000, 11), 3); /* floor(3.3) */
}

static void test_running_activation_keeps_its_period(void **state)
{
	struct vcpu v;

	(void)state;
	io(&v, 100000);
	vcpu_wake(&v, 0, 10000);
	vcpu_wake(&v, 10, 2000);    /* more I/O from another VCPU meanwhile */
	assert_int_equal(v.period, 10000);
}

static void test_block_without_use_keeps_eligibility(void **state)
{
	struct vcpu v;

	(void)state;
	io(&v, 100000);
	vcpu_wake(&v, 0, 10000);
	vcpu_block(&v);
	assert_int_equal(vcpu_next_replenish(&v), SCHED_NEVER);
	vcpu_wake(&v, 1, 10000);
	assert_true(vcpu_runnable(&v));
	assert_int_equal(v.budget, 1000);
}

/* Over a long busy run the I/O VCPU gets exactly U of the time. */
static void test_saturated_io_vcpu_consumes_at_rate_u(void **state)
{
	uint64_t now = 0, ran = 0;
	struct vcpu v;

	(void)state;
	io(&v, 200000);
	vcpu_wake(&v, 0, 5000);
	while (now < 100 * 5000) {
		vcpu_replenish(&v, now);
		if (vcpu_runnable(&v)) {
			ran += v.budget;
			now += v.budget;
			vcpu_charge(&v, v.budget);
		} else {
			now = vcpu_next_replenish(&v);
		}
	}
	assert_int_equal(ran, 100 * 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_validates),
		cmocka_unit_test(test_budget_is_u_times_inherited_period),
		cmocka_unit_test(test_block_pushes_eligibility_by_usage_over_u),
		cmocka_unit_test(test_exhaustion_waits_a_full_period),
		cmocka_unit_test(test_rounding_is_against_the_vcpu),
		cmocka_unit_test(test_running_activation_keeps_its_period),
		cmocka_unit_test(test_block_without_use_keeps_eligibility),
		cmocka_unit_test(test_saturated_io_vcpu_consumes_at_rate_u),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
