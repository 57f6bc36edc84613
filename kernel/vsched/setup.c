/* VCPU scheduling setup: task set, admission, threads (see setup.h). */
#include "kernel/vsched/setup.h"
#include "kernel/cmdline.h"
#include "kernel/vectors.h"
#include "kernel/kinfo.h"
#include "kernel/pmc/kpmc.h"
#include "kernel/shared.h"
#include "kernel/vsched/trace.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "sched/params.h"

#define IO_DEFAULT_PERIOD_US 10000  /* Quest's I/O VCPU default, without a Main VCPU */
#define BOARD_REGION "cacheboard"   /* the shared region holding the cache board */
#define BOARD_OFFSET SHARED_MARKS_BYTES

struct vsched vs;
static struct vcpu *slots[TS_MAX_VCPUS];

const char *vsched_policy_name(void)
{
	const struct sched_policy *p = sched_policy_at(0);
	return p ? p->name : "none";
}

/* A job is t's passes of its workload; a busy thread does passes forever. */
static void work_body(struct thread *t)
{
	for (;;) {
		for (uint32_t i = 0; t->spec->kind == TS_BUSY || i < t->spec->passes; i++) {
			cache_work_pass(&t->work);
			t->passes++;
		}
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
	for (i = 0; i < vs.ts.nvcpus; i++) {
		const struct ts_vcpu *tv = &vs.ts.vcpu[i];
		struct sched_verdict why = { 0 };
		int bad = 0;
		if (tv->kind == VCPU_MAIN)
			bad = vcpu_init_main(&vs.vcpus[i], tv->name, sched_us_to_cycles(tv->c_us, vs.cycles_per_us),
					     sched_us_to_cycles(tv->t_us, vs.cycles_per_us));
		else if (tv->kind == VCPU_IO)
			bad = vcpu_init_io(&vs.vcpus[i], tv->name, tv->u_ppm);
		else
			vcpu_init_be(&vs.vcpus[i], tv->name);
		if (bad)
			why.reason = "budget or period out of range";
		else if (sched_core_admit(&vs.core, &vs.vcpus[i], &why) == 0)
			vs.admitted[i] = true;
		record_admission(tv, vs.admitted[i] ? 0 : &why);
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
	for (i = 0; i < vs.ts.nvcpus; i++)
		if (vs.admitted[i] && vs.ts.vcpu[i].kind == VCPU_MAIN)
			return vs.vcpus[i].period;
	return sched_us_to_cycles(IO_DEFAULT_PERIOD_US, vs.cycles_per_us);
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
		v = sched_us_to_cycles(v, vs.cycles_per_us);
	return sched_core_set_param(&vs.core, spec->param, v, &why) ? sched_error(why) : 0;
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

	if (llc && sched_core_set_param(&vs.core, "llc_lines", llc, &why))
		return sched_error(why);
	for (i = 0; (spec = sched_param_at(i)); i++)
		if (spec->dflt && sched_param_applies(spec, name) && set_param(spec, spec->dflt))
			return -1;
	for (i = 0; i < vs.ts.nparams; i++)
		if (sched_name_is(sched_param_policy_name(vs.ts.param[i].policy), name) &&
		    set_param(vs.ts.param[i].spec, vs.ts.param[i].value))
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
		vs.core.board = (struct cache_board *)(r->gpa + BOARD_OFFSET);
		vs.core.board->ncores = kinfo.nsandboxes;
		vs.core.board_self = kinfo.sandbox;
	}
	return 0;
}

/* Buffers of the threads that run a workload, sized from the LLC. */
static int prepare_work(void)
{
	uint64_t llc_bytes = kpmc_llc_lines() * 64;
	unsigned i;
	for (i = 0; i < vs.nthreads; i++) {
		const struct ts_thread *spec = vs.threads[i].spec;
		if (spec->work == TS_WORK_SPIN)
			continue;
		if (!llc_bytes)
			return sched_error("work= needs the LLC size (no vPMU, no CPUID leaf 4)");
		if (cache_work_init(&vs.threads[i].work, spec->work, spec->ws_pct, llc_bytes))
			return sched_error("work=: not enough contiguous RAM for the buffer");
	}
	return 0;
}

int vsched_init(const char *taskset)
{
	char err[128];
	unsigned i;

	vs.cycles_per_us = (uint32_t)(kinfo.tsc_hz / 1000000);
	if (taskset_parse(taskset, &vs.ts, err, sizeof err))
		return sched_error(err);
	sched_core_init(&vs.core, sched_policy_at(0), slots, TS_MAX_VCPUS,
			arg_present("trace") ? &(struct sched_trace){ vtrace_replenish, 0 } : 0);
	kpmc_open_sched_events();
	if (set_policy_params() || attach_board())
		return -1;
	admit_vcpus();
	vs.io_period = inherited_io_period();
	for (i = 0; i < vs.ts.nthreads && vs.nthreads < MAX_THREADS; i++) {
		const struct ts_thread *spec = &vs.ts.thread[i];
		struct thread *t = &vs.threads[vs.nthreads];
		if (!vs.admitted[spec->vcpu])
			continue;
		t->spec = spec;
		t->vcpu = spec->vcpu;
		t->cost = sched_us_to_cycles(spec->c_us, vs.cycles_per_us);
		t->period = sched_us_to_cycles(spec->t_us, vs.cycles_per_us);
		thread_create(t, vs.nthreads, thread_body);
		vs.nthreads++;
	}
	thread_create(&vs.idle, vs.nthreads, idle_body);
	if (prepare_work())
		return -1;
	return (int)vs.nthreads;
}

