/* The core's replenishment tree (sched/repl_tree.c): after any sequence of
 * changes its root is the earliest pending replenishment, ties going to the
 * lower slot, for any number of slots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/repl_tree.h"
#include "lib/xorshift.h"

static void check(const struct repl_tree *t, const uint64_t *want, unsigned n)
{
	unsigned best = 0;

	for (unsigned i = 1; i < n; i++)
		if (want[i] < want[best])
			best = i;
	assert_int_equal(repl_tree_min(t), want[best]);
	if (want[best] != SCHED_NEVER)
		assert_int_equal(repl_tree_top(t), best);
}

static void test_random_changes_keep_the_earliest_at_the_root(void **state)
{
	static const unsigned sizes[] = { 1, 2, 3, 5, 17, SCHED_CORE_MAX_SLOTS };
	uint64_t seed = 42;

	(void)state;
	for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		unsigned n = sizes[s];
		uint64_t want[SCHED_CORE_MAX_SLOTS];
		struct repl_tree t;

		repl_tree_init(&t, n);
		for (unsigned i = 0; i < n; i++)
			want[i] = SCHED_NEVER;
		check(&t, want, n);
		for (unsigned step = 0; step < 5000; step++) {
			unsigned i = (unsigned)(xorshift64(&seed) % n);
			uint64_t r = xorshift64(&seed);

			/* A quarter none; small times so that ties happen. */
			want[i] = r % 4 == 0 ? SCHED_NEVER : (r >> 8) % 50;
			repl_tree_set(&t, i, want[i]);
			check(&t, want, n);
		}
	}
}

static void test_draining_in_order_lower_slot_first_on_ties(void **state)
{
	struct repl_tree t;
	uint64_t last = 0;
	unsigned last_slot = 0, n = 0;

	(void)state;
	repl_tree_init(&t, 40);
	for (unsigned i = 0; i < 40; i++)
		repl_tree_set(&t, i, i % 8);
	while (repl_tree_min(&t) != SCHED_NEVER) {
		uint64_t at = repl_tree_min(&t);
		unsigned slot = repl_tree_top(&t);

		assert_true(at > last || (at == last && (n == 0 || slot > last_slot)));
		last = at;
		last_slot = slot;
		repl_tree_set(&t, slot, SCHED_NEVER);
		n++;
	}
	assert_int_equal(n, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_changes_keep_the_earliest_at_the_root),
		cmocka_unit_test(test_draining_in_order_lower_slot_first_on_ties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
