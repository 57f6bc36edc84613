/* Intel architectural performance monitoring backend (Intel SDM vol. 3B,
 * "Architectural Performance Monitoring"): CPUID leaf 0xA describes the PMU;
 * general-purpose counters are IA32_PERFEVTSELx/IA32_PMCx, and from version 2
 * three fixed counters (instructions, core cycles, reference cycles) sit
 * behind IA32_FIXED_CTR_CTRL, all gated by IA32_PERF_GLOBAL_CTRL. Reads use
 * RDPMC. Architectural events go to a fixed counter when one is free, which
 * leaves the general counters for everything else. */
#include "pmc/pmc_backend.h"

#define MSR_PERFEVTSEL0 0x186u
#define MSR_PMC0 0xc1u
#define MSR_FIXED_CTR0 0x309u
#define MSR_FIXED_CTR_CTRL 0x38du
#define MSR_PERF_GLOBAL_CTRL 0x38fu
#define MSR_PERF_GLOBAL_STATUS 0x38eu
#define MSR_PERF_GLOBAL_OVF_CTRL 0x390u

#define EVTSEL_USR (1ull << 16)
#define EVTSEL_OS (1ull << 17)
#define EVTSEL_INT (1ull << 20)
#define EVTSEL_EN (1ull << 22)
#define FIXED_PMI(i) (8ull << (4 * (i)))	/* IA32_FIXED_CTR_CTRL field i, PMI bit */
/* What an event encoding contributes: event select, unit mask, edge detect,
 * invert and counter mask. Privilege, interrupt and enable bits are ours. */
#define EVTSEL_EVENT_BITS 0xff84ffffull

#define RDPMC_FIXED (1u << 30)
#define HW_FIXED 0x80000000u	/* our counter id: fixed counter i = HW_FIXED | i */

/* Architectural events: (event, umask), their CPUID.0AH:EBX bit, and the
 * fixed counter that counts them (-1 for none). */
static const struct {
	uint16_t evt_umask;	/* umask << 8 | event */
	int8_t ebx_bit, fixed;
} arch_events[] = {
	{0x003c, 0, 1},		/* UNHALTED_CORE_CYCLES */
	{0x00c0, 1, 0},		/* INSTRUCTION_RETIRED */
	{0x0300, 2, 2},		/* UNHALTED_REFERENCE_CYCLES (fixed ctr 2; GP encoding 0x013c) */
	{0x013c, 2, 2},
	{0x4f2e, 3, -1},	/* LLC_REFERENCES */
	{0x412e, 4, -1},	/* LLC_MISSES */
	{0x00c4, 5, -1},	/* BRANCH_INSTRUCTIONS_RETIRED */
	{0x00c5, 6, -1},	/* MISPREDICTED_BRANCH_RETIRED */
};

static int fail(struct pmc *p, int status, const char *why)
{
	p->why = why;
	return status;
}

int pmc_init_intel(struct pmc *p, const struct pmc_msr_ops *ops, void *ctx, const struct pmc_event_table *table)
{
	uint32_t r[4];
	*p = (struct pmc){.msr = ops, .msr_ctx = ctx, .table = table};
	if (!pmc_cpu_vendor_is(p, "GenuineIntel"))
		return fail(p, PMC_ENODEV, "intel: not an Intel CPU (CPUID vendor); build with PMC=amd or PMC=vpmu");
	ops->cpuid(ctx, 0, 0, r);
	if (r[0] < 0xa)
		return fail(p, PMC_ENODEV, "intel: CPUID has no leaf 0xA: no architectural performance monitoring");
	ops->cpuid(ctx, 0xa, 0, r);
	p->version = r[0] & 0xff;
	if (p->version == 0)
		return fail(p, PMC_ENODEV, "intel: CPUID leaf 0xA reports perfmon version 0: this CPU (or "
					   "hypervisor) exposes no PMU");
	p->n_gp = (r[0] >> 8) & 0xff;
	p->gp_width = (r[0] >> 16) & 0xff;
	/* EBX bits beyond the length EAX[31:24] gives are not valid: treat the
	 * events they would describe as absent. */
	uint32_t len = r[0] >> 24;
	p->unavailable = r[1] | (len < 32 ? ~((1u << len) - 1) : 0);
	if (p->version >= 2) {
		p->n_fixed = r[3] & 0x1f;
		p->fixed_width = (r[3] >> 5) & 0xff;
	}
	if (p->n_gp == 0 && p->n_fixed == 0)
		return fail(p, PMC_ENODEV, "intel: CPUID leaf 0xA reports no counters");
	/* Start from a known state: everything stopped. */
	if (p->version >= 2 && ops->wrmsr(ctx, MSR_PERF_GLOBAL_CTRL, 0))
		return fail(p, PMC_ENODEV, "intel: IA32_PERF_GLOBAL_CTRL faulted");
	for (uint32_t i = 0; i < p->n_gp; i++)
		if (ops->wrmsr(ctx, MSR_PERFEVTSEL0 + i, 0))
			return fail(p, PMC_ENODEV, "intel: IA32_PERFEVTSELx faulted");
	if (p->n_fixed && ops->wrmsr(ctx, MSR_FIXED_CTR_CTRL, 0))
		return fail(p, PMC_ENODEV, "intel: IA32_FIXED_CTR_CTRL faulted");
	p->be = &pmc_backend_intel;
	p->why = "";
	return PMC_OK;
}

/* Set GLOBAL_CTRL bit BIT (version 2+; version 1 has no global control). */
static int global_enable(struct pmc *p, uint32_t bit)
{
	uint64_t g;
	if (p->version < 2)
		return 0;
	if (p->msr->rdmsr(p->msr_ctx, MSR_PERF_GLOBAL_CTRL, &g))
		return -1;
	return p->msr->wrmsr(p->msr_ctx, MSR_PERF_GLOBAL_CTRL, g | (1ull << bit));
}

static int intel_start(struct pmc *p, unsigned ev, uint32_t *hw)
{
	const struct pmc_msr_ops *o = p->msr;
	uint64_t code = p->table->events[ev].code;
	uint16_t eu = (uint16_t)(code & 0xffff);
	int fixed = -1;

	for (unsigned i = 0; i < sizeof arch_events / sizeof arch_events[0]; i++) {
		if (arch_events[i].evt_umask != eu)
			continue;
		if (p->unavailable & (1u << arch_events[i].ebx_bit))
			return fail(p, PMC_ENOTSUP, "intel: CPUID leaf 0xA marks this architectural event unavailable");
		fixed = arch_events[i].fixed;
	}
	/* Fixed counters count exactly the unqualified event: no cmask/inv/edge. */
	if (fixed >= 0 && (uint32_t)fixed < p->n_fixed && !(p->used_fixed & (1u << fixed)) &&
	    (code & EVTSEL_EVENT_BITS) == eu) {
		uint64_t ctrl;
		if (o->rdmsr(p->msr_ctx, MSR_FIXED_CTR_CTRL, &ctrl) ||
		    o->wrmsr(p->msr_ctx, MSR_FIXED_CTR0 + (uint32_t)fixed, 0) ||
		    /* Field i: bit 0 counts ring 0, bit 1 rings > 0. */
		    o->wrmsr(p->msr_ctx, MSR_FIXED_CTR_CTRL, ctrl | (3ull << (4 * fixed))) ||
		    global_enable(p, 32 + (uint32_t)fixed))
			return fail(p, PMC_ENODEV, "intel: fixed-counter MSR faulted");
		p->used_fixed |= 1u << fixed;
		*hw = HW_FIXED | (uint32_t)fixed;
		return PMC_OK;
	}
	/* libpfm4 spells reference cycles 0x0300, which only fixed counter 2
	 * understands; a general counter would count nothing. */
	if (eu == 0x0300)
		return fail(p, PMC_EBUSY, "intel: UNHALTED_REFERENCE_CYCLES needs fixed counter 2, absent or in use");
	for (uint32_t i = 0; i < p->n_gp; i++) {
		if (p->used_gp & (1u << i))
			continue;
		if (o->wrmsr(p->msr_ctx, MSR_PMC0 + i, 0) ||
		    o->wrmsr(p->msr_ctx, MSR_PERFEVTSEL0 + i,
			     (code & EVTSEL_EVENT_BITS) | EVTSEL_USR | EVTSEL_OS | EVTSEL_EN) ||
		    global_enable(p, i))
			return fail(p, PMC_ENODEV, "intel: IA32_PERFEVTSELx/IA32_PMCx faulted");
		p->used_gp |= 1u << i;
		*hw = i;
		return PMC_OK;
	}
	return fail(p, PMC_EBUSY, "intel: every general-purpose counter is in use");
}

static uint64_t intel_read(struct pmc *p, uint32_t hw)
{
	if (hw & HW_FIXED)
		return p->msr->rdpmc(p->msr_ctx, RDPMC_FIXED | (hw & ~HW_FIXED));
	return p->msr->rdpmc(p->msr_ctx, hw);
}

static uint32_t intel_width(const struct pmc *p, uint32_t hw)
{
	return (hw & HW_FIXED) ? p->fixed_width : p->gp_width;
}

/* The counter's MSR, its interrupt-enable MSR and bit, and its bit in
 * IA32_PERF_GLOBAL_STATUS. */
struct intel_ctr {
	uint32_t ctr, ctl, status_bit;
	uint64_t int_bit;
};

static struct intel_ctr intel_ctr(uint32_t hw)
{
	uint32_t i = hw & ~HW_FIXED;
	if (hw & HW_FIXED)
		return (struct intel_ctr){ MSR_FIXED_CTR0 + i, MSR_FIXED_CTR_CTRL, 32 + i, FIXED_PMI(i) };
	return (struct intel_ctr){ MSR_PMC0 + i, MSR_PERFEVTSEL0 + i, i, EVTSEL_INT };
}

static int set_int(struct pmc *p, const struct intel_ctr *c, int on)
{
	uint64_t v;
	if (p->msr->rdmsr(p->msr_ctx, c->ctl, &v))
		return -1;
	return p->msr->wrmsr(p->msr_ctx, c->ctl, on ? v | c->int_bit : v & ~c->int_bit);
}

/* IA32_PMCx takes 32 bits and sign-extends them: write what it will hold. */
static int intel_arm(struct pmc *p, uint32_t hw, uint64_t preset)
{
	struct intel_ctr c = intel_ctr(hw);
	uint64_t v = (uint64_t)(int64_t)(int32_t)(uint32_t)preset;
	return p->msr->wrmsr(p->msr_ctx, c.ctr, v) || set_int(p, &c, 1) ? -1 : 0;
}

/* Version 2+ says which counter overflowed in IA32_PERF_GLOBAL_STATUS;
 * version 1 has no such register: the counter's value tells. */
static int intel_take(struct pmc *p, uint32_t hw, uint64_t preset)
{
	struct intel_ctr c = intel_ctr(hw);
	uint32_t w = intel_width(p, hw);
	uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1, status;
	int fired;

	if (p->version >= 2) {
		if (p->msr->rdmsr(p->msr_ctx, MSR_PERF_GLOBAL_STATUS, &status))
			return 0;
		fired = (status >> c.status_bit) & 1;
		if (fired)
			p->msr->wrmsr(p->msr_ctx, MSR_PERF_GLOBAL_OVF_CTRL, 1ull << c.status_bit);
	} else {
		fired = pmc_wrapped(intel_read(p, hw) & mask, preset & mask);
	}
	if (fired)
		set_int(p, &c, 0);
	return fired;
}

const struct pmc_backend pmc_backend_intel = {
	.name = "intel",
	.event_name = pmc_table_event_name,
	.start = intel_start,
	.read = intel_read,
	.width = intel_width,
	.arm = intel_arm,
	.take = intel_take,
	.max_preset = 0x7fffffffu,
};
