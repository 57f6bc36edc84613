/*
 * Sandbox kernel main: find out where we run (monitor or bare GRUB), bring
 * up console, traps, memory and the LAPIC, report ready, run the isolation
 * probe and the steady-state workload, and end the run.
 *
 * args (from the system config): "fault=triple" or "fault=wild" make this
 * sandbox fail on purpose after ready (containment tests); "hcfuzz=N"
 * throws N random hypercalls at the monitor first; "steady_ms=N" sets the
 * length of the steady window (default 1000, 0 skips it); "exp=NAME" runs
 * an experiment workload (experiment.c) before it; "net=driver|vnic" serves
 * the network (net/net_sandbox.h) until GET /end (steady_ms then defaults
 * to 0). A sandbox whose config
 * declares VCPUs and threads runs them (vsched.c) in its steady window
 * instead of the plain busy loop.
 */
#include "kernel.h"
#include "hypercall.h"
#include "irq.h"
#include "page_alloc.h"
#include "paging.h"
#include "probe.h"
#include "experiment.h"
#include "forge.h"
#include "hcfuzz.h"
#include "kpmc.h"
#include "shared.h"
#include "steady.h"
#include "vsched.h"
#include "uart.h"
#include "net/net_sandbox.h"
#include "../lib/lapic.h"
#include "../lib/pic.h"
#include "../lib/record.h"
#include "../lib/string.h"
#include "../lib/trap.h"

#define MB2_BOOT_MAGIC 0x36d76289u
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MEMINFO 4
#define NATIVE_CONSOLE 0x3F8
#define NATIVE_MEM_LIMIT (512ull << 20)
#define DEBUG_EXIT_PORT 0xF4

struct kinfo kinfo;
extern char kernel_end[];

static void console_sink(const char *line, size_t len) { uart_write(line, len); }

/* Native boot: the multiboot2 tag of this type, or 0. */
static const uint32_t *mb2_tag(uint64_t info, uint32_t type)
{
	const uint8_t *p = (const uint8_t *)info + 8;
	const uint8_t *end = (const uint8_t *)info + *(const uint32_t *)info;
	while (p + 8 <= end) {
		const uint32_t *tag = (const uint32_t *)p;
		if (tag[0] == 0 || tag[1] < 8)
			break;
		if (tag[0] == type)
			return tag;
		p += (tag[1] + 7) & ~7u;
	}
	return 0;
}

/* Native boot: RAM size from the multiboot2 basic memory tag. */
static uint64_t native_mem(uint64_t info)
{
	const uint32_t *tag = mb2_tag(info, MB2_TAG_MEMINFO);
	uint64_t upper;
	if (!tag)
		return 32ull << 20;
	upper = ((uint64_t)tag[3] << 10) + (1ull << 20);
	return upper < NATIVE_MEM_LIMIT ? upper : NATIVE_MEM_LIMIT;
}

/* Native boot: args from GRUB's command line ("multiboot2 /boot/kernel.elf ARGS"). */
static const char *native_args(uint64_t info)
{
	static char args[sizeof(((struct bootinfo *)0)->args)];
	const uint32_t *tag = mb2_tag(info, MB2_TAG_CMDLINE);
	const char *s;
	size_t i;
	if (!tag)
		return "";
	s = (const char *)&tag[2];
	for (i = 0; i + 1 < sizeof args && i + 8 < tag[1] && s[i]; i++)
		args[i] = s[i];
	args[i] = 0;
	return args;
}

static void discover(uint32_t magic, uint64_t info)
{
	if (magic == BOOTINFO_MAGIC) {
		const struct bootinfo *bi = (const void *)info;
		kinfo = (struct kinfo){ true, !strncmp(bi->virt, "vmx", 4), bi->sandbox,
					bi->nsandboxes, bi->mem_bytes, bi->tsc_hz, bi->lapic_hz,
					(uint16_t)bi->console, bi, bi->args };
		return;
	}
	kinfo = (struct kinfo){ false, false, 0, 1,
				magic == MB2_BOOT_MAGIC ? native_mem(info) : 32ull << 20,
				0, 0, NATIVE_CONSOLE, 0,
				magic == MB2_BOOT_MAGIC ? native_args(info) : "" };
	pic_mask_all();
	pit_calibrate(&kinfo.tsc_hz, &kinfo.lapic_hz);
}

bool arg_present(const char *word)
{
	size_t n = strlen(word);
	const char *a = kinfo.args;
	while (*a) {
		while (*a == ' ')
			a++;
		if (!strncmp(a, word, n) && (a[n] == ' ' || a[n] == 0 || a[n] == '='))
			return true;
		while (*a && *a != ' ')
			a++;
	}
	return false;
}

const char *arg_value(const char *key)
{
	size_t n = strlen(key);
	const char *a = kinfo.args;
	while (*a) {
		while (*a == ' ')
			a++;
		if (!strncmp(a, key, n) && a[n] == '=')
			return a + n + 1;
		while (*a && *a != ' ')
			a++;
	}
	return 0;
}

uint64_t arg_u64(const char *key, uint64_t dflt)
{
	const char *v = arg_value(key);
	uint64_t x = 0;
	if (!v || *v < '0' || *v > '9')
		return dflt;
	while (*v >= '0' && *v <= '9')
		x = x * 10 + (uint64_t)(*v++ - '0');
	return x;
}

void kernel_end_run(unsigned status)
{
	struct record r;
	cli();
	rec_begin(&r, "interrupts");    /* what peers sent: counted, dismissed */
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "nmis", irq_counts.nmis);
	rec_u64(&r, "stray", irq_counts.stray_irqs);
	rec_end(&r);
	rec_begin(&r, "sandbox_done");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_u64(&r, "status", status);
	rec_end(&r);
	uart_drain();
	if (kinfo.virtualized)
		hypercall3(HC_END_RUN, status, 0, 0);
	outl(DEBUG_EXIT_PORT, status);
	for (;;)
		hlt();
}

/* Fail on purpose, as asked by the config (containment tests). spin: hold
 * the probe up for good (interrupts off); forge: lie about the run, then
 * triple-fault. */
static void inject_fault(const char *how)
{
	if (!strncmp(how, "spin", 4)) {
		cli();
		for (;;)
			cpu_relax();
	}
	if (!strncmp(how, "forge", 5))
		forge_verdict();
	if (!strncmp(how, "triple", 6) || !strncmp(how, "forge", 5)) {
		struct { uint16_t limit; uint64_t base; } __attribute__((packed)) empty = { 0, 0 };
		__asm__ volatile("lidt %0; int3" :: "m"(empty));
	}
	if (!strncmp(how, "wild", 4)) {
		/* An unguarded store far outside our RAM: fatal for this sandbox only. */
		paging_map_page(kinfo.mem_bytes + (64ull << 20), 1);
		*(volatile uint64_t *)(kinfo.mem_bytes + (64ull << 20)) = 1;
	}
}

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

	discover(magic, info);
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
		inject_fault(fault);
	if (kinfo.virtualized && arg_present("hcfuzz"))
		failures += hcfuzz_run(arg_u64("hcfuzz", 1000));
	shared_announce();
	if (kinfo.virtualized)
		failures += probe_run();
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
