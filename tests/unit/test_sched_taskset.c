/* Task-set parser (sched/taskset.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/core.h"
#include "sched/taskset.h"

static struct taskset ts;
static char err[320];

static void test_valid_file(void **state)
{
	const char *text =
		"# comment line\n"
		"\n"
		"vcpu A main 20 100   # trailing comment\n"
		"vcpu N io 0.1\n"
		"vcpu F io 1\n"
		"thread a A periodic 5 200\n"
		"\tthread n N io-burst 3 50\n"
		"thread s A busy";            /* no final newline */

	(void)state;
	assert_int_equal(taskset_parse(text, &ts, err, sizeof(err)), 0);
	assert_int_equal(ts.nvcpus, 3);
	assert_int_equal(ts.nthreads, 3);
	assert_string_equal(ts.vcpu[0].name, "A");
	assert_int_equal(ts.vcpu[0].kind, VCPU_MAIN);
	assert_int_equal(ts.vcpu[0].c_us, 20);
	assert_int_equal(ts.vcpu[0].t_us, 100);
	assert_int_equal(ts.vcpu[1].u_ppm, 100000);
	assert_int_equal(ts.vcpu[2].u_ppm, 1000000);
	assert_int_equal(ts.thread[0].kind, TS_PERIODIC);
	assert_int_equal(ts.thread[0].t_us, 200);
	assert_int_equal(ts.thread[1].kind, TS_IO_BURST);
	assert_int_equal(ts.thread[1].vcpu, 1);
	assert_int_equal(ts.thread[2].kind, TS_BUSY);
}

struct bad {
	const char *text;
	const char *expect; /* "line N: ..." prefix and a telling fragment */
	const char *fragment;
};

static const struct bad bad_inputs[] = {
	{ "vcpu A main 0 10\n", "line 1:", "positive integers" },
	{ "vcpu A main 20 10\n", "line 1:", "exceeds period" },
	{ "vcpu A main x 10\n", "line 1:", "positive integers" },
	{ "vcpu A main -5 10\n", "line 1:", "positive integers" },
	{ "vcpu A main 10\n", "line 1:", "expected 'vcpu NAME main C T'" },
	{ "vcpu A main 1 2 3\n", "line 1:", "expected 'vcpu NAME main C T'" },
	{ "vcpu A main 1 99999999999999999999\n", "line 1:", "positive integers" },
	{ "vcpu A io 1.5\n", "line 1:", "(0, 1]" },
	{ "vcpu A io 0\n", "line 1:", "(0, 1]" },
	{ "vcpu A io 0.0000001\n", "line 1:", "(0, 1]" },
	{ "vcpu A io .\n", "line 1:", "(0, 1]" },
	{ "vcpu A other 1\n", "line 1:", "unknown VCPU kind" },
	{ "vcpu A\n", "line 1:", "expected" },
	{ "vcpu a\"b main 1 2\n", "line 1:", "bad VCPU name" },
	{ "# c\nvcpu A main 1 2\nvcpu A main 1 2\n", "line 3:", "declared twice" },
	{ "thread t B busy\n", "line 1:", "unknown VCPU 'B'" },
	{ "vcpu A main 1 2\nthread t A io-burst 1 2\n", "line 2:", "needs an I/O VCPU" },
	{ "vcpu A main 1 2\nthread t A sleepy\n", "line 2:", "unknown thread kind" },
	{ "vcpu A main 1 2\nthread t A periodic 1\n", "line 2:", "expected 'thread NAME VCPU periodic C T'" },
	{ "vcpu A main 1 2\nthread t A busy 3\n", "line 2:", "expected 'thread NAME VCPU busy'" },
	{ "vcpu A main 1 2\nthread t A periodic 0 5\n", "line 2:", "positive integers" },
	{ "vcpu A main 1 2\nthread t A busy\nthread t A busy\n", "line 3:", "declared twice" },
	{ "vcpu A main 1 2\n\nfrob\n", "line 3:", "unknown item 'frob'" },
	{ "vcpu A main 1 2 x x x x x x\n", "line 1:", "too many fields" },
	/* work= */
	{ "vcpu A main 1 2\nthread t A busy work=copy:5\n", "line 2:", "bad 'work=copy:5'" },
	{ "vcpu A main 1 2\nthread t A busy work=reuse\n", "line 2:", "PCT 1..1000" },
	{ "vcpu A main 1 2\nthread t A busy work=reuse:0\n", "line 2:", "PCT 1..1000" },
	{ "vcpu A main 1 2\nthread t A busy work=reuse:1001\n", "line 2:", "PCT 1..1000" },
	{ "vcpu A main 1 2\nthread t A busy work=reuse:5:0\n", "line 2:", "PASSES 1..1000" },
	{ "vcpu A main 1 2\nthread t A busy work=reuse:5:2:1\n", "line 2:", "bad 'work" },
	{ "vcpu A main 1 2\nthread t A busy work=stream:5x\n", "line 2:", "bad 'work" },
	{ "vcpu N io 0.1\nthread t N io-burst 1 2 work=reuse:5\n", "line 2:", "io-burst C MEAN_GAP" },
	/* policy lines */
	{ "policy\n", "line 1:", "expected 'policy NAME KEY=VALUE ...'" },
	{ "policy memguard\n", "line 1:", "expected 'policy NAME KEY=VALUE ...'" },
	{ "policy lottery x=1\n", "line 1:", "unknown policy 'lottery'" },
	{ "policy memguard budget\n", "line 1:", "expected KEY=VALUE, got 'budget'" },
	{ "policy memguard budgets=5\n", "line 1:", "policy memguard has no parameter 'budgets'" },
	{ "policy rm budget=5\n", "line 1:", "policy rm has no parameter 'budget'" },
	{ "policy memguard budget=0\n", "line 1:", "bad budget '0': LLC misses per regulation period" },
	{ "policy memguard budget=-3\n", "line 1:", "bad budget '-3'" },
	{ "policy memguard budget=\n", "line 1:", "bad budget ''" },
	{ "policy memguard budget=1.5\n", "line 1:", "bad budget '1.5'" },
	{ "policy memguard budget=99999999999999999999999\n", "line 1:", "bad budget" },
	{ "policy memguard period_us=99\n", "line 1:", "100..1000000" },
	{ "policy memguard period_us=1000001\n", "line 1:", "100..1000000" },
	{ "policy memguard budget=5 budget=6\n", "line 1:", "'budget' given twice" },
	{ "policy memguard budget=5\npolicy memguard budget=6\n", "line 2:", "second policy line" },
	{ "policy cache-aware polluter_mpki=0\n", "line 1:", "0.001..1000" },
	{ "policy cache-aware polluter_mpki=1.2345\n", "line 1:", "bad polluter_mpki" },
	{ "policy cache-aware polluter_mpki=5.\n", "line 1:", "bad polluter_mpki" },
	{ "policy cache-aware polluter_mpki=.5\n", "line 1:", "bad polluter_mpki" },
	{ "policy cache-aware polluter_mpki=1000.001\n", "line 1:", "0.001..1000" },
	{ "policy cache-aware sensitive_pct=101\n", "line 1:", "1..100" },
	{ "policy edf slice_us=9\n", "line 1:", "10..1000000" },
};

static void test_bad_inputs_name_the_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad *b = &bad_inputs[i];

		err[0] = '\0';
		if (taskset_parse(b->text, &ts, err, sizeof(err)) != -1)
			fail_msg("accepted bad input %zu: %s", i, b->text);
		if (strncmp(err, b->expect, strlen(b->expect)) != 0 || !strstr(err, b->fragment))
			fail_msg("input %zu (%s): message '%s' lacks '%s' ... '%s'", i, b->text, err,
				 b->expect, b->fragment);
	}
}

static void test_work_and_policy_lines(void **state)
{
	const char *text =
		"vcpu rt main 3000 10000\n"
		"thread j rt periodic 3000 10000 work=reuse:50:3\n"
		"vcpu be1 be\n"
		"thread s be1 busy work=stream:400\n"
		"thread c be1 busy work=compute:1\n"
		"thread p be1 busy\n"
		"policy memguard budget=2000 period_us=1000 slice_us=50\n"
		"policy cache-aware polluter_mpki=2.5 sensitive_pct=20\n"
		"policy rm slice_us=100\n";
	(void)state;
	assert_int_equal(taskset_parse(text, &ts, err, sizeof(err)), 0);
	assert_int_equal(ts.thread[0].work, TS_WORK_REUSE);
	assert_int_equal(ts.thread[0].ws_pct, 50);
	assert_int_equal(ts.thread[0].passes, 3);
	assert_int_equal(ts.thread[1].work, TS_WORK_STREAM);
	assert_int_equal(ts.thread[1].ws_pct, 400);
	assert_int_equal(ts.thread[1].passes, 1);
	assert_int_equal(ts.thread[2].work, TS_WORK_COMPUTE);
	assert_int_equal(ts.thread[3].work, TS_WORK_SPIN);
	assert_int_equal(ts.nparams, 6);
	const struct { const char *policy, *param; uint64_t value; } want[] = {
		{ "memguard", "budget", 2000 }, { "memguard", "period", 1000 },
		{ "memguard", "be_slice", 50 }, { "cache-aware", "polluter_mpki", 2500 },
		{ "cache-aware", "sensitive_pct", 20 }, { "rm", "be_slice", 100 },
	};
	for (unsigned i = 0; i < 6; i++) {
		assert_string_equal(sched_param_policy_name(ts.param[i].policy), want[i].policy);
		assert_string_equal(ts.param[i].spec->param, want[i].param);
		assert_int_equal(ts.param[i].value, want[i].value);
	}
	assert_int_equal(ts.param[1].spec->unit, SCHED_UNIT_US);
	assert_int_equal(ts.param[3].spec->unit, SCHED_UNIT_MILLI);
	/* Bounds are inclusive. */
	assert_int_equal(taskset_parse("policy cache-aware polluter_mpki=1000 sensitive_pct=100\n"
				       "policy memguard period_us=100 budget=1\n", &ts, err, sizeof err), 0);
	assert_int_equal(ts.param[0].value, 1000000);
}

/* The parameter table names exactly the policies the registry links. */
static void test_param_policies_match_the_registry(void **state)
{
	unsigned n = 0;
	(void)state;
	for (const struct sched_policy *p; (p = sched_policy_at(n)); n++)
		assert_true(sched_param_policy(p->name) >= 0);
	assert_null(sched_param_policy_name(n));
	/* Every parameter of a policy is one its set_param() (or the core) takes. */
	static const char *const keys[] = { "slice_us", "budget", "period_us", "polluter_mpki",
					    "sensitive_pct", "guard_us", "max_hold_pct" };
	for (unsigned i = 0; i < n; i++) {
		const struct sched_policy *p = sched_policy_lookup(sched_param_policy_name(i));
		static struct vcpu *slot[1];
		struct sched_core c;
		const char *why;
		assert_non_null(p);
		sched_core_init(&c, p, slot, 1, NULL);
		for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const struct sched_param_spec *s = sched_param_find(i, keys[k]);
			if (s && sched_core_set_param(&c, s->param, s->max, &why) != 0)
				fail_msg("%s: %s=%llu refused: %s", p->name, keys[k],
					 (unsigned long long)s->max, why);
		}
	}
}

static void test_overlong_line_rejected(void **state)
{
	char text[700];

	(void)state;
	memset(text, ' ', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(taskset_parse(text, &ts, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_bad_inputs_name_the_line),
		cmocka_unit_test(test_overlong_line_rejected),
		cmocka_unit_test(test_work_and_policy_lines),
		cmocka_unit_test(test_param_policies_match_the_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
