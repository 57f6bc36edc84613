/* The IOMMU choice and its records (see iommu.h). */
#include "monitor/iommu.h"
#include "monitor/acpi.h"
#include "monitor/dmar.h"
#include "monitor/iommu_vtd.h"
#include "monitor/ivrs.h"
#include "monitor/iommu_amdvi.h"
#include "monitor/iommu_vtd_irt.h"
#include "monitor/page_pool.h"
#include "monitor/spinlock.h"
#include "lib/record.h"

#define MAX_OWNED (CFG_MAX_SANDBOXES * CFG_MAX_PCI)

static struct dmar_info dmar;
static struct vtd units[DMAR_MAX_UNITS];
static bool active;
static bool amd;                 /* AMD-Vi (IVRS) rather than VT-d */
static struct ivrs_info ivrs;
static struct amdvi amd_units[IVRS_MAX_UNITS];
static bool irq_remap;     /* VT-d interrupt remapping: set up at iommu_setup, on at iommu_enable */
static struct nested_pt dma_pt[CFG_MAX_SANDBOXES];   /* each sandbox's DMA view */
static struct { pci_bdf bdf; unsigned sandbox; } owned[MAX_OWNED];
static unsigned nowned;
static unsigned faults_of[CFG_MAX_SANDBOXES];   /* since each one's last HC_DMA_FAULTS */
static struct spinlock fault_lock;

static const char *const mode_name[] = { "auto", "off", "required" };

static void record_choice(enum cfg_iommu mode, const char *kind, const char *note)
{
	struct record r;
	rec_begin(&r, "iommu");
	rec_str(&r, "mode", mode_name[mode]);
	rec_str(&r, "iommu", kind);
	if (active && amd) {
		rec_u64(&r, "units", ivrs.nunits);
		rec_u64(&r, "levels", AMDVI_LEVELS);
		rec_bool(&r, "intr_remap", ivrs.unit[0].has_ioapic);
		rec_bool(&r, "fault_log", amd_units[0].event_log);
	} else if (active) {
		rec_u64(&r, "units", dmar.nunits);
		rec_u64(&r, "haw", dmar.haw);
		rec_u64(&r, "levels", units[0].aw == VTD_AW_48 ? 4 : 3);
		rec_bool(&r, "intr_remap", dmar.intr_remap);
		rec_bool(&r, "irq_remap", irq_remap);
	}
	if (note)
		rec_str(&r, "note", note);
	rec_end(&r);
}

/* Initialise VT-d from the DMAR table t; 0 or -1 with *why. */
static int find_vtd(const void *t, uint32_t len, const char **why)
{
	if ((*why = dmar_parse(t, len, &dmar)))
		return -1;
	for (unsigned i = 0; i < dmar.nunits; i++)
		if (vtd_init(&units[i], dmar.unit[i].reg_base, why))
			return -1;
	return 0;
}

/* Initialise AMD-Vi from the IVRS table t; 0 or -1 with *why. */
static int find_amdvi(const void *t, uint32_t len, const char **why)
{
	if ((*why = ivrs_parse(t, len, &ivrs)))
		return -1;
	for (unsigned i = 0; i < ivrs.nunits; i++)
		if (amdvi_init(&amd_units[i], ivrs.unit[i].reg_base, why))
			return -1;
	amd = true;
	return 0;
}

/* Whichever IOMMU the platform has; 0 or -1 with *why (none to use). */
static int find_iommu(const void *rsdp, const char **why)
{
	uint32_t len;
	const void *t;

	if ((t = acpi_table(rsdp, "DMAR", &len)))
		return find_vtd(t, len, why);
	if ((t = acpi_table(rsdp, "IVRS", &len)))
		return find_amdvi(t, len, why);
	*why = "ACPI lists no DMAR or IVRS table: no IOMMU (QEMU: -machine q35 -device "
	       "intel-iommu or amd-iommu)";
	return -1;
}

/* Whether every unit can remap interrupts, and the I/O APIC is named; 0,
 * or the reason it cannot. */
static const char *irq_remap_missing(void)
{
	if (!dmar.intr_remap)
		return "DMAR does not offer interrupt remapping (QEMU: intel-iommu,intremap=on)";
	if (!dmar.has_ioapic)
		return "DMAR names no I/O APIC: its lines cannot be remapped";
	for (unsigned i = 0; i < dmar.nunits; i++)
		if (!vtd_can_remap_irqs(&units[i]))
			return "a VT-d unit lacks interrupt remapping or queued invalidation";
	if (!vtd_irt_pa())
		return "out of monitor pages for the VT-d interrupt remapping table";
	return 0;
}

int iommu_setup(enum cfg_iommu mode, const void *acpi_rsdp, const char **why)
{
	if (mode == CFG_IOMMU_OFF) {
		record_choice(mode, "none", "iommu = off");
		return 0;
	}
	if (find_iommu(acpi_rsdp, why)) {
		record_choice(mode, "none", *why);
		return mode == CFG_IOMMU_REQUIRED ? -1 : 0;
	}
	active = true;
	if (amd) {
		record_choice(mode, "amdvi", !amd_units[0].event_log ?
			      "the AMD-Vi event log took no event (an illegal command was not logged): "
			      "DMA is confined but its faults cannot be recorded" : 0);
		return 0;
	}
	/* Without interrupt remapping a device's write to the interrupt
	 * window still reaches any core: required refuses that. */
	*why = irq_remap_missing();
	irq_remap = !*why;
	record_choice(mode, "vtd", *why);
	return *why && mode == CFG_IOMMU_REQUIRED ? -1 : 0;
}

bool iommu_irq_remapping(void)
{
	return irq_remap;
}

int iommu_remap_ioapic_line(uint8_t vector, uint8_t apic_id, uint32_t *lo, uint32_t *hi,
			    const char **why)
{
	int h = vtd_irt_add(dmar.ioapic_sid, vector, apic_id, true, why);
	if (h < 0)
		return -1;
	vtd_ioapic_rte((uint16_t)h, vector, 1, lo, hi);
	return 0;
}

int iommu_remap_msi(pci_bdf bdf, uint8_t vector, uint8_t apic_id, uint32_t *addr, uint32_t *data,
		    const char **why)
{
	int h = vtd_irt_add(bdf, vector, apic_id, false, why);
	if (h < 0)
		return -1;
	*addr = vtd_msi_address((uint16_t)h);
	*data = 0;
	return 0;
}

bool iommu_active(void)
{
	return active;
}

static void record_confine(const struct sandbox *sb, pci_bdf bdf, bool confined)
{
	struct record r;
	rec_begin(&r, "dma_confine");
	rec_u64(&r, "sandbox", sb->id);
	rec_hex(&r, "bdf", bdf);
	rec_str(&r, "iommu", !confined ? "none" : amd ? "amdvi" : "vtd");
	rec_bool(&r, "confined", confined);
	rec_bool(&r, "irq_remap", confined && (irq_remap || amd));
	rec_end(&r);
}

/* The sandbox's DMA view: its RAM read-write at guest-physical 0. */
static struct nested_pt *dma_view(const struct sandbox *sb, const char **why)
{
	struct nested_pt *pt = &dma_pt[sb->id];
	if (pt->root)
		return pt;
	*why = "out of monitor pages for a sandbox's DMA view";
	if (npt_init(pt, amd ? &amdvi_pt_format : &vtd_sl_format, &pool_pt_alloc) ||
	    npt_map(pt, 0, sb->base, sb->size, PT_R | PT_W, PT_WB)) {
		pt->root = 0;
		return 0;
	}
	return pt;
}

/* bdf's requests go through pt in the AMD-Vi unit that translates it. */
static int attach_amdvi(pci_bdf bdf, const struct nested_pt *pt, uint16_t did,
			const char **why)
{
	uint16_t requester;
	const struct ivrs_unit *iu = ivrs_unit_for(&ivrs, bdf, &requester);

	if (!iu) {
		*why = "no AMD-Vi unit translates an assigned PCI function (IVRS device entries)";
		return -1;
	}
	return amdvi_attach(&amd_units[iu - ivrs.unit], requester, pt, did, why);
}

/* bdf's requests go through pt in the VT-d unit that translates it. */
static int attach_vtd(pci_bdf bdf, const struct nested_pt *pt, uint16_t did, const char **why)
{
	const struct dmar_unit *du = dmar_unit_for(&dmar, bdf);

	if (!du) {
		*why = "no VT-d unit translates an assigned PCI function (DMAR scopes)";
		return -1;
	}
	return vtd_attach(&units[du - dmar.unit], bdf, pt, did, why);
}

int iommu_confine(const struct sandbox *sb, pci_bdf bdf, const char **why)
{
	struct nested_pt *pt;

	if (!active) {
		record_confine(sb, bdf, false);
		return 0;
	}
	if (!(pt = dma_view(sb, why)) ||
	    (amd ? attach_amdvi : attach_vtd)(bdf, pt, (uint16_t)(sb->id + 1), why))
		return -1;
	if (nowned < MAX_OWNED)
		owned[nowned++] = (typeof(owned[0])){ bdf, sb->id };
	record_confine(sb, bdf, true);
	return 0;
}

static void record_remap(uint16_t source, uint8_t vector, uint8_t apic_id)
{
	struct record r;
	rec_begin(&r, "irq_remap");
	rec_str(&r, "iommu", "amdvi");
	rec_hex(&r, "sid", source);
	rec_u64(&r, "vector", vector);
	rec_u64(&r, "apic_id", apic_id);
	rec_str(&r, "trigger", "edge");
	rec_end(&r);
}

int iommu_route_irq(uint8_t vector, uint8_t apic_id, bool *edge, const char **why)
{
	*edge = false;
	for (unsigned i = 0; active && amd && i < ivrs.nunits; i++) {
		if (!ivrs.unit[i].has_ioapic)
			continue;
		if (amdvi_route(&amd_units[i], ivrs.unit[i].ioapic_devid, vector, apic_id, why))
			return -1;
		record_remap(ivrs.unit[i].ioapic_devid, vector, apic_id);
		*edge = true;
	}
	return 0;
}

int iommu_enable(const char **why)
{
	for (unsigned i = 0; active && amd && i < ivrs.nunits; i++)
		if (amdvi_flush(&amd_units[i], why))
			return -1;
	for (unsigned i = 0; active && !amd && i < dmar.nunits; i++)
		if (vtd_enable(&units[i], why) ||
		    (irq_remap && vtd_enable_irq_remap(&units[i], vtd_irt_pa(), why)))
			return -1;
	return 0;
}

/* One fault as a `dma_fault` record: a DMA fault at addr, or (irte >= 0) an
 * interrupt request that named remapping entry irte. */
static void record_fault(uint16_t bdf, uint64_t addr, bool write, int irte, unsigned code,
			 const char *reason)
{
	struct record r;
	unsigned i = 0;
	while (i < nowned && owned[i].bdf != bdf)
		i++;
	rec_begin(&r, "dma_fault");
	rec_hex(&r, "bdf", bdf);
	if (i < nowned) {
		rec_u64(&r, "sandbox", owned[i].sandbox);
		faults_of[owned[i].sandbox]++;
	}
	if (irte >= 0) {
		rec_str(&r, "access", "interrupt");
		rec_u64(&r, "irte", (unsigned)irte);
	} else {
		rec_hex(&r, "addr", addr);
		rec_str(&r, "access", write ? "write" : "read");
	}
	rec_hex(&r, "reason_code", code);
	rec_str(&r, "reason", reason);
	rec_end(&r);
}

/* The AMD-Vi units' events (requester IDs stand for the functions). */
static unsigned amdvi_report(void)
{
	struct amdvi_event e[8];
	unsigned total = 0;
	for (unsigned i = 0; i < ivrs.nunits; i++) {
		unsigned n = amdvi_take_events(&amd_units[i], e, 8);
		for (unsigned k = 0; k < n; k++)
			record_fault(e[k].devid, e[k].addr, e[k].write, -1, e[k].code,
				     amdvi_event_reason(&e[k]));
		total += n;
	}
	return total;
}

unsigned iommu_report_faults(void)
{
	struct vtd_fault f[8];
	unsigned total = 0;

	if (!active)
		return 0;
	spin_lock(&fault_lock);
	if (amd)
		total = amdvi_report();
	for (unsigned i = 0; !amd && i < dmar.nunits; i++) {
		unsigned n = vtd_take_faults(&units[i], f, 8);
		for (unsigned k = 0; k < n; k++)
			record_fault(f[k].sid, f[k].addr, f[k].write,
				     f[k].intr ? (int)f[k].index : -1, f[k].reason,
				     vtd_fault_reason(f[k].reason));
		total += n;
	}
	spin_unlock(&fault_lock);
	return total;
}

unsigned iommu_take_faults(unsigned sandbox)
{
	unsigned n;
	iommu_report_faults();
	spin_lock(&fault_lock);
	n = faults_of[sandbox];
	faults_of[sandbox] = 0;
	spin_unlock(&fault_lock);
	return n;
}
