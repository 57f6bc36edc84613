/*
 * Monitor boot: check everything (CPU, modules, config, kernel image)
 * before building anything, build every sandbox before starting any, then
 * enter them all and stay out of the way. Any failure before the first
 * entry ends the run with one error record and a status: never a
 * half-booted system.
 */
#include "monitor/acpi.h"
#include "monitor/checksum.h"
#include "monitor/iommu.h"
#include "monitor/config.h"
#include "monitor/devices.h"
#include "monitor/log.h"
#include "monitor/multiboot2.h"
#include "monitor/page_pool.h"
#include "monitor/pit_tick.h"
#include "monitor/run.h"
#include "monitor/smp.h"
#include "include/questv/hypercall.h"
#include "lib/lapic.h"
#include "lib/pic.h"
#include "lib/string.h"
#include "lib/trap.h"
#include "monitor/colour.h"
#include "monitor/probe.h"

extern char monitor_start[], monitor_end[];

static struct system_config cfg;
static struct machine machine;
static struct boot_modules mods;

static void cpu_brand(char out[49])
{
	uint32_t r[4];
	unsigned leaf;
	cpuid(0x80000000u, 0, r);
	out[0] = 0;
	if (r[0] < 0x80000004u)
		return;
	for (leaf = 0; leaf < 3; leaf++) {
		cpuid(0x80000002u + leaf, 0, r);
		memcpy(out + 16 * leaf, r, 16);
	}
	out[48] = 0;
}

static __attribute__((noreturn)) void config_fail(const struct config_error *err)
{
	struct record r;
	rec_begin(&r, "config_error");
	rec_u64(&r, "line", err->line);
	rec_str(&r, "msg", err->msg);
	rec_end(&r);
	monitor_end_run(STATUS_CONFIG);
}

static void reserve(uint64_t base, uint64_t end)
{
	if (machine.nreserved < MACHINE_MAX_RANGES)
		machine.reserved[machine.nreserved++] = (struct mem_range){ base, end };
}

static void load_config(const struct boot_module *mod)
{
	struct config_error err;
	uint64_t largest = 0;
	unsigned i;

	if (config_parse((const char *)mod->start, mod->end - mod->start, &cfg, &err))
		config_fail(&err);
	/* No sandbox may name another's memory with an address of its own RAM. */
	for (i = 0; i < cfg.nsandboxes; i++)
		if (cfg.sandbox[i].mem_bytes > largest)
			largest = cfg.sandbox[i].mem_bytes;
	machine.floor = largest > CFG_MIB ? largest : CFG_MIB;
	if (config_place(&cfg, &machine, &err))
		config_fail(&err);
	/* Shared regions start zeroed: nothing RAM held before leaks into a channel. */
	for (i = 0; i < cfg.nshared; i++)
		memset((void *)cfg.shared[i].base, 0, cfg.shared[i].size);
}

/* base: where its guest-physical 0 is (a coloured sandbox's pages are
 * spread over the pool); its nested leaves show what colouring costs. */
static void record_plan(const struct sandbox *sb)
{
	struct record r;
	char colours[200];          /* ranges; a very scattered set is cut short */
	colour_format(sb->cfg, colours, sizeof colours);
	rec_begin(&r, "sandbox_plan");
	rec_u64(&r, "sandbox", sb->id);
	rec_u64(&r, "core", sb->cfg->core);
	rec_hex(&r, "base", config_hpa(&cfg, sb->id, 0));
	rec_u64(&r, "mem_mib", sb->size / CFG_MIB);
	rec_u64(&r, "npt_tables", sb->npt.tables);
	rec_str(&r, "colours", colours);
	rec_u64(&r, "ncolours", sb->cfg->ncolours ? sb->cfg->ncolours : colour_count(&cfg.llc));
	rec_u64(&r, "leaves_4k", sb->npt.leaves_4k);
	rec_u64(&r, "leaves_2m", sb->npt.leaves_2m);
	rec_end(&r);
}

void monitor_main(uint32_t magic, uint64_t info)
{
	uint64_t t0 = rdtsc(), tsc_hz, lapic_hz;
	const struct boot_module *kernel, *config;
	struct boot_env env;
	const char *why;
	char brand[49];
	struct record r;
	unsigned i, cores_expected;

	log_init();
	idt_init();
	pic_mask_all();         /* the PIC is the monitor's, and stays quiet */
	if (mb2_parse(magic, info, &mods, &machine, &why))
		monitor_fail("boot_error", why, STATUS_BOOT);
	reserve((uint64_t)monitor_start, (uint64_t)monitor_end);
	reserve(TRAMPOLINE_PA, TRAMPOLINE_PA + 4096);

	virt = virt_select(&why);
	cpu_brand(brand);
	rec_begin(&r, "monitor");
	rec_str(&r, "virt", virt ? virt->name : "none");
	rec_str(&r, "cpu", brand);
	rec_u64(&r, "tsc", t0);
	rec_end(&r);
	if (!virt)
		monitor_fail("virt_error", why, STATUS_NO_VIRT);

	kernel = mb2_module(&mods, "kernel");
	config = mb2_module(&mods, "config");
	if (!kernel || !config)
		monitor_fail("boot_error", "GRUB must load modules named 'kernel' and 'config'",
			     STATUS_BOOT);

	pit_calibrate(&tsc_hz, &lapic_hz);
	cores_expected = acpi_cpu_count(mods.acpi_rsdp);
	smp_start(tsc_hz, cores_expected, &machine);
	load_config(config);
	devices_scan();
	{
		struct config_error err;
		if (devices_check(&cfg, mods.acpi_rsdp, &err))
			config_fail(&err);
	}
	if (iommu_setup(cfg.iommu, mods.acpi_rsdp, &why))
		monitor_fail("iommu_error", why, STATUS_NO_IOMMU);

	env = (struct boot_env){ tsc_hz, lapic_hz, (const void *)kernel->start,
				 kernel->end - kernel->start, (uint64_t)monitor_main };
	nsandboxes = cfg.nsandboxes;
	for (i = 0; i < nsandboxes; i++) {
		if (sandbox_build(&sandboxes[i], &cfg, i, &machine, &env, virt, &why))
			monitor_fail("boot_error", why, STATUS_BOOT);
		record_plan(&sandboxes[i]);
		if (sandbox_audit(&sandboxes[i], &cfg))
			monitor_fail("boot_error", "a nested page table maps what its sandbox is not due",
				     STATUS_BOOT);
	}
	if (iommu_enable(&why))
		monitor_fail("iommu_error", why, STATUS_BOOT);

	rec_begin(&r, "monitor_ready");
	rec_u64(&r, "cores", machine.ncores);
	rec_u64(&r, "cores_expected", cores_expected);
	rec_u64(&r, "sandboxes", nsandboxes);
	rec_u64(&r, "tsc_hz", tsc_hz);
	rec_u64(&r, "lapic_hz", lapic_hz);
	rec_u64(&r, "pool_pages", pool_pages_used());
	rec_u64(&r, "tsc", rdtsc());
	rec_u64(&r, "cycles", rdtsc() - t0);
	rec_end(&r);

	probe_deadlines(tsc_hz);
	monitor_integrity_start();
	pit_tick_start();
	for (i = 1; i < machine.ncores; i++)
		smp_dispatch(i, run_core);
	run_core(0);
}
