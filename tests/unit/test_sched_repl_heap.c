/* The core's replenishment heap (sched/repl_heap.c): after any sequence of
 * inserts, moves and removals its top is the earliest pending time, and
 * every VCPU knows its place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "repl_heap.h"
#include "../../lib/xorshift.h"

#define N SCHED_CORE_MAX_SLOTS

static struct vcpu v[N];
static uint64_t want[N]; /* what each VCPU's next replenishment was set to */
static struct repl_heap h;

static void check(void)
{
	uint64_t min = SCHED_NEVER;
	unsigned queued = 0;

	for (unsigned i = 0; i < N; i++) {
		if (want[i] < min)
			min = want[i];
		if (want[i] == SCHED_NEVER) {
			assert_int_equal(v[i].repl_pos, 0);
			continue;
		}
		queued++;
		assert_true(v[i].repl_pos >= 1 && v[i].repl_pos <= h.n);
		assert_ptr_equal(h.e[v[i].repl_pos - 1].v, &v[i]);
		assert_int_equal(h.e[v[i].repl_pos - 1].at, want[i]);
	}
	assert_int_equal(h.n, queued);
	assert_int_equal(repl_heap_min(&h), min);
	if (queued)
		assert_int_equal(want[repl_heap_top(&h) - v], min);
	else
		assert_null(repl_heap_top(&h));
	for (unsigned i = 1; i < h.n; i++)
		assert_true(h.e[(i - 1) / 2].at <= h.e[i].at);
}

static void test_random_updates_keep_the_earliest_on_top(void **state)
{
	uint64_t seed = 42;

	(void)state;
	repl_heap_init(&h);
	for (unsigned i = 0; i < N; i++) {
		vcpu_init_main(&v[i], "v", 1, 10);
		want[i] = SCHED_NEVER;
	}
	check();
	for (unsigned step = 0; step < 20000; step++) {
		unsigned i = (unsigned)(xorshift64(&seed) % N);
		uint64_t r = xorshift64(&seed);

		/* A quarter removals; small times so that ties happen. */
		want[i] = r % 4 == 0 ? SCHED_NEVER : (r >> 8) % 200;
		repl_heap_set(&h, &v[i], want[i]);
		check();
	}
}

static void test_draining_in_order(void **state)
{
	uint64_t last = 0;

	(void)state;
	repl_heap_init(&h);
	for (unsigned i = 0; i < N; i++) {
		vcpu_init_main(&v[i], "v", 1, 10);
		repl_heap_set(&h, &v[i], (i * 37) % N);
	}
	while (repl_heap_top(&h)) {
		uint64_t at = repl_heap_min(&h);

		assert_true(at >= last);
		last = at;
		repl_heap_set(&h, repl_heap_top(&h), SCHED_NEVER);
	}
	assert_int_equal(repl_heap_min(&h), SCHED_NEVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_updates_keep_the_earliest_on_top),
		cmocka_unit_test(test_draining_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
