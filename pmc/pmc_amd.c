/* AMD core performance counters (AMD64 APM vol. 2, "Performance Monitoring
 * Counters"): four legacy PerfEvtSel0-3/PerfCtr0-3 pairs at
 * 0xC0010000/0xC0010004, or, when CPUID Fn8000_0001 ECX bit 23
 * (PerfCtrExtCore) is set, six interleaved pairs at 0xC0010200 + 2i (select)
 * and 0xC0010201 + 2i (count). Counters are 48 bits; reads use RDPMC. AMD
 * has no CPUID bit that says the counters exist, so init writes a select
 * register and reads it back. */
#include "pmc/pmc_backend.h"

#define MSR_LEGACY_CTL 0xc0010000u
#define MSR_LEGACY_CTR 0xc0010004u
#define MSR_EXT_CTL 0xc0010200u
#define MSR_EXT_CTR 0xc0010201u

#define EVTSEL_USR (1ull << 16)
#define EVTSEL_OS (1ull << 17)
#define EVTSEL_INT (1ull << 20)
#define EVTSEL_EN (1ull << 22)
/* Event select [7:0] and [35:32], unit mask, edge, invert, counter mask,
 * host/guest-only: what an encoding contributes. */
#define EVTSEL_EVENT_BITS 0x3ff84ffffull
#define PERFCTR_EXT_CORE (1u << 23)
#define COUNTER_WIDTH 48u
/* Read-back probe value: cycles event (0x76) with both privilege bits and
 * the enable bit clear, so it counts nothing even on a real PMU. */
#define PROBE_VALUE 0x30076ull

static int fail(struct pmc *p, int status, const char *why)
{
	p->why = why;
	return status;
}

int pmc_init_amd(struct pmc *p, const struct pmc_msr_ops *ops, void *ctx, const struct pmc_event_table *table)
{
	uint32_t r[4];
	uint64_t back = 0;
	*p = (struct pmc){.msr = ops, .msr_ctx = ctx, .table = table};
	if (!pmc_cpu_vendor_is(p, "AuthenticAMD"))
		return fail(p, PMC_ENODEV, "amd: not an AMD CPU (CPUID vendor); build with PMC=intel or PMC=vpmu");
	ops->cpuid(ctx, 0x80000000u, 0, r);
	uint32_t ext = 0;
	if (r[0] >= 0x80000001u) {
		ops->cpuid(ctx, 0x80000001u, 0, r);
		ext = r[2] & PERFCTR_EXT_CORE;
	}
	p->ctl_base = ext ? MSR_EXT_CTL : MSR_LEGACY_CTL;
	p->ctr_base = ext ? MSR_EXT_CTR : MSR_LEGACY_CTR;
	p->ctl_stride = ext ? 2 : 1;
	p->n_gp = ext ? 6 : 4;
	p->gp_width = COUNTER_WIDTH;
	if (ops->wrmsr(ctx, p->ctl_base, PROBE_VALUE) || ops->rdmsr(ctx, p->ctl_base, &back) || back != PROBE_VALUE)
		return fail(p, PMC_ENODEV, "amd: PerfEvtSel0 does not keep a written value: this CPU (or "
					   "hypervisor) exposes no PMU");
	for (uint32_t i = 0; i < p->n_gp; i++)
		if (ops->wrmsr(ctx, p->ctl_base + i * p->ctl_stride, 0))
			return fail(p, PMC_ENODEV, "amd: PerfEvtSel faulted");
	p->be = &pmc_backend_amd;
	p->why = "";
	return PMC_OK;
}

static int amd_start(struct pmc *p, unsigned ev, uint32_t *hw)
{
	uint64_t code = p->table->events[ev].code;
	for (uint32_t i = 0; i < p->n_gp; i++) {
		if (p->used_gp & (1u << i))
			continue;
		/* Zero the count before enabling, so it starts from nothing. */
		if (p->msr->wrmsr(p->msr_ctx, p->ctr_base + i * p->ctl_stride, 0) ||
		    p->msr->wrmsr(p->msr_ctx, p->ctl_base + i * p->ctl_stride,
				  (code & EVTSEL_EVENT_BITS) | EVTSEL_USR | EVTSEL_OS | EVTSEL_EN))
			return fail(p, PMC_ENODEV, "amd: PerfEvtSel/PerfCtr faulted");
		p->used_gp |= 1u << i;
		*hw = i;
		return PMC_OK;
	}
	return fail(p, PMC_EBUSY, "amd: every counter is in use");
}

/* RDPMC's ECX is the counter number in both layouts. */
static uint64_t amd_read(struct pmc *p, uint32_t hw)
{
	return p->msr->rdpmc(p->msr_ctx, hw);
}

static uint32_t amd_width(const struct pmc *p, uint32_t hw)
{
	(void)hw;
	return p->gp_width;
}

static int amd_set_int(struct pmc *p, uint32_t hw, int on)
{
	uint32_t ctl = p->ctl_base + hw * p->ctl_stride;
	uint64_t v;
	if (p->msr->rdmsr(p->msr_ctx, ctl, &v))
		return -1;
	return p->msr->wrmsr(p->msr_ctx, ctl, on ? v | EVTSEL_INT : v & ~EVTSEL_INT);
}

/* PerfCtr takes all 48 bits. */
static int amd_arm(struct pmc *p, uint32_t hw, uint64_t preset)
{
	return p->msr->wrmsr(p->msr_ctx, p->ctr_base + hw * p->ctl_stride, preset) ||
	       amd_set_int(p, hw, 1) ? -1 : 0;
}

/* No overflow status register before PerfMonV2: the counter's value tells. */
static int amd_take(struct pmc *p, uint32_t hw, uint64_t preset)
{
	uint64_t mask = (1ull << COUNTER_WIDTH) - 1;
	if (!pmc_wrapped(amd_read(p, hw) & mask, preset & mask))
		return 0;
	amd_set_int(p, hw, 0);
	return 1;
}

const struct pmc_backend pmc_backend_amd = {
	.name = "amd",
	.event_name = pmc_table_event_name,
	.start = amd_start,
	.read = amd_read,
	.width = amd_width,
	.arm = amd_arm,
	.take = amd_take,
};
