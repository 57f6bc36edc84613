/* Bring-up of the build's PMC backend (see kpmc.h). */
#include "kpmc.h"
#include "kernel.h"
#include "extable.h"
#include "irq.h"
#include "paging.h"
#include "../lib/lapic.h"
#include "../lib/pci.h"
#include "../lib/record.h"
#include "../lib/x86.h"
#include "../pmc/pmc_vpmu.h"
#include "../pmc/vpmu_abi.h"

#define VPMU_PCI_VENDOR 0x1af4
#define VPMU_PCI_DEVICE 0x1110
#define VPMU_PCI_BAR 2

static struct pmc pmc;
static bool up;
/* Handles of the events a scheduler sample carries; -1 when not countable. */
static int h_instr = -1, h_refs = -1, h_misses = -1, h_cycles = -1;
static bool sched_events_open;

struct pmc *kpmc(void) { return up ? &pmc : 0; }

static void record_none(const char *why)
{
	struct record r;
	rec_begin(&r, "pmc");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "backend", "none");
	rec_str(&r, "why", why);
	rec_end(&r);
}

#if defined(PMC_BACKEND_VPMU)
/* BAR2 of the vPMU the monitor granted (struct bootinfo_device), this
 * sandbox's vCPU index and BAR2's size; 0 if it granted none. */
static uint64_t granted_bar2(uint32_t *vcpu, uint64_t *size)
{
	unsigned i;
	for (i = 0; i < kinfo.bi->ndevices; i++) {
		const struct bootinfo_device *d = &kinfo.bi->device[i];
		if (d->use == BOOTINFO_DEV_VPMU && d->bar[VPMU_PCI_BAR].mapped) {
			*vcpu = d->vpmu_vcpu;
			*size = d->bar[VPMU_PCI_BAR].size;
			return d->bar[VPMU_PCI_BAR].base;
		}
	}
	return 0;
}

/* Natively we own PCI: BAR2 as the firmware assigned it (decoding on) from
 * our own scan. GRUB starts us on vCPU 0 and we stay there. 0 if absent. */
static uint64_t scanned_bar2(uint32_t *vcpu, uint64_t *size)
{
	static struct pci_device devs[32];
	unsigned n = pci_scan(&pci_cam1, devs, 32);
	const struct pci_device *d = pci_find(devs, n < 32 ? n : 32, VPMU_PCI_VENDOR, VPMU_PCI_DEVICE);
	if (!d || d->bar[VPMU_PCI_BAR].kind < PCI_BAR_MEM32)
		return 0;
	*vcpu = 0;
	*size = d->bar[VPMU_PCI_BAR].size;
	return d->bar[VPMU_PCI_BAR].base;
}

static int backend_init(void)
{
	uint32_t vcpu = 0;
	uint64_t size = 0, off;
	uint64_t bar2 = kinfo.bi ? granted_bar2(&vcpu, &size) : scanned_bar2(&vcpu, &size);
	struct record r;

	if (!bar2 || size < VPMU_SHM_SIZE) {
		record_none(kinfo.bi ? "no vPMU in the boot information (QEMU without the vpmu plugin "
				       "and its ivshmem device?)"
				     : "no ivshmem 1af4:1110 device with BAR2 on PCI");
		return -1;
	}
	/* Uncached, as the monitor maps it: the plugin writes behind our back. */
	for (off = 0; off < VPMU_SHM_SIZE; off += 4096)
		if (paging_map_page(bar2 + off, 1)) {
			record_none("out of pages mapping the vPMU's BAR2");
			return -1;
		}
	if (pmc_init_vpmu(&pmc, (volatile void *)bar2, vcpu) != PMC_OK) {
		record_none(pmc_why(&pmc));
		return -1;
	}
	/* A DTLB miss costs a 2-D walk under the monitor's nested paging. */
	pmc_vpmu_set_nested(&pmc, kinfo.virtualized);
	rec_begin(&r, "pmc");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "backend", "vpmu");
	rec_u64(&r, "vcpu", vcpu);
	rec_hex(&r, "bar2", bar2);
	rec_str(&r, "paging", kinfo.virtualized ? "nested" : "native");
	rec_end(&r);
	return 0;
}
#elif defined(PMC_BACKEND_INTEL) || defined(PMC_BACKEND_AMD)
/* Real instructions; a #GP (no such MSR, or the monitor denies it) becomes
 * -1 through the exception fixups. */
static int k_rdmsr(void *ctx, uint32_t msr, uint64_t *val)
{
	(void)ctx;
	return safe_rdmsr(msr, val) ? -1 : 0;
}

static int k_wrmsr(void *ctx, uint32_t msr, uint64_t val)
{
	(void)ctx;
	return safe_wrmsr(msr, val) ? -1 : 0;
}

static void k_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t regs[4])
{
	(void)ctx;
	cpuid(leaf, sub, regs);
}

static uint64_t k_rdpmc(void *ctx, uint32_t index)
{
	uint32_t lo, hi;
	(void)ctx;
	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(index));
	return (uint64_t)hi << 32 | lo;
}

static const struct pmc_msr_ops msr_ops = { k_rdmsr, k_wrmsr, k_cpuid, k_rdpmc };

static int backend_init(void)
{
	struct record r;
#if defined(PMC_BACKEND_INTEL)
	const char *name = "intel";
	int st = pmc_init_intel(&pmc, &msr_ops, 0, &pmc_event_table);
#else
	const char *name = "amd";
	int st = pmc_init_amd(&pmc, &msr_ops, 0, &pmc_event_table);
#endif
	if (st != PMC_OK) {
		record_none(pmc_why(&pmc));
		return -1;
	}
	rec_begin(&r, "pmc");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	rec_str(&r, "backend", name);
	rec_u64(&r, "counters", pmc.n_gp);
	rec_end(&r);
	return 0;
}
#else
static int backend_init(void)
{
	record_none("built with PMC=none");
	return -1;
}
#endif

/* Open NAME, or leave a record saying why this backend cannot count it. */
static int open_event(const char *name)
{
	int h = pmc_open(&pmc, name);
	if (h < 0) {
		struct record r;
		rec_begin(&r, "pmc_event_error");
		rec_u64(&r, "sandbox", kinfo.sandbox);
		rec_str(&r, "event", name);
		rec_str(&r, "why", pmc_why(&pmc));
		rec_end(&r);
	}
	return h;
}

bool kpmc_arm_miss_budget(uint64_t misses)
{
	if (!up || h_misses < 0 || pmc_arm_overflow(&pmc, h_misses, misses) != PMC_OK)
		return false;
	/* The PMU interrupt is the LAPIC's performance-counter LVT entry; the
	 * CPU masks it when it delivers a PMI, so unmask it at every arming. */
	lapic_write(LAPIC_LVT_PERF, VEC_PMI);
	return true;
}

bool kpmc_overflowed(void)
{
	return up && h_misses >= 0 && (pmc_overflow_take(&pmc) & (1u << h_misses));
}

int kpmc_open(const char *name)
{
	return up ? open_event(name) : -1;
}

uint64_t kpmc_read(int h)
{
	return pmc_read(&pmc, h);
}

void kpmc_init(void)
{
	up = backend_init() == 0;
	/*
	 * Only a kernel that will schedule VCPUs opens the scheduler's events,
	 * and it does so now, at boot: the vPMU plugin instruments guest memory
	 * accesses (its costly part) from the first enabled counter on, and
	 * that switch retranslates every vCPU's code, which under -icount
	 * shifts when timer interrupts land - harmless during boot, not in the
	 * middle of a measured schedule.
	 */
	if (up && kinfo.bi && kinfo.bi->taskset[0])
		kpmc_open_sched_events();
}

void kpmc_open_sched_events(void)
{
	if (!up || sched_events_open)
		return;
	sched_events_open = true;
	h_instr = open_event("INSTRUCTION_RETIRED");
	h_refs = open_event("LLC_REFERENCES");
	h_misses = open_event("LLC_MISSES");
	h_cycles = open_event("UNHALTED_CORE_CYCLES");
}

uint64_t kpmc_cycles(void)
{
	return h_cycles >= 0 ? pmc_read(&pmc, h_cycles) : 0;
}

/* Lines of the largest cache CPUID's deterministic cache parameters list
 * (leaf 4 on Intel, 0x8000001D on AMD: same layout). 0 if none. */
static uint64_t cpuid_llc_lines(void)
{
	uint32_t r[4], leaf = 4, best_level = 0;
	uint64_t lines = 0;
	cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x8000001Du) {
		cpuid(0x80000001u, 0, r);
		if (r[2] & (1u << 22))      /* TOPOEXT: AMD's leaf 0x8000001D */
			leaf = 0x8000001Du;
	}
	for (uint32_t sub = 0; sub < 16; sub++) {
		cpuid(leaf, sub, r);
		uint32_t type = r[0] & 0x1f, level = (r[0] >> 5) & 7;
		if (!type)
			break;
		if (type != 2 && level >= best_level) {   /* data or unified */
			best_level = level;
			lines = (uint64_t)((r[1] >> 22) + 1) * (((r[1] >> 12) & 0x3ff) + 1) * (r[2] + 1);
		}
	}
	return lines;
}

uint64_t kpmc_llc_lines(void)
{
#if defined(PMC_BACKEND_VPMU)
	if (up)
		return pmc_vpmu_llc_lines(&pmc);
#endif
	return cpuid_llc_lines();
}

void kpmc_set_llc_tag(uint32_t tag)
{
#if defined(PMC_BACKEND_VPMU)
	if (up)
		pmc_vpmu_set_llc_tag(&pmc, tag);
#else
	(void)tag;
#endif
}

bool kpmc_llc_truth(uint32_t tag, uint64_t *lines)
{
#if defined(PMC_BACKEND_VPMU)
	if (up) {
		*lines = pmc_vpmu_llc_occupancy_tag(&pmc, tag);
		return true;
	}
#endif
	(void)tag, (void)lines;
	return false;
}

bool kpmc_sample(uint64_t now, struct sched_pmc_sample *s)
{
	struct pmc_sample d;
	if (!up)
		return false;
	pmc_sample(&pmc, 0, &d);
	s->t = now;
	s->instructions = h_instr >= 0 ? d.delta[h_instr] : 0;
	s->llc_refs = h_refs >= 0 ? d.delta[h_refs] : 0;
	s->llc_misses = h_misses >= 0 ? d.delta[h_misses] : 0;
#if defined(PMC_BACKEND_VPMU)
	s->llc_fills_global = pmc_vpmu_llc_fills_global(&pmc);
#else
	s->llc_fills_global = 0;
#endif
	return true;
}
