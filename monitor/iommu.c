/* The IOMMU choice and its records (see iommu.h). */
#include "monitor/iommu.h"
#include "monitor/acpi.h"
#include "monitor/dmar.h"
#include "monitor/iommu_vtd.h"
#include "monitor/iommu_vtd_irt.h"
#include "monitor/page_pool.h"
#include "monitor/spinlock.h"
#include "lib/record.h"

#define MAX_OWNED (CFG_MAX_SANDBOXES * CFG_MAX_PCI)

static struct dmar_info dmar;
static struct vtd units[DMAR_MAX_UNITS];
static bool active;
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
	if (active) {
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

/* Find and initialise VT-d; 0 or -1 with *why (nothing to use). */
static int find_vtd(const void *rsdp, const char **why)
{
	uint32_t len;
	const void *t = acpi_table(rsdp, "DMAR", &len);

	if (!t) {
		*why = "ACPI lists no DMAR table: no VT-d (QEMU: -machine q35 -device intel-iommu)";
		return -1;
	}
	if ((*why = dmar_parse(t, len, &dmar)))
		return -1;
	for (unsigned i = 0; i < dmar.nunits; i++)
		if (vtd_init(&units[i], dmar.unit[i].reg_base, why))
			return -1;
	return 0;
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
	if (find_vtd(acpi_rsdp, why)) {
		record_choice(mode, "none", *why);
		return mode == CFG_IOMMU_REQUIRED ? -1 : 0;
	}
	active = true;
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
	rec_str(&r, "iommu", confined ? "vtd" : "none");
	rec_bool(&r, "confined", confined);
	rec_bool(&r, "irq_remap", confined && irq_remap);
	rec_end(&r);
}

/* The sandbox's DMA view: its RAM read-write at guest-physical 0. */
static struct nested_pt *dma_view(const struct sandbox *sb, const char **why)
{
	struct nested_pt *pt = &dma_pt[sb->id];
	if (pt->root)
		return pt;
	*why = "out of monitor pages for a VT-d second-level table";
	if (npt_init(pt, &vtd_sl_format, &pool_pt_alloc) ||
	    npt_map(pt, 0, sb->base, sb->size, PT_R | PT_W, PT_WB)) {
		pt->root = 0;
		return 0;
	}
	return pt;
}

int iommu_confine(const struct sandbox *sb, pci_bdf bdf, const char **why)
{
	const struct dmar_unit *du;
	struct nested_pt *pt;

	if (!active) {
		record_confine(sb, bdf, false);
		return 0;
	}
	if (!(du = dmar_unit_for(&dmar, bdf))) {
		*why = "no VT-d unit translates an assigned PCI function (DMAR scopes)";
		return -1;
	}
	if (!(pt = dma_view(sb, why)) ||
	    vtd_attach(&units[du - dmar.unit], bdf, pt, (uint16_t)(sb->id + 1), why))
		return -1;
	if (nowned < MAX_OWNED)
		owned[nowned++] = (typeof(owned[0])){ bdf, sb->id };
	record_confine(sb, bdf, true);
	return 0;
}

int iommu_enable(const char **why)
{
	for (unsigned i = 0; active && i < dmar.nunits; i++)
		if (vtd_enable(&units[i], why) ||
		    (irq_remap && vtd_enable_irq_remap(&units[i], vtd_irt_pa(), why)))
			return -1;
	return 0;
}

static void record_fault(const struct vtd_fault *f)
{
	struct record r;
	unsigned i = 0;
	while (i < nowned && owned[i].bdf != f->sid)
		i++;
	rec_begin(&r, "dma_fault");
	rec_hex(&r, "bdf", f->sid);
	if (i < nowned) {
		rec_u64(&r, "sandbox", owned[i].sandbox);
		faults_of[owned[i].sandbox]++;
	}
	if (f->intr) {
		rec_str(&r, "access", "interrupt");
		rec_u64(&r, "irte", f->index);
	} else {
		rec_hex(&r, "addr", f->addr);
		rec_str(&r, "access", f->write ? "write" : "read");
	}
	rec_hex(&r, "reason_code", f->reason);
	rec_str(&r, "reason", vtd_fault_reason(f->reason));
	rec_end(&r);
}

unsigned iommu_report_faults(void)
{
	struct vtd_fault f[8];
	unsigned total = 0;

	if (!active)
		return 0;
	spin_lock(&fault_lock);
	for (unsigned i = 0; i < dmar.nunits; i++) {
		unsigned n = vtd_take_faults(&units[i], f, 8);
		for (unsigned k = 0; k < n; k++)
			record_fault(&f[k]);
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
