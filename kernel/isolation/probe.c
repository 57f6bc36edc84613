/* Isolation probe (see probe.h). */
#include "kernel/isolation/probe.h"
#include "kernel/kinfo.h"
#include "kernel/extable.h"
#include "kernel/hypercall.h"
#include "kernel/paging.h"
#include "lib/record.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "include/questv/vpmu.h"
#include "kernel/isolation/doors.h"
#include "kernel/isolation/fault.h"
#include "kernel/cmdline.h"

#define PROBE_PATTERN 0x5155455354564221ull  /* what a leaked write would leave */

static const uint16_t com_ports[] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };

static unsigned leaks;

static void report(const char *target, const char *access, const char *dir, bool blocked)
{
	struct record r;
	rec_begin(&r, "isolation");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "target", target);
	rec_str(&r, "access", access);
	if (dir)
		rec_str(&r, "dir", dir);
	rec_str(&r, "result", blocked ? "blocked" : "allowed");
	rec_end(&r);
	if (!blocked)
		leaks++;
}

static void probe_memory(const struct bootinfo_target *t)
{
	uint64_t v;
	if (t->addr < kinfo.mem_bytes) {
		/* It would name our own RAM: the target cannot even be addressed. */
		struct record r;
		rec_begin(&r, "isolation");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "target", t->name);
		rec_str(&r, "result", "not_addressable");
		rec_end(&r);
		return;
	}
	if (paging_map_page(t->addr, 1)) {
		report(t->name, "read", 0, false);
		return;
	}
	report(t->name, "read", 0, safe_read64(t->addr, &v));
	report(t->name, "write", 0, safe_write64(t->addr, PROBE_PATTERN));
}

static void probe_port(uint16_t base)
{
	char name[16] = "port:";
	uint8_t v;
	fmt_hex(name + 5, base);
	/* The scratch register: harmless to the owner even if it leaked. */
	report(name, "io", "in", safe_inb((uint16_t)(base + 7), &v));
	report(name, "io", "out", safe_outb((uint16_t)(base + 7), 0x5A));
}

static void probe_msrs(void)
{
	uint64_t v;
	report("msr:0xc0010117", "read", 0, safe_rdmsr(0xC0010117u, &v)); /* VM_HSAVE_PA */
	if (!safe_rdmsr(0x2FFu, &v))                                      /* MTRRdefType */
		report("msr:0x2ff", "write", 0, safe_wrmsr(0x2FFu, v));
}

static void probe_hypercalls(void)
{
	uint64_t monitor_addr = 0;
	unsigned i;
	for (i = 0; i < kinfo.bi->ntargets; i++)
		if (!strncmp(kinfo.bi->target[i].name, "monitor", 8))
			monitor_addr = kinfo.bi->target[i].addr;
	/* The monitor must refuse to write its counters through a foreign pointer. */
	report("monitor", "hypercall", "exit_counts", hypercall3(HC_EXIT_COUNTS, monitor_addr, 0, 0) == HC_EFAULT);
	report("monitor", "hypercall", "log_oversized", hypercall3(HC_LOG, 0x100000, 1ull << 40, 0) == HC_EINVAL);
	report("monitor", "hypercall", "log_outside", hypercall3(HC_LOG, kinfo.mem_bytes - 8, 64, 0) == HC_EFAULT);
	report("monitor", "hypercall", "unknown", hypercall3(0xDEAD, 0, 0, 0) == HC_ENOSYS);
}

/* The vPMU's BAR2 is readable by all, but writable only at this sandbox's
 * own control page: a write to the header, to our counter page or to
 * another vCPU's control page must fault. */
static void probe_vpmu(void)
{
	unsigned i;
	for (i = 0; i < kinfo.bi->ndevices; i++) {
		const struct bootinfo_device *d = &kinfo.bi->device[i];
		uint64_t bar2 = d->bar[2].base;
		uint32_t other = (d->vpmu_vcpu + 1) % VPMU_MAX_VCPUS;
		if (d->use != BOOTINFO_DEV_VPMU || !d->bar[2].mapped)
			continue;
		/* Word offsets that matter to nobody should a write leak. */
		report("vpmu:header", "write", 0, safe_write64(bar2 + VPMU_PAGE_SIZE - 8, PROBE_PATTERN));
		report("vpmu:counters", "write", 0,
		       safe_write64(bar2 + VPMU_COUNTERS_AT(d->vpmu_vcpu) + VPMU_PAGE_SIZE - 8, PROBE_PATTERN));
		report("vpmu:control_of_other", "write", 0,
		       safe_write64(bar2 + VPMU_CONTROL_AT(other) + VPMU_PAGE_SIZE - 8, PROBE_PATTERN));
	}
}

/* fault=slowturn: a turn that goes on making progress for longer than the
 * monitor's turn deadline in all, as a turn does whose vCPU a loaded host
 * keeps waiting: a read of another UART's scratch register (an exit) every
 * 10 ms for 4 s. */
static void slow_turn(void)
{
	uint16_t other = com_ports[0] != kinfo.console ? com_ports[0] : com_ports[1];
	uint64_t step = kinfo.tsc_hz / 100, end = rdtsc() + 4 * kinfo.tsc_hz;
	uint8_t v;
	for (uint64_t t = rdtsc(); t < end; t = rdtsc()) {
		safe_inb((uint16_t)(other + 7), &v);
		while (rdtsc() - t < step)
			cpu_relax();
	}
}

unsigned probe_run(void)
{
	const char *how;
	unsigned i;
	leaks = 0;
	if (hypercall3(HC_PROBE_BEGIN, 0, 0, 0) != 0)
		return 1;
	if ((how = arg_value("fault")) && !strncmp(how, "turnspin", 9))
		fault_inject("spin");
	if (how && !strncmp(how, "slowturn", 9))
		slow_turn();
	for (i = 0; i < kinfo.bi->ntargets; i++)
		probe_memory(&kinfo.bi->target[i]);
	for (i = 0; i < sizeof com_ports / sizeof com_ports[0]; i++)
		if (com_ports[i] != kinfo.console)
			probe_port(com_ports[i]);
	probe_msrs();
	probe_vpmu();
	leaks += probe_doors();
	probe_hypercalls();
	if (hypercall3(HC_PROBE_END, 0, 0, 0) != 0)
		leaks++;
	return leaks;
}
