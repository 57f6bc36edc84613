/*
 * Sandbox kernel main: the phase sequence. Find out where we run (monitor
 * or bare GRUB), bring up console, traps, memory and the LAPIC, report
 * ready, run the isolation phases, the experiment, the network or the
 * VCPU schedule, and end the run.
 *
 * args (from the system config): "fault=triple" or "fault=wild" make this
 * sandbox fail on purpose after ready (isolation/fault.h); "hcfuzz=N"
 * throws N random hypercalls at the monitor first ("hcfuzz_seed=S" picks
 * their sequence), and checks its witness memory again after the probe; "steady_ms=N" sets the
 * length of the steady window (default 1000, 0 skips it); "exp=NAME" runs
 * an experiment workload (kernel/exp/NAME.c) before it; "net=driver|vnic"
 * serves the network (net/net_sandbox.h) until GET /end (steady_ms then
 * defaults to 0). A sandbox whose config declares VCPUs and threads runs
 * them (vsched/) in its steady window instead of the plain busy loop.
 */
#include "kernel/cmdline.h"
#include "kernel/end_run.h"
#include "kernel/experiment.h"
#include "kernel/vectors.h"
#include "kernel/isolation/fault.h"
#include "kernel/isolation/hcfuzz.h"
#include "kernel/isolation/probe.h"
#include "kernel/kinfo.h"
#include "kernel/net/net_sandbox.h"
#include "kernel/page_alloc.h"
#include "kernel/paging.h"
#include "kernel/pmc/kpmc.h"
#include "kernel/shared.h"
#include "kernel/steady.h"
#include "kernel/uart.h"
#include "kernel/vsched/dispatch.h"
#include "kernel/vsched/setup.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/trap.h"

extern char kernel_end[];

static void console_sink(const char *line, size_t len) { uart_write(line, len); }

static void report_ready(void)
{
	struct record r;
	rec_begin(&r, "sandbox_ready");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "core", lapic_read(LAPIC_ID) >> 24);
	rec_u64(&r, "mem_mib", kinfo.mem_bytes >> 20);
	rec_u64(&r, "tsc", rdtsc());
	rec_bool(&r, "virtualized", kinfo.virtualized);
	rec_u64(&r, "free_pages", pages_free());
	rec_str(&r, "args", kinfo.args);
	rec_end(&r);
	rec_begin(&r, "sched");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "policy", vsched_policy_name());
	rec_end(&r);
}

void kmain(uint32_t magic, uint64_t info)
{
	unsigned failures = 0;  /* isolation leaks, ABI violations, failed experiments */
	uint64_t steady_default = 1000;
	const char *fault, *exp;

	kinfo_discover(magic, info);
	uart_init(kinfo.console);
	record_set_sink(console_sink);
	idt_init();
	page_alloc_init(((uint64_t)kernel_end + 4095) & ~4095ull, kinfo.mem_bytes);
	if (paging_init(kinfo.mem_bytes))
		kernel_end_run(RUN_FAILED);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	report_ready();
	kpmc_init();

	if ((fault = arg_value("fault")))
		fault_inject(fault);
	shared_announce();
	if (kinfo.virtualized && arg_present("hcfuzz"))
		failures += hcfuzz_run(arg_u64("hcfuzz", 1000), arg_u64("hcfuzz_seed", 1));
	if (kinfo.virtualized)
		failures += probe_run() + hcfuzz_check_after_all();
	shared_report();
	if ((exp = arg_value("exp")) && !experiment_run(exp))
		failures++;
	/* A networked sandbox's steady state is serving: no spin window after. */
	if (arg_value("net")) {
		steady_default = 0;
		if (net_run() < 0)
			failures++;
	}
	if (kinfo.bi && kinfo.bi->taskset[0]) {
		if (vsched_init(kinfo.bi->taskset) < 0)
			failures++;
		else
			vsched_run(arg_u64("steady_ms", 1000));
	} else if (arg_u64("steady_ms", steady_default)) {
		steady_run(arg_u64("steady_ms", steady_default), 1000, 10);
	}
	kernel_end_run(failures ? RUN_FAILED : RUN_OK);
}
