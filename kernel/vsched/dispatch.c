/* VCPU scheduling dispatch (see dispatch.h). */
#include "kernel/vsched/dispatch.h"
#include "kernel/cmdline.h"
#include "kernel/vectors.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/kpmc.h"
#include "kernel/vsched/report.h"
#include "kernel/vsched/setup.h"
#include "kernel/vsched/trace.h"
#include "include/questv/vpmu.h"
#include "lib/lapic.h"
#include "lib/xorshift.h"

static unsigned ready_threads[TS_MAX_VCPUS];
static struct thread *current;       /* 0 while the boot context runs */
static uint64_t current_act;          /* its VCPU's activation when dispatched */
static struct trap_frame *boot_frame;
static uint64_t start_at, end_at;
static uint64_t timer_due;            /* the instant the timer is armed for */
static uint64_t timer_step;           /* longest one-shot, cycles (0: no limit) */
static uint64_t rng = 0x2545F4914F6CDD1Dull;
static bool running;
static bool yield_turn;           /* arg yield_turn: see vsched_timer */

static unsigned vcpu_index(const struct vcpu *v) { return (unsigned)(v - vs.vcpus); }

/* Gap before the next I/O burst: uniform in [1, 2 * mean], mean as asked. */
static uint64_t io_gap(uint64_t mean)
{
	return 1 + xorshift64(&rng) % (2 * mean);
}

/* t has work since `since` (its release: the interrupt that notices it
 * comes later, and the VCPU's activation must not drift by that delay). */
static void thread_became_ready(struct thread *t, uint64_t since)
{
	t->ready = true;
	if (ready_threads[t->vcpu]++ == 0)
		sched_core_wake(&vs.core, &vs.vcpus[t->vcpu], since,
				vs.vcpus[t->vcpu].kind == VCPU_IO ? vs.io_period : 0);
}

/* The thread's next job begins (readiness is the caller's business). */
static void start_job(struct thread *t)
{
	t->release = t->next_release;
	/* Periodic jobs are due at the next release; I/O bursts have no deadline. */
	t->deadline = t->spec->kind == TS_PERIODIC ? t->release + t->period : SCHED_NEVER;
	t->next_release += t->spec->kind == TS_PERIODIC ? t->period : io_gap(t->period);
	t->job_service = 0;
	t->missed = false;
	t->release_cycles = kpmc_cycles();
}

/* Releases due by now; a job still running at its next release has missed. */
static void release_due(uint64_t now)
{
	unsigned i;
	for (i = 0; i < vs.nthreads; i++) {
		struct thread *t = &vs.threads[i];
		if (t->next_release > now)
			continue;
		if (!t->ready) {
			start_job(t);
			thread_became_ready(t, t->release);
		} else if (!t->missed && now > t->deadline) {
			t->missed = true;
			t->misses++;
		}
	}
}

/* The running thread finished its job at now. */
static void job_done(struct thread *t, uint64_t now)
{
	uint64_t response = now - t->release;
	/* Percentiles leave out the first job: it starts on a cold cache
	 * whatever the policy (max_response keeps every job). */
	if (t->jobs >= 1 && t->jobs - 1 < THREAD_RESPONSES) {
		t->response[t->jobs - 1] = response;
		t->model_response[t->jobs - 1] = kpmc_cycles() - t->release_cycles;
	}
	t->jobs++;
	if (t->job_service > t->cost)
		t->over_cost++;
	if (response > t->max_response)
		t->max_response = response;
	if (now > t->deadline && !t->missed) {
		t->misses++;
		vtrace_miss(vs.ts.vcpu[t->vcpu].name, t->spec->name, t->release, t->deadline, now);
	}
	if (t->next_release <= now) {
		start_job(t);           /* the next job is already released: stay ready */
		return;
	}
	t->ready = false;
	if (--ready_threads[t->vcpu] == 0)
		sched_core_block(&vs.core, &vs.vcpus[t->vcpu], now);
}

/* Round robin among v's ready threads, starting after the last one run. */
static struct thread *pick_thread(struct vcpu *v)
{
	static unsigned last;
	unsigned i, idx = vcpu_index(v);
	for (i = 1; i <= vs.nthreads; i++) {
		struct thread *t = &vs.threads[(last + i) % vs.nthreads];
		if (t->vcpu == idx && t->ready) {
			last = (unsigned)(t - vs.threads);
			return t;
		}
	}
	return &vs.idle;
}

/* The next release of a waiting thread (a ready one picks up its next
 * release when its current job is done). */
static uint64_t earliest_release(void)
{
	uint64_t at = SCHED_NEVER;
	unsigned i;
	for (i = 0; i < vs.nthreads; i++)
		if (!vs.threads[i].ready && vs.threads[i].next_release < at)
			at = vs.threads[i].next_release;
	return at;
}

/* Program the one-shot towards timer_due, at most timer_step ahead (arg
 * timer_step_us). Under QEMU -icount, TCG runs the vCPUs round robin, each
 * turn until the next timer of any of them, and a vCPU whose timer expired
 * takes the interrupt only after the vCPUs before it ran their turn: a far
 * deadline on the other cores delays this core's interrupt. Short steps on
 * every core keep the turns, and so the lateness, short. */
static void program_timer(uint64_t now)
{
	uint64_t at = timer_step && timer_due > now + timer_step ? now + timer_step : timer_due;
	uint64_t count = at <= now ? 1 : sched_muldiv(at - now, kinfo.lapic_hz, kinfo.tsc_hz, 1);
	lapic_write(LAPIC_TIMER_INIT, count > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)(count ? count : 1));
}

static void arm_timer(uint64_t now, uint64_t at)
{
	timer_due = at;
	program_timer(now);
}

/* The vPMU tag of VCPU i's LLC fills: its own for the first few VCPUs
 * (their estimates are checked against it), the shared tag 0 for the
 * rest, the idle thread and the kernel. */
static uint32_t llc_tag(unsigned i)
{
	return i + 1 < VPMU_LLC_TAGS ? i + 1 : 0;
}

/* Hand VCPU i's sample to the scheduler (which updates its occupancy
 * estimate) and, where the vPMU knows its true occupancy, note the error. */
static void account_sample(unsigned i, const struct sched_pmc_sample *s)
{
	uint64_t truth;
	sched_core_pmc_sample(&vs.core, &vs.vcpus[i], s);
	if (vs.core.llc_lines && s->llc_fills_global && llc_tag(i) && kpmc_llc_truth(llc_tag(i), &truth))
		vstats_error_add(&vs.est_error[i], llc_estimate_lines(&vs.vcpus[i].llc), truth);
}

/* The run starts: every VCPU's occupancy estimate starts empty, counting
 * global fills from now (not from QEMU's start: the first period would
 * otherwise span every fill of the boot). */
static void start_estimates(const struct sched_pmc_sample *s)
{
	for (unsigned i = 0; i < vs.ts.nvcpus; i++)
		llc_estimate_init(&vs.vcpus[i].llc, s->llc_fills_global);
}

/* Save the interrupted context, account for it, pick and arm the next. */
static struct trap_frame *reschedule(struct trap_frame *f, bool job_finished)
{
	uint64_t now = rdtsc(), timer_at, next, misses_left;
	struct sched_pmc_sample pmc;
	struct vcpu *v;
	bool sampled = kpmc_sample(now, &pmc);

	/* The counts since the last switch belong to the VCPU that ran; those
	 * before the run's first decision, to none. */
	if (sampled) {
		if (!current)
			start_estimates(&pmc);
		else if (current != &vs.idle)
			account_sample(current->vcpu, &pmc);
	}
	if (!current) {
		boot_frame = f;
	} else {
		uint64_t ran = now - current->dispatched_at;
		current->frame = f;
		if (current == &vs.idle) {
			vs.idle_cycles += ran;
			vtrace_idle(current->dispatched_at, now, sampled ? &pmc : 0);
		} else {
			vtrace_run(vs.ts.vcpu[current->vcpu].name, current->spec->name,
				   current->dispatched_at, now, current_act, sampled ? &pmc : 0);
			current->service += ran;
			current->job_service += ran;
			if (job_finished)
				job_done(current, now);
		}
	}
	release_due(now);
	if (now >= end_at) {
		lapic_write(LAPIC_TIMER_INIT, 0);
		sched_core_schedule(&vs.core, now, &timer_at); /* final charge */
		running = false;
		current = 0;
		return boot_frame;
	}
	v = sched_core_schedule(&vs.core, now, &timer_at);
	if (v && sampled)
		sched_core_llc_catch_up(&vs.core, v, pmc.llc_fills_global);
	kpmc_set_llc_tag(v ? llc_tag(vcpu_index(v)) : 0);
	current = v ? pick_thread(v) : &vs.idle;
	current_act = v ? v->act : 0;
	next = earliest_release();
	if (timer_at < next)
		next = timer_at;
	if (end_at < next)
		next = end_at;
	arm_timer(now, next);
	if ((misses_left = sched_core_miss_budget(&vs.core)) != SCHED_NEVER)
		kpmc_arm_miss_budget(misses_left);
	current->dispatched_at = now;
	return current->frame;
}

/* With yield_turn, every timer interrupt ends this vCPU's turn in QEMU's
 * single-threaded round robin (TCG's PAUSE does that). Under -icount a turn
 * otherwise lasts until the next timer deadline of any vCPU, and the vCPU
 * after the one that reached it gets an empty turn (it only runs the due
 * timers), so the rotation skips every second vCPU; which ones starve
 * depends on who halts. Ending turns at interrupts, with timer steps on
 * every core, shares virtual time among the busy vCPUs more evenly. */
struct trap_frame *vsched_timer(struct trap_frame *f)
{
	uint64_t now = rdtsc();
	struct trap_frame *next = f;
	if (!running)
		return f;
	if (now < timer_due) {          /* a step towards it (or the 32-bit count ran out) */
		program_timer(now);
	} else {
		if (now > timer_due && now - timer_due > vs.max_timer_late)
			vs.max_timer_late = now - timer_due;
		next = reschedule(f, false);
	}
	if (yield_turn)
		cpu_relax();
	return next;
}

struct trap_frame *vsched_pmi(struct trap_frame *f)
{
	if (!running || !kpmc_overflowed())
		return f;
	vs.pmi_decisions++;
	return reschedule(f, false);
}

struct trap_frame *vsched_yield(struct trap_frame *f)
{
	if (!running || current == &vs.idle)
		return f;
	/* From the boot context: start scheduling; from a thread: job done. */
	return reschedule(f, current != 0);
}

void vsched_run(uint64_t ms)
{
	unsigned i;
	uint64_t now;

	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);   /* one-shot */
	now = rdtsc();
	start_at = now;
	end_at = now + sched_muldiv(ms, kinfo.tsc_hz, 1000, 0);
	timer_step = sched_muldiv(arg_u64("timer_step_us", 0), kinfo.tsc_hz, 1000000, 0);
	yield_turn = arg_present("yield_turn");
	if (arg_present("trace"))
		vtrace_start(now, vs.cycles_per_us);
	for (i = 0; i < vs.nthreads; i++)
		vs.threads[i].next_release = vs.threads[i].spec->kind == TS_BUSY ? SCHED_NEVER : now;
	for (i = 0; i < vs.nthreads; i++)
		if (vs.threads[i].spec->kind == TS_BUSY)
			thread_became_ready(&vs.threads[i], now);
	running = true;
	/* Enter the scheduler as if the boot context had been preempted; it
	 * comes back here when the run's time is up. */
	__asm__ volatile("int %0" :: "i"(VEC_YIELD) : "memory");
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	vsched_report(end_at - start_at);
}

