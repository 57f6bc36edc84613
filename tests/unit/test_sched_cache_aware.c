/* cache-aware: best effort ordered, and polluters held back within a cap, by
 * what other cores run and release; reservations untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched/core.h"

#define MS 1000000ull
#define LINES 131072ull

static struct sched_core core;
static struct vcpu *slot[8];
static struct vcpu rt, streamer, quiet;
static struct cache_board board;

/* This core is 0 of a 2-core board; core 1 runs whatever the test says. */
static int setup(void **state)
{
	struct sched_verdict why;
	const char *err;
	(void)state;
	sched_core_init(&core, sched_policy_lookup("cache-aware"), slot, 8, NULL);
	assert_int_equal(sched_core_set_param(&core, "llc_lines", LINES, &err), 0);
	board = (struct cache_board){ .ncores = 2 };
	core.board = &board;
	core.board_self = 0;
	assert_int_equal(vcpu_init_main(&rt, "rt", 2 * MS, 10 * MS), 0);
	vcpu_init_be(&streamer, "streamer");
	vcpu_init_be(&quiet, "quiet");
	assert_int_equal(sched_core_admit(&core, &rt, &why), 0);
	assert_int_equal(sched_core_admit(&core, &streamer, &why), 0);
	assert_int_equal(sched_core_admit(&core, &quiet, &why), 0);
	return 0;
}

static void sample(struct vcpu *v, uint64_t misses, uint64_t insns, uint64_t fills)
{
	struct sched_pmc_sample s = { .t = 1, .instructions = insns, .llc_refs = misses,
				      .llc_misses = misses, .llc_fills_global = fills };
	sched_core_pmc_sample(&core, v, &s);
}

static void set(const char *name, uint64_t value)
{
	const char *why;
	assert_int_equal(sched_core_set_param(&core, name, value, &why), 0);
}

/* streamer: 40 MPKI; quiet: 0.1 MPKI; the streamer has run less so far. */
static void measured(void)
{
	sample(&streamer, 40000, 1000000, 40000);
	sample(&quiet, 100, 1000000, 40100);
	quiet.stats.used = 5 * MS;
	sched_core_wake(&core, &streamer, 0, 0);
	sched_core_wake(&core, &quiet, 0, 0);
}

static void sensitive_peer_keeps_polluters_back(void **state)
{
	uint64_t timer;
	(void)state;
	measured();
	set("max_hold_pct", 100);   /* no cap: the order alone */
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .mpki_milli = 200, .occupancy_lines = LINES / 2 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &quiet);
	assert_int_equal(board.core[0].kind, CACHE_BOARD_BEST_EFFORT);
	assert_int_equal(board.core[0].mpki_milli, 100);
}

static void without_sensitive_peer_least_service_first(void **state)
{
	uint64_t timer;
	(void)state;
	measured();
	/* A reserved peer holding little (< 12% of the LLC), or a best-effort
	 * one, is not sensitive. */
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .mpki_milli = 200, .occupancy_lines = LINES / 9 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .mpki_milli = 200, .occupancy_lines = 10 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
	board.core[1].kind = CACHE_BOARD_BEST_EFFORT;
	board.core[1].occupancy_lines = LINES / 2;
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
}

/* A reuser whose lines other cores evict misses like a streamer: a high
 * MPKI must not cost a reserved VCPU its protection. */
static void evicted_reuser_stays_protected(void **state)
{
	uint64_t timer;
	(void)state;
	measured();
	set("max_hold_pct", 100);
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .mpki_milli = 30000, .occupancy_lines = LINES / 4 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &quiet);
}

/* Without the LLC size nothing can be judged sensitive. */
static void unknown_llc_size_means_fair_sharing(void **state)
{
	uint64_t timer;
	(void)state;
	measured();
	core.llc_lines = 0;
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .occupancy_lines = LINES / 2 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
}

static void reservations_always_win(void **state)
{
	uint64_t timer;
	(void)state;
	measured();
	sched_core_wake(&core, &rt, 0, 0);
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .mpki_milli = 200, .occupancy_lines = LINES / 2 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &rt);
	assert_int_equal(board.core[0].kind, CACHE_BOARD_RESERVED);
}

static void work_conserving_with_only_polluters(void **state)
{
	uint64_t timer;
	(void)state;
	sample(&streamer, 40000, 1000000, 40000);
	sched_core_wake(&core, &streamer, 0, 0);
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .mpki_milli = 200, .occupancy_lines = LINES / 2 };
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
}

static void samples_feed_the_estimate(void **state)
{
	(void)state;
	sample(&streamer, 20000, 1000000, 20000);
	assert_int_equal(streamer.mpki_milli, 20000);
	assert_true(llc_estimate_lines(&streamer.llc) > 18000 && llc_estimate_lines(&streamer.llc) <= 20000);
	sample(&quiet, 0, 1000, 20000 + LINES);       /* others filled the whole cache */
	sample(&streamer, 0, 1000, 20000 + LINES);
	assert_true(llc_estimate_lines(&streamer.llc) < 8000);
}

/* A short sample (a few thousand instructions, mostly the kernel refilling
 * its lines) does not make a CPU-bound VCPU a polluter: MPKI is taken over
 * whole windows of SCHED_MPKI_WINDOW instructions. */
static void short_samples_do_not_set_mpki_alone(void **state)
{
	(void)state;
	sample(&quiet, 10, 1000000, 0);               /* 0.01 MPKI */
	assert_int_equal(quiet.mpki_milli, 10);
	sample(&quiet, 60, 3000, 0);                  /* 20 MPKI, but 3,000 instructions */
	assert_int_equal(quiet.mpki_milli, 10);
	sample(&quiet, 40, SCHED_MPKI_WINDOW - 3000, 0); /* the window: 100 in 50,000 */
	assert_int_equal(quiet.mpki_milli, 2000);
	sample(&streamer, 2000, 100000, 0);           /* a real polluter, in one sample */
	assert_int_equal(streamer.mpki_milli, 20000);
}

/* Core 1's sensitive reservation, as its board entry shows it between jobs. */
static void peer_reservation(uint64_t release, int running)
{
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_IDLE,
						    .guard_lines = LINES / 2,
						    .guard_release = release,
						    .guard_running = (uint64_t)running };
}


/* Only a polluter runnable: it runs until the guard window before the peer's
 * release, then the core idles (the allowance permitting), and runs it again
 * once the window has passed without the job starting. */
static void holds_a_polluter_in_the_guard_window(void **state)
{
	uint64_t timer;
	(void)state;
	sample(&streamer, 40000, 1000000, 40000);
	sched_core_wake(&core, &streamer, 0, 0);
	set("guard", 1 * MS);
	set("max_hold_pct", 50);
	peer_reservation(10 * MS, 0);
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
	assert_ptr_equal(sched_core_schedule(&core, 8 * MS, &timer), &streamer);
	assert_null(sched_core_schedule(&core, 9 * MS + MS / 2, &timer));
	assert_int_equal(board.core[0].kind, CACHE_BOARD_IDLE);
	assert_true(timer > 9 * MS + MS / 2 && timer != SCHED_NEVER);  /* the hold ends */
	assert_ptr_equal(sched_core_schedule(&core, 11 * MS, &timer), &streamer);
	/* A job in progress is guarded whatever its release said. */
	peer_reservation(10 * MS, 1);
	assert_null(sched_core_schedule(&core, 12 * MS, &timer));
	/* With a non-polluter runnable the core runs it instead of idling. */
	sched_core_wake(&core, &quiet, 12 * MS, 0);
	quiet.mpki_milli = 100;
	assert_ptr_equal(sched_core_schedule(&core, 12 * MS, &timer), &quiet);
	/* A peer holding little of the LLC is not worth idling for. */
	board.core[1].guard_lines = LINES / 9;
	sched_core_block(&core, &quiet, 12 * MS);
	assert_ptr_equal(sched_core_schedule(&core, 12 * MS, &timer), &streamer);
}

/* Run only a polluter next to a peer always guarded, decision after
 * decision at the times the core asks for: idle time stays within the cap
 * (and the cap is used: the rule does hold), and 0 means never idle. */
static uint64_t idle_share_pct(uint64_t cap)
{
	uint64_t t = 0, idle = 0, timer;
	sample(&streamer, 40000, 1000000, 40000);
	sched_core_wake(&core, &streamer, 0, 0);
	set("max_hold_pct", cap);
	set("be_slice", MS / 10);
	peer_reservation(SCHED_NEVER / 2, 1);
	while (t < 100 * MS) {
		struct vcpu *v = sched_core_schedule(&core, t, &timer);
		assert_true(timer > t && timer != SCHED_NEVER);
		if (!v)
			idle += timer - t;
		t = timer;
		assert_true(idle * 100 <= cap * t);
	}
	return idle * 100 / t;
}

/* Running a non-polluter in a polluter's fair turn is capped the same way:
 * once the allowance is spent, the polluter gets its turn. */
static void displacing_a_polluter_is_capped(void **state)
{
	uint64_t timer, t = 0, streamer_time = 0;
	(void)state;
	measured();
	set("max_hold_pct", 10);
	set("be_slice", MS / 10);
	peer_reservation(SCHED_NEVER / 2, 1);
	quiet.stats.used = 0;
	while (t < 100 * MS) {
		struct vcpu *v = sched_core_schedule(&core, t, &timer);
		if (v == &streamer)
			streamer_time += timer - t;
		t = timer;
	}
	/* The rule did keep it back for the whole allowance (behind_cycles,
	 * the policy's second statistic: held and not made up), and its loss
	 * against its fair 50% stays within the cap: held time counts against
	 * it, time it runs in the other's place back for it, so it gets at
	 * about (100 - 10) / 2 %. */
	const char *name;
	uint64_t held, behind;
	assert_int_equal(core.policy->stat(&core, 0, &name, &held), 0);
	assert_string_equal(name, "hold_cycles");
	assert_int_equal(core.policy->stat(&core, 1, &name, &behind), 0);
	assert_string_equal(name, "behind_cycles");
	assert_in_range(behind * 100 / t, 9, 10);
	assert_true(held > behind);
	assert_in_range(streamer_time * 1000 / t, 440, 500);
}

/* A peer whose 3 ms job comes every 10 ms: the polluter is kept away for
 * the whole job (the quiet VCPU runs instead) and makes its time up
 * between jobs, so it loses nothing over whole periods. */
static void polluter_makes_up_between_jobs(void **state)
{
	uint64_t timer, t = 0, during = 0, streamer_time = 0, behind;
	const char *name;
	(void)state;
	measured();
	quiet.stats.used = 0;
	set("max_hold_pct", 10);
	set("be_slice", MS / 10);
	while (t < 200 * MS) {
		uint64_t p = t / (10 * MS) * 10 * MS;
		int job = t - p < 3 * MS;
		peer_reservation(p + 10 * MS, job);
		struct vcpu *v = sched_core_schedule(&core, t, &timer);
		if (timer > p + (job ? 3 * MS : 10 * MS))
			timer = p + (job ? 3 * MS : 10 * MS);   /* the peer's job starts or ends */
		if (v == &streamer) {
			streamer_time += timer - t;
			during += job && t >= 40 * MS ? timer - t : 0;
		}
		t = timer;
	}
	assert_int_equal(during, 0);
	assert_in_range(streamer_time * 1000 / t, 480, 520);
	assert_int_equal(core.policy->stat(&core, 1, &name, &behind), 0);
	assert_true(behind * 100 <= 1 * t);
}

static void never_holds_beyond_the_cap(void **state)
{
	(void)state;
	assert_in_range(idle_share_pct(10), 9, 10);   /* the cap is reached, never passed */
}

static void zero_cap_never_idles(void **state)
{
	(void)state;
	assert_int_equal(idle_share_pct(0), 0);
}

/* The core publishes its sensitive reservation's next release and whether
 * its job is running, idle or not. */
static void publishes_release_and_job(void **state)
{
	uint64_t timer;
	(void)state;
	sample(&rt, 40000, 1000000, 40000);   /* holds ~30% of the LLC */
	sched_core_wake(&core, &rt, 3 * MS, 0);
	assert_ptr_equal(sched_core_schedule(&core, 3 * MS, &timer), &rt);
	assert_int_equal(board.core[0].guard_running, 1);
	assert_int_equal(board.core[0].guard_release, 13 * MS);
	assert_true(board.core[0].guard_lines >= LINES / 8);
	sched_core_block(&core, &rt, 4 * MS);
	assert_null(sched_core_schedule(&core, 4 * MS, &timer));
	assert_int_equal(board.core[0].guard_running, 0);
	assert_int_equal(board.core[0].guard_release, 13 * MS);
}

/* The guard is judged on the reservation's peak over its last job: a job
 * that starts after the gap's fills evicted its lines (a low estimate of
 * the moment) stays guarded; only a whole activation below the threshold
 * withdraws it. */
static void guard_holds_across_a_release(void **state)
{
	uint64_t timer, fills = 40000;
	(void)state;
	sched_core_wake(&core, &rt, 0, 0);
	sample(&rt, 40000, 1000000, fills);          /* its job loads ~30% of the LLC */
	sched_core_block(&core, &rt, 4 * MS);
	sched_core_wake(&core, &rt, 10 * MS, 0);
	fills += 20 * LINES;                          /* the gap: others refill the LLC */
	sample(&rt, 100, 1000000, fills);
	assert_true(llc_estimate_lines(&rt.llc) < LINES / 100);
	assert_ptr_equal(sched_core_schedule(&core, 11 * MS, &timer), &rt);
	assert_int_equal(board.core[0].guard_running, 1);
	assert_true(board.core[0].guard_lines >= LINES / 4);
	/* A second activation that never holds much: the guard is withdrawn. */
	sched_core_block(&core, &rt, 12 * MS);     /* within its 2 ms budget */
	sched_core_wake(&core, &rt, 20 * MS, 0);
	fills += 20 * LINES;
	sample(&rt, 100, 1000000, fills);
	assert_ptr_equal(sched_core_schedule(&core, 21 * MS, &timer), &rt);
	assert_int_equal(board.core[0].guard_lines, 0);
}

/* A VCPU dispatched after a long absence: applying the fills of the gap
 * first leaves its job's own misses in its estimate; counted together with
 * them, the gap's fills would wipe the job's lines out of the estimate too. */
static void catch_up_keeps_a_jobs_lines(void **state)
{
	uint64_t gap = 40000 + 10 * LINES, end = gap + 8000;
	(void)state;
	sample(&rt, 40000, 1000000, 40000);
	sample(&quiet, 40000, 1000000, 40000);
	sched_core_llc_catch_up(&core, &rt, 0);          /* fills unknown: nothing */
	assert_int_equal(llc_estimate_lines(&rt.llc), llc_estimate_lines(&quiet.llc));
	sched_core_llc_catch_up(&core, &rt, gap);
	assert_true(llc_estimate_lines(&rt.llc) < 100);  /* the gap evicted it */
	sample(&rt, 8000, 1000000, end);
	sample(&quiet, 8000, 1000000, end);
	assert_in_range(llc_estimate_lines(&rt.llc), 7500, 8100);
	assert_true(llc_estimate_lines(&quiet.llc) < LINES / 100);
}

static void parameters(void **state)
{
	const char *why = NULL;
	(void)state;
	assert_int_equal(sched_core_set_param(&core, "polluter_mpki", 0, &why), -1);
	assert_int_equal(sched_core_set_param(&core, "llc", 5, &why), -1);
	assert_non_null(why);
	assert_int_equal(sched_core_set_param(&core, "sensitive_lines", 100, &why), -1);
	assert_int_equal(sched_core_set_param(&core, "sensitive_pct", 101, &why), -1);
	assert_int_equal(sched_core_set_param(&core, "sensitive_pct", 0, &why), -1);
	assert_int_equal(sched_core_set_param(&core, "llc_lines", 0, &why), -1);
	assert_int_equal(sched_core_set_param(&core, "max_hold_pct", 101, &why), -1);
	assert_int_equal(sched_core_set_param(&core, "max_hold_pct", 0, &why), 0);
	assert_int_equal(sched_core_set_param(&core, "guard", 0, &why), 0);
	/* Valid values take effect: a 60% threshold makes a half-LLC peer harmless. */
	assert_int_equal(sched_core_set_param(&core, "sensitive_pct", 60, &why), 0);
	measured();
	board.core[1] = (struct cache_board_entry){ .kind = CACHE_BOARD_RESERVED,
						    .occupancy_lines = LINES / 2 };
	uint64_t timer;
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);
	assert_int_equal(sched_core_set_param(&core, "polluter_mpki", 50000, &why), 0);
	assert_int_equal(sched_core_set_param(&core, "sensitive_pct", 12, &why), 0);
	assert_ptr_equal(sched_core_schedule(&core, 0, &timer), &streamer);  /* 40 MPKI: no polluter now */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(sensitive_peer_keeps_polluters_back, setup),
		cmocka_unit_test_setup(without_sensitive_peer_least_service_first, setup),
		cmocka_unit_test_setup(reservations_always_win, setup),
		cmocka_unit_test_setup(work_conserving_with_only_polluters, setup),
		cmocka_unit_test_setup(evicted_reuser_stays_protected, setup),
		cmocka_unit_test_setup(unknown_llc_size_means_fair_sharing, setup),
		cmocka_unit_test_setup(short_samples_do_not_set_mpki_alone, setup),
		cmocka_unit_test_setup(samples_feed_the_estimate, setup),
		cmocka_unit_test_setup(holds_a_polluter_in_the_guard_window, setup),
		cmocka_unit_test_setup(never_holds_beyond_the_cap, setup),
		cmocka_unit_test_setup(polluter_makes_up_between_jobs, setup),
		cmocka_unit_test_setup(displacing_a_polluter_is_capped, setup),
		cmocka_unit_test_setup(zero_cap_never_idles, setup),
		cmocka_unit_test_setup(publishes_release_and_job, setup),
		cmocka_unit_test_setup(guard_holds_across_a_release, setup),
		cmocka_unit_test_setup(catch_up_keeps_a_jobs_lines, setup),
		cmocka_unit_test_setup(parameters, setup),
	};
	return cmocka_run_group_tests_name("cache-aware", tests, NULL, NULL);
}
