/* vpmu backend: the counters the QEMU plugin (pmc/qemu-plugin/) publishes
 * in shared memory, seen by the guest as ivshmem BAR2 (layout:
 * include/questv/vpmu.h). Counter slots are programmed like a hardware PMU's:
 * select an event into a slot of this vCPU's control page and set its
 * enable bit. The plugin acts on the control page at the start of the next
 * translated block, so every write here ends a block first (see sync()). */
#include "pmc/pmc_backend.h"
#include "pmc/pmc_vpmu.h"
#include "include/questv/vpmu.h"

static const struct {
	const char *name;
	uint32_t ev;
} vpmu_events[] = {
	{"INSTRUCTION_RETIRED", VPMU_EV_INSTRUCTIONS},
	{"UNHALTED_CORE_CYCLES", VPMU_EV_CYCLES},
	{"L1D_ACCESSES", VPMU_EV_L1D_ACCESSES},
	{"L1D_MISSES", VPMU_EV_L1D_MISSES},
	{"L2_ACCESSES", VPMU_EV_L2_ACCESSES},
	{"L2_MISSES", VPMU_EV_L2_MISSES},
	{"LLC_REFERENCES", VPMU_EV_LLC_REFERENCES},
	{"LLC_MISSES", VPMU_EV_LLC_MISSES},
	{"LLC_FILLS", VPMU_EV_LLC_FILLS},
	{"LLC_FILLS_GLOBAL", VPMU_EV_LLC_FILLS_GLOBAL},
	{"LLC_CROSS_EVICTIONS", VPMU_EV_LLC_CROSS_EVICTIONS},
	{"DTLB_MISSES", VPMU_EV_DTLB_MISSES},
	{"PAGE_WALK_REFS", VPMU_EV_PAGE_WALK_REFS},
};
#define N_EVENTS (sizeof vpmu_events / sizeof vpmu_events[0])

static volatile struct vpmu_header *hdr(const struct pmc *p)
{
	return (volatile struct vpmu_header *)(p->vpmu + VPMU_HEADER_OFF);
}

static volatile struct vpmu_control *ctl(const struct pmc *p)
{
	return (volatile struct vpmu_control *)(p->vpmu + VPMU_CONTROL_AT(p->vcpu));
}

static volatile struct vpmu_counters *ctrs(const struct pmc *p, uint32_t vcpu)
{
	return (volatile struct vpmu_counters *)(p->vpmu + VPMU_COUNTERS_AT(vcpu));
}

/* End the current translated block so the plugin sees the control page
 * before anything after this call runs: TCG ends a block at every jump, and
 * the "memory" clobber keeps the control writes before it. */
static void sync(void)
{
	__asm__ volatile("jmp 1f\n1:" ::: "memory");
}

int pmc_init_vpmu(struct pmc *p, volatile void *bar2, uint32_t vcpu)
{
	*p = (struct pmc){.vpmu = (volatile uint8_t *)bar2, .vcpu = vcpu};
	if (!bar2 || hdr(p)->magic != VPMU_MAGIC) {
		p->why = "vpmu: no vPMU in BAR2 (bad magic): start QEMU with -plugin build/vpmu.so,shm=FILE and "
			 "an ivshmem-plain device on the same FILE";
		return PMC_ENODEV;
	}
	if (hdr(p)->version != VPMU_VERSION) {
		p->why = "vpmu: the plugin's ABI version differs from this kernel's include/questv/vpmu.h";
		return PMC_ENODEV;
	}
	if (vcpu >= hdr(p)->n_vcpus) {
		p->why = "vpmu: vCPU index beyond the plugin's vCPUs";
		return PMC_ENODEV;
	}
	p->be = &pmc_backend_vpmu;
	p->why = "";
	return PMC_OK;
}

static const char *vpmu_event_name(const struct pmc *p, unsigned i)
{
	(void)p;
	return i < N_EVENTS ? vpmu_events[i].name : 0;
}

static int vpmu_start(struct pmc *p, unsigned ev, uint32_t *hw)
{
	for (uint32_t k = 0; k < VPMU_NCOUNTERS; k++) {
		if (p->used_slots & (1u << k))
			continue;
		ctl(p)->select[k] = vpmu_events[ev].ev;
		ctl(p)->enable |= 1u << k;
		sync();
		p->used_slots |= 1u << k;
		*hw = k;
		return PMC_OK;
	}
	p->why = "vpmu: every counter slot is in use";
	return PMC_EBUSY;
}

/* This vCPU's own page needs no seqlock: the plugin writes it on this
 * vCPU's thread, between translated blocks. */
static uint64_t vpmu_read(struct pmc *p, uint32_t hw)
{
	return ctrs(p, p->vcpu)->value[hw];
}

static uint32_t vpmu_width(const struct pmc *p, uint32_t hw)
{
	(void)p, (void)hw;
	return 64;
}

/* Apply ARM and DISARM (slot masks) and wait for the plugin to have. */
static void arm_step(struct pmc *p, uint32_t arm, uint32_t disarm)
{
	uint64_t seq = ctl(p)->arm_seq + 1;
	ctl(p)->arm_mask = arm;
	ctl(p)->disarm_mask = disarm;
	ctl(p)->arm_seq = seq;
	while (ctrs(p, p->vcpu)->arm_ack != seq)
		sync();
}

/* The plugin presets the slot itself (the guest cannot write counters). */
static int vpmu_arm(struct pmc *p, uint32_t hw, uint64_t preset)
{
	ctl(p)->preset[hw] = preset;
	arm_step(p, 1u << hw, 0);
	return 0;
}

/* The plugin disarmed a slot that raised its interrupt already; disarming
 * here covers a slot that wrapped between the check and the interrupt. */
static int vpmu_take(struct pmc *p, uint32_t hw, uint64_t preset)
{
	if (!pmc_wrapped(vpmu_read(p, hw), preset))
		return 0;
	arm_step(p, 0, 1u << hw);
	return 1;
}

#define VPMU_COUNTING .name = "vpmu", .event_name = vpmu_event_name, .start = vpmu_start, \
	.read = vpmu_read, .width = vpmu_width
const struct pmc_backend pmc_backend_vpmu = { VPMU_COUNTING };
/* With an interrupt line: overflow arming too. */
static const struct pmc_backend vpmu_with_pmi = { VPMU_COUNTING, .arm = vpmu_arm, .take = vpmu_take };

uint64_t pmc_vpmu_overflow_latency(const struct pmc *p, int h)
{
	if (h < 0 || (uint32_t)h >= p->n_open)
		return 0;
	volatile struct vpmu_counters *c = ctrs(p, p->vcpu);
	return c->total[VPMU_EV_INSTRUCTIONS] - c->overflow_insn[p->open[h].hw];
}

void pmc_vpmu_enable_overflow(struct pmc *p)
{
	if (p->be == &pmc_backend_vpmu)
		p->be = &vpmu_with_pmi;
}

void pmc_vpmu_set_paging(struct pmc *p, enum vpmu_paging mode)
{
	ctl(p)->paging = mode;
	sync();
}

void pmc_vpmu_reset(struct pmc *p)
{
	uint64_t seq = ctl(p)->reset_seq + 1;
	ctl(p)->reset_seq = seq;
	while (ctrs(p, p->vcpu)->reset_ack != seq)
		sync();
	/* The raw values restarted at zero: rebase the 64-bit totals too. */
	for (uint32_t h = 0; h < p->n_open; h++)
		p->open[h].raw_last = p->open[h].total = p->open[h].sampled = 0;
}

/* Bump region_seq to the next value of parity ODD. */
static void region_step(struct pmc *p, uint64_t odd)
{
	uint64_t seq = ctl(p)->region_seq + 1;
	if ((seq & 1) != odd)
		seq++;
	ctl(p)->region_seq = seq;
	sync();
}

void pmc_vpmu_region_begin(struct pmc *p) { region_step(p, 1); }
void pmc_vpmu_region_end(struct pmc *p) { region_step(p, 0); }

uint64_t pmc_vpmu_region(const struct pmc *p, int h)
{
	if (h < 0 || (uint32_t)h >= p->n_open)
		return 0;
	return ctrs(p, p->vcpu)->region_delta[p->open[h].hw];
}

uint64_t pmc_vpmu_llc_occupancy(const struct pmc *p, uint32_t vcpu)
{
	return ctrs(p, vcpu)->llc_occupancy_lines;
}

void pmc_vpmu_set_llc_tag(struct pmc *p, uint32_t tag)
{
	ctl(p)->llc_tag = tag;
}

uint64_t pmc_vpmu_llc_occupancy_tag(const struct pmc *p, uint32_t tag)
{
	return tag < VPMU_LLC_TAGS ? ctrs(p, p->vcpu)->llc_occupancy_tag[tag] : 0;
}

uint64_t pmc_vpmu_llc_lines(const struct pmc *p)
{
	return hdr(p)->line_size ? hdr(p)->llc_size / hdr(p)->line_size : 0;
}

uint64_t pmc_vpmu_llc_fills_global(const struct pmc *p)
{
	return hdr(p)->llc_fills_global;
}
