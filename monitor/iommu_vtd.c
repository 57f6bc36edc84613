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

#define GCMD_TE     (1u << 31)
#define GCMD_SRTP   (1u << 30)
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
		if (n < max)
			out[n++] = (struct vtd_fault){ .sid = (uint16_t)hi, .addr = lo & ~0xfffull,
						       .write = !(hi & FRCD_T),
						       .reason = (uint8_t)(hi >> 32) };
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
	default: return "other";
	}
}
