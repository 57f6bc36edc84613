/* VT-d register programming (see iommu_vtd.h; VT-d spec 3.4, 10.4, 6.5). */
#include "monitor/iommu_vtd.h"
#include "monitor/page_pool.h"
#include "lib/string.h"

#define REG_CAP     0x08
#define REG_ECAP    0x10
#define REG_GCMD    0x18
#define REG_GSTS    0x1C
#define REG_RTADDR  0x20
#define REG_CCMD    0x28
#define REG_FSTS    0x34
#define REG_IQH     0x80
#define REG_IQT     0x88
#define REG_IQA     0x90
#define REG_IRTA    0xB8

#define GCMD_TE     (1u << 31)
#define GCMD_SRTP   (1u << 30)
#define GCMD_QIE    (1u << 26)
#define GCMD_IRE    (1u << 25)
#define GCMD_SIRTP  (1u << 24)
#define GCMD_ONE_SHOT 0x96FFFFFFu   /* GSTS bits that are not commands to repeat */
#define CCMD_ICC    (1ull << 63)
#define CCMD_GLOBAL (1ull << 61)
#define IOTLB_IVT   (1ull << 63)
#define IOTLB_GLOBAL (1ull << 60)
#define FSTS_PFO    1u
#define FSTS_PPF    2u
#define FRCD_F      (1ull << 63)    /* in the record's high quadword */
#define FRCD_T      (1ull << 62)    /* 1: read request, 0: write */

#define CAP_SAGAW(c)  (((c) >> 8) & 0x1f)
#define CAP_SLLPS_2M  (1ull << 34)
#define CAP_FRO(c)    ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define CAP_NFR(c)    ((unsigned)(((c) >> 40) & 0xff) + 1)
#define ECAP_IRO(e)   ((unsigned)(((e) >> 8) & 0x3ff) * 16)
#define ECAP_QI       (1ull << 1)
#define ECAP_IR       (1ull << 3)
#define FRCD_IR_REASON 0x20         /* reasons from here on are interrupt-remapping faults */
#define DESC_IEC_GLOBAL 0x4ull      /* interrupt entry cache invalidation, all entries */
#define DESC_WAIT_SW  (0x5ull | 1ull << 5)  /* wait, then write status data */
#define WAIT_DONE     1u
#define SAGAW_39      2u
#define SAGAW_48      4u
#define SPIN_MAX      1000000u      /* register polls before giving up */

static uint32_t rd32(const struct vtd *u, unsigned off) { return *(volatile uint32_t *)(u->regs + off); }
static uint64_t rd64(const struct vtd *u, unsigned off) { return *(volatile uint64_t *)(u->regs + off); }
static void wr32(struct vtd *u, unsigned off, uint32_t v) { *(volatile uint32_t *)(u->regs + off) = v; }
static void wr64(struct vtd *u, unsigned off, uint64_t v) { *(volatile uint64_t *)(u->regs + off) = v; }

int vtd_init(struct vtd *u, uint64_t reg_base, const char **why)
{
	unsigned sagaw;
	memset(u, 0, sizeof *u);
	u->regs = (uintptr_t)reg_base;
	u->cap = rd64(u, REG_CAP);
	u->ecap = rd64(u, REG_ECAP);
	sagaw = CAP_SAGAW(u->cap);
	u->aw = sagaw & SAGAW_48 ? VTD_AW_48 : sagaw & SAGAW_39 ? VTD_AW_39 : 0;
	if (!u->aw) {
		*why = "VT-d unit supports neither 3- nor 4-level second-level tables";
		return -1;
	}
	if (!(u->cap & CAP_SLLPS_2M)) {
		*why = "VT-d unit has no 2 MiB second-level pages (sandbox RAM maps with them)";
		return -1;
	}
	if (!(u->root = pool_alloc(1))) {
		*why = "out of monitor pages for the VT-d root table";
		return -1;
	}
	u->root_pa = (uintptr_t)u->root;
	return 0;
}

int vtd_attach(struct vtd *u, uint16_t bdf, const struct nested_pt *sl, uint16_t did,
	       const char **why)
{
	unsigned bus = bdf >> 8, devfn = bdf & 0xff;
	uint64_t slpt = sl->root_pa;

	if (!u->ctx[bus]) {
		if (!(u->ctx[bus] = pool_alloc(1))) {
			*why = "out of monitor pages for a VT-d context table";
			return -1;
		}
		u->root[bus] = vtd_root_entry((uintptr_t)u->ctx[bus]);
	}
	/* Three levels start one level down: the table of the first 512 GiB,
	 * where all of a sandbox's RAM lies. */
	if (u->aw == VTD_AW_39)
		slpt = sl->root[0] & 0x000FFFFFFFFFF000ull;
	u->ctx[bus][devfn] = vtd_context_entry(slpt, u->aw, did);
	(void)why;
	return 0;
}

static int wait_gsts(struct vtd *u, uint32_t bit, const char *what, const char **why)
{
	for (unsigned i = 0; i < SPIN_MAX; i++)
		if (rd32(u, REG_GSTS) & bit)
			return 0;
	*why = what;
	return -1;
}

static int wait_clear64(struct vtd *u, unsigned off, uint64_t bit, const char *what,
			const char **why)
{
	for (unsigned i = 0; i < SPIN_MAX; i++)
		if (!(rd64(u, off) & bit))
			return 0;
	*why = what;
	return -1;
}

static void command(struct vtd *u, uint32_t cmd)
{
	wr32(u, REG_GCMD, (rd32(u, REG_GSTS) & GCMD_ONE_SHOT) | cmd);
}

int vtd_enable(struct vtd *u, const char **why)
{
	unsigned iotlb = ECAP_IRO(u->ecap) + 8;

	wr64(u, REG_RTADDR, u->root_pa);
	command(u, GCMD_SRTP);
	if (wait_gsts(u, GCMD_SRTP, "VT-d unit did not take the root table", why))
		return -1;
	wr64(u, REG_CCMD, CCMD_ICC | CCMD_GLOBAL);
	if (wait_clear64(u, REG_CCMD, CCMD_ICC, "VT-d context-cache invalidation did not finish", why))
		return -1;
	wr64(u, iotlb, IOTLB_IVT | IOTLB_GLOBAL);
	if (wait_clear64(u, iotlb, IOTLB_IVT, "VT-d IOTLB invalidation did not finish", why))
		return -1;
	command(u, GCMD_TE);
	if (wait_gsts(u, GCMD_TE, "VT-d unit did not turn translation on", why))
		return -1;
	u->enabled = true;
	return 0;
}

bool vtd_can_remap_irqs(const struct vtd *u)
{
	return (u->ecap & ECAP_IR) && (u->ecap & ECAP_QI);
}

/* Queue two descriptors (IEC global, then a wait writing WAIT_DONE) and
 * poll for the status: the unit has then dropped any IRTE it cached. */
static int invalidate_irtes(struct vtd *u, const char **why)
{
	static volatile uint32_t status;
	uint64_t tail = rd64(u, REG_IQT) >> 4 & 0x7fff;

	status = 0;
	u->queue[tail % VTD_ENTRIES] = (struct vtd_entry){ DESC_IEC_GLOBAL, 0 };
	u->queue[(tail + 1) % VTD_ENTRIES] =
		(struct vtd_entry){ DESC_WAIT_SW | (uint64_t)WAIT_DONE << 32, (uintptr_t)&status };
	wr64(u, REG_IQT, ((tail + 2) % VTD_ENTRIES) << 4);
	for (unsigned i = 0; i < SPIN_MAX; i++)
		if (status == WAIT_DONE)
			return 0;
	*why = "VT-d interrupt entry cache invalidation did not finish";
	return -1;
}

int vtd_enable_irq_remap(struct vtd *u, uint64_t irt_pa, const char **why)
{
	if (!(u->queue = pool_alloc(1))) {
		*why = "out of monitor pages for the VT-d invalidation queue";
		return -1;
	}
	wr64(u, REG_IQT, 0);
	wr64(u, REG_IQA, (uintptr_t)u->queue);   /* QS 0: one page, 256 descriptors */
	command(u, GCMD_QIE);
	if (wait_gsts(u, GCMD_QIE, "VT-d unit did not turn queued invalidation on", why))
		return -1;
	wr64(u, REG_IRTA, irt_pa | VTD_IRT_SIZE_LOG2);   /* EIME clear: xAPIC */
	command(u, GCMD_SIRTP);
	if (wait_gsts(u, GCMD_SIRTP, "VT-d unit did not take the interrupt remapping table", why) ||
	    invalidate_irtes(u, why))
		return -1;
	command(u, GCMD_IRE);
	return wait_gsts(u, GCMD_IRE, "VT-d unit did not turn interrupt remapping on", why);
}

unsigned vtd_take_faults(struct vtd *u, struct vtd_fault *out, unsigned max)
{
	unsigned n = 0, nfr = CAP_NFR(u->cap), fro = CAP_FRO(u->cap);
	uint32_t fsts = rd32(u, REG_FSTS);

	if (!(fsts & (FSTS_PPF | FSTS_PFO)))
		return 0;
	for (unsigned i = 0; i < nfr; i++) {
		unsigned off = fro + i * 16;
		uint64_t hi = rd64(u, off + 8), lo;
		if (!(hi & FRCD_F))
			continue;
		lo = rd64(u, off);
		if (n < max) {
			uint8_t reason = (uint8_t)(hi >> 32);
			out[n++] = (struct vtd_fault){ .sid = (uint16_t)hi, .addr = lo & ~0xfffull,
						       .write = !(hi & FRCD_T), .reason = reason,
						       .intr = reason >= FRCD_IR_REASON,
						       .index = (uint16_t)(lo >> 48) };
		}
		wr64(u, off + 8, FRCD_F);     /* write-1-to-clear */
	}
	wr32(u, REG_FSTS, FSTS_PFO | FSTS_PPF);
	return n;
}

const char *vtd_fault_reason(uint8_t reason)
{
	switch (reason) {
	case 0x1: return "root entry not present";
	case 0x2: return "context entry not present";
	case 0x3: return "invalid context entry";
	case 0x4: return "address beyond the domain's width";
	case 0x5: return "write not permitted";
	case 0x6: return "read not permitted";
	case 0x7: return "second-level table not accessible";
	case 0xA: case 0xB: case 0xC: return "reserved bits set";
	case 0x20: return "interrupt request with reserved bits set";
	case 0x21: return "interrupt index beyond the remapping table";
	case 0x22: return "interrupt remapping entry not present";
	case 0x23: return "interrupt remapping table not accessible";
	case 0x24: return "reserved bits set in an interrupt remapping entry";
	case 0x25: return "compatibility-format interrupt blocked";
	case 0x26: return "interrupt source-id verification failed";
	default: return "other";
	}
}
