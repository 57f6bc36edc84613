/* VCPU scheduling in the sandbox kernel (see vsched.h). */
#include "vsched.h"
#include "kernel.h"
#include "irq.h"
#include "kpmc.h"
#include "thread.h"
#include "vsched_stats.h"
#include "shared.h"
#include "vsched_trace.h"
#include "../lib/string.h"
#include "../pmc/vpmu_abi.h"
#include "../lib/lapic.h"
#include "../lib/record.h"
#include "../lib/xorshift.h"
#include "../sched/core.h"
#include "../sched/taskset.h"
#include "../sched/policy_params.h"

#define IO_DEFAULT_PERIOD_US 10000  /* Quest's I/O VCPU default, without a Main VCPU */
#define BOARD_REGION "cacheboard"   /* the shared region holding the cache board */
#define BOARD_OFFSET SHARED_MARKS_BYTES

static struct taskset ts;
static struct vcpu vcpus[TS_MAX_VCPUS];
static bool admitted[TS_MAX_VCPUS];
static unsigned ready_threads[TS_MAX_VCPUS];
static struct vcpu *slots[TS_MAX_VCPUS];
static struct sched_core core;
static struct thread threads[MAX_THREADS];
static unsigned nthreads;
static struct thread idle;

static struct thread *current;       /* 0 while the boot context runs */
static uint64_t current_act;          /* its VCPU's activation when dispatched */
static struct trap_frame *boot_frame;
static uint64_t start_at, end_at, idle_cycles;
static uint64_t timer_due, max_timer_late;  /* how late timer interrupts arrive */
static uint64_t pmi_decisions;               /* decisions a miss-budget overflow forced */
static uint32_t cycles_per_us;
static uint64_t io_period;
static uint64_t rng = 0x2545F4914F6CDD1Dull;
static bool running;
static struct vstats_error est_error[TS_MAX_VCPUS];  /* per VCPU, in lines */

const char *vsched_policy_name(void)
{
	const struct sched_policy *p = sched_policy_at(0);
	return p ? p->name : "none";
}

static unsigned vcpu_index(const struct vcpu *v) { return (unsigned)(v - vcpus); }

/* Gap before the next I/O burst: uniform in [1, 2 * mean], mean as asked. */
static uint64_t io_gap(uint64_t mean)
{
	return 1 + xorshift64(&rng) % (2 * mean);
}

/* A job is t's passes of its workload; a busy thread does passes forever. */
static void work_body(struct thread *t)
{
	for (;;) {
		for (uint32_t i = 0; t->spec->kind == TS_BUSY || i < t->spec->passes; i++)
			cache_work_pass(&t->work);
		__asm__ volatile("int %0" :: "i"(VEC_YIELD) : "memory");
	}
}

static void thread_body(struct thread *t)
{
	if (t->work.wl)
		work_body(t);
	for (;;) {
		uint64_t done;
		if (t->spec->kind == TS_BUSY) {
			cpu_relax();
			continue;
		}
		cli();
		done = t->job_service + (rdtsc() - t->dispatched_at);
		sti();
		if (done >= t->cost)
			__asm__ volatile("int %0" :: "i"(VEC_YIELD) : "memory");
	}
}

static void idle_body(struct thread *t)
{
	(void)t;
	for (;;)
		__asm__ volatile("sti; hlt" ::: "memory");
}

static void record_admission(const struct ts_vcpu *tv, const struct sched_verdict *why)
{
	struct record r;
	rec_begin(&r, "admit");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "vcpu", tv->name);
	rec_str(&r, "policy", vsched_policy_name());
	rec_str(&r, "result", why ? "rejected" : "admitted");
	if (why)
		rec_str(&r, "reason", why->reason);
	rec_end(&r);
}

static void admit_vcpus(void)
{
	unsigned i;
	for (i = 0; i < ts.nvcpus; i++) {
		const struct ts_vcpu *tv = &ts.vcpu[i];
		struct sched_verdict why = { 0 };
		int bad = 0;
		if (tv->kind == VCPU_MAIN)
			bad = vcpu_init_main(&vcpus[i], tv->name, sched_us_to_cycles(tv->c_us, cycles_per_us),
					     sched_us_to_cycles(tv->t_us, cycles_per_us));
		else if (tv->kind == VCPU_IO)
			bad = vcpu_init_io(&vcpus[i], tv->name, tv->u_ppm);
		else
			vcpu_init_be(&vcpus[i], tv->name);
		if (bad)
			why.reason = "budget or period out of range";
		else if (sched_core_admit(&core, &vcpus[i], &why) == 0)
			admitted[i] = true;
		record_admission(tv, admitted[i] ? 0 : &why);
	}
}

/*
 * The period an I/O VCPU inherits. The task set does not say which Main
 * VCPU's thread caused the I/O, so it is the first admitted Main VCPU's
 * (Quest's 10 ms default when there is none).
 */
static uint64_t inherited_io_period(void)
{
	unsigned i;
	for (i = 0; i < ts.nvcpus; i++)
		if (admitted[i] && ts.vcpu[i].kind == VCPU_MAIN)
			return vcpus[i].period;
	return sched_us_to_cycles(IO_DEFAULT_PERIOD_US, cycles_per_us);
}

static int sched_error(const char *msg)
{
	struct record r;
	rec_begin(&r, "sched_error");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "msg", msg);
	rec_end(&r);
	return -1;
}

/* Hand the policy parameter `spec` with value v (in the written unit). */
static int set_param(const struct sched_param_spec *spec, uint64_t v)
{
	const char *why;
	if (spec->unit == SCHED_UNIT_US)
		v = sched_us_to_cycles(v, cycles_per_us);
	return sched_core_set_param(&core, spec->param, v, &why) ? sched_error(why) : 0;
}

/*
 * Policy parameters: the table's defaults, then the task set's `policy`
 * line for the policy linked into this image (taskset.c checked names and
 * ranges; lines for other policies are ignored). The core also learns the
 * LLC size, for the occupancy estimate.
 */
static int set_policy_params(void)
{
	const struct sched_param_spec *spec;
	const char *why, *name = vsched_policy_name();
	uint64_t llc = kpmc_llc_lines();
	unsigned i;

	if (llc && sched_core_set_param(&core, "llc_lines", llc, &why))
		return sched_error(why);
	for (i = 0; (spec = sched_param_at(i)); i++)
		if (spec->dflt && sched_param_applies(spec, name) && set_param(spec, spec->dflt))
			return -1;
	for (i = 0; i < ts.nparams; i++)
		if (sched_name_is(sched_param_policy_name(ts.param[i].policy), name) &&
		    set_param(ts.param[i].spec, ts.param[i].value))
			return -1;
	return 0;
}

/* The cache board in the shared region "cacheboard" when the config
 * declares one (this sandbox's entry is its index), else none. */
static int attach_board(void)
{
	unsigned i;
	for (i = 0; kinfo.bi && i < kinfo.bi->nshared; i++) {
		const struct bootinfo_shared *r = &kinfo.bi->shared[i];
		if (strncmp(r->name, BOARD_REGION, sizeof BOARD_REGION))
			continue;
		if (r->size < BOARD_OFFSET + sizeof(struct cache_board) ||
		    kinfo.nsandboxes > CACHE_BOARD_MAX_CORES)
			return sched_error("shared region cacheboard: needs 8K and at most 16 sandboxes");
		core.board = (struct cache_board *)(r->gpa + BOARD_OFFSET);
		core.board->ncores = kinfo.nsandboxes;
		core.board_self = kinfo.sandbox;
	}
	return 0;
}

/* Buffers of the threads that run a workload, sized from the LLC. */
static int prepare_work(void)
{
	uint64_t llc_bytes = kpmc_llc_lines() * 64;
	unsigned i;
	for (i = 0; i < nthreads; i++) {
		const struct ts_thread *spec = threads[i].spec;
		if (spec->work == TS_WORK_SPIN)
			continue;
		if (!llc_bytes)
			return sched_error("work= needs the LLC size (no vPMU, no CPUID leaf 4)");
		if (cache_work_init(&threads[i].work, spec->work, spec->ws_pct, llc_bytes))
			return sched_error("work=: not enough contiguous RAM for the buffer");
	}
	return 0;
}

int vsched_init(const char *taskset)
{
	char err[128];
	unsigned i;

	cycles_per_us = (uint32_t)(kinfo.tsc_hz / 1000000);
	if (taskset_parse(taskset, &ts, err, sizeof err))
		return sched_error(err);
	sched_core_init(&core, sched_policy_at(0), slots, TS_MAX_VCPUS,
			arg_present("trace") ? &(struct sched_trace){ vtrace_replenish, 0 } : 0);
	kpmc_open_sched_events();
	if (set_policy_params() || attach_board())
		return -1;
	admit_vcpus();
	io_period = inherited_io_period();
	for (i = 0; i < ts.nthreads && nthreads < MAX_THREADS; i++) {
		const struct ts_thread *spec = &ts.thread[i];
		struct thread *t = &threads[nthreads];
		if (!admitted[spec->vcpu])
			continue;
		t->spec = spec;
		t->vcpu = spec->vcpu;
		t->cost = sched_us_to_cycles(spec->c_us, cycles_per_us);
		t->period = sched_us_to_cycles(spec->t_us, cycles_per_us);
		thread_create(t, nthreads, thread_body);
		nthreads++;
	}
	thread_create(&idle, nthreads, idle_body);
	if (prepare_work())
		return -1;
	return (int)nthreads;
}

/* t has work since `since` (its release: the interrupt that notices it
 * comes later, and the VCPU's activation must not drift by that delay). */
static void thread_became_ready(struct thread *t, uint64_t since)
{
	t->ready = true;
	if (ready_threads[t->vcpu]++ == 0)
		sched_core_wake(&core, &vcpus[t->vcpu], since,
				vcpus[t->vcpu].kind == VCPU_IO ? io_period : 0);
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
	for (i = 0; i < nthreads; i++) {
		struct thread *t = &threads[i];
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
		vtrace_miss(ts.vcpu[t->vcpu].name, t->spec->name, t->release, t->deadline, now);
	}
	if (t->next_release <= now) {
		start_job(t);           /* the next job is already released: stay ready */
		return;
	}
	t->ready = false;
	if (--ready_threads[t->vcpu] == 0)
		sched_core_block(&core, &vcpus[t->vcpu], now);
}

/* Round robin among v's ready threads, starting after the last one run. */
static struct thread *pick_thread(struct vcpu *v)
{
	static unsigned last;
	unsigned i, idx = vcpu_index(v);
	for (i = 1; i <= nthreads; i++) {
		struct thread *t = &threads[(last + i) % nthreads];
		if (t->vcpu == idx && t->ready) {
			last = (unsigned)(t - threads);
			return t;
		}
	}
	return &idle;
}

/* The next release of a waiting thread (a ready one picks up its next
 * release when its current job is done). */
static uint64_t earliest_release(void)
{
	uint64_t at = SCHED_NEVER;
	unsigned i;
	for (i = 0; i < nthreads; i++)
		if (!threads[i].ready && threads[i].next_release < at)
			at = threads[i].next_release;
	return at;
}

static void arm_timer(uint64_t now, uint64_t at)
{
	timer_due = at;
	uint64_t count = at <= now ? 1 : sched_muldiv(at - now, kinfo.lapic_hz, kinfo.tsc_hz, 1);
	lapic_write(LAPIC_TIMER_INIT, count > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)(count ? count : 1));
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
	sched_core_pmc_sample(&core, &vcpus[i], s);
	if (core.llc_lines && s->llc_fills_global && llc_tag(i) && kpmc_llc_truth(llc_tag(i), &truth))
		vstats_error_add(&est_error[i], llc_estimate_lines(&vcpus[i].llc), truth);
}

/* The run starts: every VCPU's occupancy estimate starts empty, counting
 * global fills from now (not from QEMU's start: the first period would
 * otherwise span every fill of the boot). */
static void start_estimates(const struct sched_pmc_sample *s)
{
	for (unsigned i = 0; i < ts.nvcpus; i++)
		llc_estimate_init(&vcpus[i].llc, s->llc_fills_global);
}

/* Save the interrupted context, account for it, pick and arm the next. */
static struct trap_frame *reschedule(struct trap_frame *f, bool job_finished)
{
	uint64_t now = rdtsc(), timer_at, next, misses_left;
	struct sched_pmc_sample pmc;
	struct vcpu *v;

	/* The counts since the last switch belong to the VCPU that ran; those
	 * before the run's first decision, to none. */
	if (kpmc_sample(now, &pmc)) {
		if (!current)
			start_estimates(&pmc);
		else if (current != &idle)
			account_sample(current->vcpu, &pmc);
	}
	if (!current) {
		boot_frame = f;
	} else {
		uint64_t ran = now - current->dispatched_at;
		current->frame = f;
		if (current == &idle) {
			idle_cycles += ran;
		} else {
			vtrace_run(ts.vcpu[current->vcpu].name, current->spec->name,
				   current->dispatched_at, now, current_act);
			current->service += ran;
			current->job_service += ran;
			if (job_finished)
				job_done(current, now);
		}
	}
	release_due(now);
	if (now >= end_at) {
		lapic_write(LAPIC_TIMER_INIT, 0);
		sched_core_schedule(&core, now, &timer_at); /* final charge */
		running = false;
		current = 0;
		return boot_frame;
	}
	v = sched_core_schedule(&core, now, &timer_at);
	kpmc_set_llc_tag(v ? llc_tag(vcpu_index(v)) : 0);
	current = v ? pick_thread(v) : &idle;
	current_act = v ? v->act : 0;
	next = earliest_release();
	if (timer_at < next)
		next = timer_at;
	if (end_at < next)
		next = end_at;
	arm_timer(now, next);
	if ((misses_left = sched_core_miss_budget(&core)) != SCHED_NEVER)
		kpmc_arm_miss_budget(misses_left);
	current->dispatched_at = now;
	return current->frame;
}

struct trap_frame *vsched_timer(struct trap_frame *f)
{
	uint64_t now = rdtsc();
	if (!running)
		return f;
	if (now > timer_due && now - timer_due > max_timer_late)
		max_timer_late = now - timer_due;
	return reschedule(f, false);
}

struct trap_frame *vsched_pmi(struct trap_frame *f)
{
	if (!running || !kpmc_overflowed())
		return f;
	pmi_decisions++;
	return reschedule(f, false);
}

struct trap_frame *vsched_yield(struct trap_frame *f)
{
	if (!running || current == &idle)
		return f;
	/* From the boot context: start scheduling; from a thread: job done. */
	return reschedule(f, current != 0);
}

static uint64_t ppm(uint64_t part, uint64_t whole)
{
	return whole ? sched_muldiv(part, 1000000, whole, 0) : 0;
}

static void report(uint64_t elapsed)
{
	struct record r;
	unsigned i, j;

	for (i = 0; i < ts.nvcpus; i++) {
		struct vcpu_stats st;
		uint64_t misses = 0;
		if (!admitted[i])
			continue;
		core.policy->stats(&core, &vcpus[i], &st);
		for (j = 0; j < nthreads; j++)
			if (threads[j].vcpu == i)
				misses += threads[j].misses;
		rec_begin(&r, "vcpu");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "name", ts.vcpu[i].name);
		rec_str(&r, "kind", ts.vcpu[i].kind == VCPU_MAIN ? "main" :
				    ts.vcpu[i].kind == VCPU_IO ? "io" : "be");
		if (ts.vcpu[i].kind == VCPU_MAIN) {
			rec_u64(&r, "c_us", ts.vcpu[i].c_us);
			rec_u64(&r, "t_us", ts.vcpu[i].t_us);
		} else if (ts.vcpu[i].kind == VCPU_IO) {
			rec_u64(&r, "u_ppm", ts.vcpu[i].u_ppm);
		}
		rec_u64(&r, "used_cycles", st.used);
		rec_u64(&r, "util_ppm", ppm(st.used, elapsed));
		rec_u64(&r, "replenishments", st.replenishments);
		rec_u64(&r, "max_overrun_cycles", st.max_overrun);
		rec_u64(&r, "deadline_misses", misses);
		rec_u64(&r, "pmc_samples", st.pmc_samples);
		rec_u64(&r, "instructions", st.instructions);
		rec_u64(&r, "llc_refs", st.llc_refs);
		rec_u64(&r, "llc_misses", st.llc_misses);
		if (est_error[i].samples) {
			rec_u64(&r, "est_samples", est_error[i].samples);
			rec_u64(&r, "est_err_mean_lines", est_error[i].sum / est_error[i].samples);
			rec_u64(&r, "est_err_max_lines", est_error[i].max);
		}
		rec_end(&r);
	}
	for (j = 0; j < nthreads; j++) {
		struct thread *t = &threads[j];
		static const char *const kind[] = { "periodic", "io-burst", "busy" };
		static const char *const work[] = { "spin", "reuse", "stream", "compute" };
		unsigned kept = t->jobs <= 1 ? 0 : t->jobs - 1 < THREAD_RESPONSES ? (unsigned)(t->jobs - 1)
										 : THREAD_RESPONSES;
		rec_begin(&r, "thread");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "name", t->spec->name);
		rec_str(&r, "vcpu", ts.vcpu[t->vcpu].name);
		rec_str(&r, "kind", kind[t->spec->kind]);
		rec_u64(&r, "service_cycles", t->service);
		rec_u64(&r, "util_ppm", ppm(t->service, elapsed));
		rec_u64(&r, "jobs", t->jobs);
		rec_u64(&r, "deadline_misses", t->misses);
		rec_u64(&r, "max_response_us", sched_cycles_to_us(t->max_response, cycles_per_us));
		rec_str(&r, "work", work[t->spec->work]);
		if (kept) {
			/* Percentiles over jobs 2..THREAD_RESPONSES+1; model_*:
			 * the core's cycle count (the vPMU's model with miss penalties,
			 * which icount's TSC lacks) over the same jobs, at the TSC rate. */
			uint64_t model_max = vstats_percentile(t->model_response, kept, 100);
			rec_u64(&r, "jobs_kept", kept);
			rec_u64(&r, "p99_response_us",
				sched_cycles_to_us(vstats_percentile(t->response, kept, 99), cycles_per_us));
			rec_u64(&r, "model_max_response_us", sched_cycles_to_us(model_max, cycles_per_us));
			rec_u64(&r, "model_p99_response_us",
				sched_cycles_to_us(vstats_percentile(t->model_response, kept, 99), cycles_per_us));
			rec_u64(&r, "over_cost_jobs", t->over_cost);
		}
		rec_end(&r);
	}
	rec_begin(&r, "sched_run");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "policy", vsched_policy_name());
	rec_u64(&r, "elapsed_cycles", elapsed);
	rec_u64(&r, "decisions", core.decisions);
	rec_u64(&r, "idle_ppm", ppm(idle_cycles, elapsed));
	rec_u64(&r, "max_timer_late_us", sched_cycles_to_us(max_timer_late, cycles_per_us));
	rec_u64(&r, "pmi_decisions", pmi_decisions);
	rec_u64(&r, "llc_lines", core.llc_lines);
	rec_u64(&r, "be_slice_us", sched_cycles_to_us(core.be_slice, cycles_per_us));
	for (i = 0; core.policy->stat; i++) {
		const char *name;
		uint64_t value;
		if (core.policy->stat(&core, i, &name, &value))
			break;
		rec_u64(&r, name, value);
	}
	rec_end(&r);
}

static void dump_trace(void)
{
	unsigned i, admitted_n = 0;
	uint64_t misses = 0, overrun = 0;
	for (i = 0; i < ts.nvcpus; i++) {
		if (!admitted[i])
			continue;
		admitted_n++;
		if (vcpus[i].stats.max_overrun > overrun)
			overrun = vcpus[i].stats.max_overrun;
	}
	for (i = 0; i < nthreads; i++)
		misses += threads[i].misses;
	vtrace_dump(vsched_policy_name(), admitted_n, ts.nvcpus - admitted_n, misses, overrun,
		    max_timer_late);
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
	if (arg_present("trace"))
		vtrace_start(now, cycles_per_us);
	for (i = 0; i < nthreads; i++)
		threads[i].next_release = threads[i].spec->kind == TS_BUSY ? SCHED_NEVER : now;
	for (i = 0; i < nthreads; i++)
		if (threads[i].spec->kind == TS_BUSY)
			thread_became_ready(&threads[i], now);
	running = true;
	/* Enter the scheduler as if the boot context had been preempted; it
	 * comes back here when the run's time is up. */
	__asm__ volatile("int %0" :: "i"(VEC_YIELD) : "memory");
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	report(end_at - start_at);
	if (vtrace_on())
		dump_trace();
}
