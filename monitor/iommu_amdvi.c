/* AMD-Vi register programming (see iommu_amdvi.h; AMD IOMMU spec 3.08, 3.4). */
#include "monitor/iommu_amdvi.h"
#include "monitor/page_pool.h"

#define REG_DEVTAB   0x0000
#define REG_CMD_BASE 0x0008
#define REG_EVT_BASE 0x0010
#define REG_CONTROL  0x0018
#define REG_EFR      0x0030
#define REG_CMD_HEAD 0x2000
#define REG_CMD_TAIL 0x2008
#define REG_EVT_HEAD 0x2010
#define REG_EVT_TAIL 0x2018
#define REG_STATUS   0x2020

#define CTL_IOMMU_EN  (1ull << 0)
#define CTL_EVTLOG_EN (1ull << 2)
#define CTL_CMDBUF_EN (1ull << 12)
#define STATUS_EVT_OVERFLOW 1ull
#define LEN_256       (8ull << 56)   /* ComLen / EventLen: 2^8 entries, one page */
#define RING          256u
#define ENTRY         16u
#define DEVTAB_PAGES  (AMDVI_DEVTAB_BUSES * 256 * sizeof(struct amdvi_dte) / 4096)
#define SPIN_MAX      1000000u       /* polls before giving up */
#define PROBE_SPIN    100000u        /* for the probe's event: a unit logs in microseconds */

static uint64_t rd(const struct amdvi *u, unsigned off) { return *(volatile uint64_t *)(u->regs + off); }
static void wr(struct amdvi *u, unsigned off, uint64_t v) { *(volatile uint64_t *)(u->regs + off) = v; }

int amdvi_attach(struct amdvi *u, uint16_t devid, const struct nested_pt *pt, uint16_t did,
		 const char **why)
{
	if (devid >= AMDVI_DEVTAB_BUSES * 256) {
		*why = "an assigned PCI function's bus lies beyond the AMD-Vi device table";
		return -1;
	}
	if (u->nattached == sizeof u->attached / sizeof u->attached[0]) {
		*why = "more functions behind one AMD-Vi unit than the monitor tracks";
		return -1;
	}
	u->devtab[devid] = amdvi_dte_confined(pt->root_pa, did);
	u->attached[u->nattached] = devid;
	u->domain[u->nattached++] = did;
	return 0;
}

static void submit(struct amdvi *u, struct amdvi_cmd c)
{
	u->cmd[u->cmd_tail] = c;
	u->cmd_tail = (u->cmd_tail + 1) % RING;
	wr(u, REG_CMD_TAIL, u->cmd_tail * ENTRY);
}

/* Every command before it has finished once the unit stores the token. */
static int completion_wait(struct amdvi *u, const char **why)
{
	uint64_t token = ++u->waits;
	submit(u, amdvi_cmd_completion_wait((uintptr_t)u->sem, token));
	for (unsigned i = 0; i < SPIN_MAX; i++)
		if (*u->sem == token)
			return 0;
	*why = "AMD-Vi unit did not complete a COMPLETION_WAIT command";
	return -1;
}

/* An illegal command must come back as an event; it also stops the
 * command buffer, which is restarted past it. */
static bool probe_event_log(struct amdvi *u)
{
	uint64_t head = rd(u, REG_EVT_HEAD);
	bool seen = false;
	struct amdvi_event e;

	submit(u, amdvi_cmd_illegal());
	for (unsigned i = 0; i < PROBE_SPIN && !seen; i++)
		seen = rd(u, REG_EVT_TAIL) != head;
	wr(u, REG_CONTROL, CTL_IOMMU_EN | CTL_EVTLOG_EN);
	wr(u, REG_CMD_HEAD, u->cmd_tail * ENTRY);
	wr(u, REG_CONTROL, CTL_IOMMU_EN | CTL_EVTLOG_EN | CTL_CMDBUF_EN);
	return seen && amdvi_take_events(u, &e, 1) == 1 && e.code == AMDVI_EVENT_ILLEGAL_COMMAND;
}

int amdvi_init(struct amdvi *u, uint64_t reg_base, const char **why)
{
	*u = (struct amdvi){ .regs = (uintptr_t)reg_base };
	u->efr = rd(u, REG_EFR);
	u->devtab = pool_alloc(DEVTAB_PAGES);
	u->cmd = pool_alloc(1);
	u->evlog = pool_alloc(1);
	u->sem = pool_alloc(1);
	if (!u->devtab || !u->cmd || !u->evlog || !u->sem) {
		*why = "out of monitor pages for the AMD-Vi device table, command buffer or event log";
		return -1;
	}
	wr(u, REG_DEVTAB, (uintptr_t)u->devtab | (DEVTAB_PAGES - 1));
	wr(u, REG_CMD_BASE, (uintptr_t)u->cmd | LEN_256);
	wr(u, REG_EVT_BASE, (uintptr_t)u->evlog | LEN_256);
	wr(u, REG_CMD_HEAD, 0);
	wr(u, REG_CMD_TAIL, 0);
	wr(u, REG_EVT_HEAD, 0);
	wr(u, REG_EVT_TAIL, 0);
	/* No entry is valid yet: every device still reaches memory untranslated. */
	wr(u, REG_CONTROL, CTL_IOMMU_EN | CTL_EVTLOG_EN | CTL_CMDBUF_EN);
	if (completion_wait(u, why))
		return -1;
	u->event_log = probe_event_log(u);
	return completion_wait(u, why);
}

int amdvi_route(struct amdvi *u, uint16_t source, uint8_t vector, uint8_t apic_id,
		const char **why)
{
	if (source >= AMDVI_DEVTAB_BUSES * 256 || (u->irt && source != u->irt_source)) {
		*why = "the I/O APIC's device ID lies beyond the AMD-Vi device table, or is not one";
		return -1;
	}
	if (!u->irt && !(u->irt = pool_alloc(AMDVI_IRT_ENTRIES * 4 / 4096))) {
		*why = "out of monitor pages for the AMD-Vi interrupt remapping table";
		return -1;
	}
	u->irt_source = source;
	/* Fixed delivery: the message's data bits 10:0 are the vector alone. */
	u->irt[vector] = amdvi_irte(vector, apic_id);
	return 0;
}

int amdvi_flush(struct amdvi *u, const char **why)
{
	if (u->irt) {
		u->devtab[u->irt_source] = amdvi_dte_intremap((uintptr_t)u->irt);
		submit(u, amdvi_cmd_inval_devtab(u->irt_source));
		submit(u, amdvi_cmd_inval_irt(u->irt_source));
	}
	for (unsigned i = 0; i < u->nattached; i++) {
		submit(u, amdvi_cmd_inval_devtab(u->attached[i]));
		submit(u, amdvi_cmd_inval_domain(u->domain[i]));
	}
	return completion_wait(u, why);
}

unsigned amdvi_take_events(struct amdvi *u, struct amdvi_event *out, unsigned max)
{
	uint64_t head = rd(u, REG_EVT_HEAD) % (RING * ENTRY), tail = rd(u, REG_EVT_TAIL) % (RING * ENTRY);
	unsigned n = 0;

	while (head != tail) {
		const uint64_t *ev = u->evlog[head / ENTRY];
		if (n < max)
			out[n++] = amdvi_event_decode(ev[0], ev[1]);
		head = (head + ENTRY) % (RING * ENTRY);
	}
	wr(u, REG_EVT_HEAD, head);
	if (rd(u, REG_STATUS) & STATUS_EVT_OVERFLOW)
		wr(u, REG_STATUS, STATUS_EVT_OVERFLOW);   /* write-1-to-clear */
	return n;
}
