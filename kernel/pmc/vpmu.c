/*
 * PMC=vpmu: the QEMU plugin's virtual PMU behind its ivshmem device's BAR2
 * (include/questv/vpmu.h). Under the monitor, the BAR it granted this
 * sandbox (and this vCPU's control page); natively, our own PCI scan.
 */
#include "kernel/pmc/backend.h"
#include "kernel/kinfo.h"
#include "kernel/paging.h"
#include "kernel/vectors.h"
#include "include/questv/vpmu.h"
#include "lib/pci.h"
#include "pmc/pmc_vpmu.h"

#define VPMU_PCI_VENDOR 0x1af4
#define VPMU_PCI_DEVICE 0x1110
#define VPMU_PCI_BAR 2

static uint32_t vcpu, pmi_vector;
static uint64_t bar2;

/* BAR2 of the vPMU the monitor granted (struct bootinfo_device), this
 * sandbox's vCPU index and BAR2's size; 0 if it granted none. The vector
 * of its overflow interrupt, if the monitor routed one, in pmi_vector. */
static uint64_t granted_bar2(uint32_t *vcpu, uint64_t *size)
{
	unsigned i;
	for (i = 0; i < kinfo.bi->ndevices; i++) {
		const struct bootinfo_device *d = &kinfo.bi->device[i];
		if (d->use == BOOTINFO_DEV_VPMU && d->bar[VPMU_PCI_BAR].mapped) {
			*vcpu = d->vpmu_vcpu;
			*size = d->bar[VPMU_PCI_BAR].size;
			pmi_vector = d->irq_vector;
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

/* How this vCPU's TLB misses walk (a monitor older than ram_leaf_2m: 4 KiB). */
static enum vpmu_paging paging_mode(void)
{
	const struct bootinfo *bi = kinfo.bi;
	if (!kinfo.virtualized)
		return VPMU_PAGING_NATIVE;
	return bi && bi->size >= sizeof *bi && bi->ram_leaf_2m ? VPMU_PAGING_NESTED_2M
							       : VPMU_PAGING_NESTED;
}

static const char *init(struct pmc *p)
{
	uint64_t size = 0, off;

	bar2 = kinfo.bi ? granted_bar2(&vcpu, &size) : scanned_bar2(&vcpu, &size);
	if (!bar2 || size < VPMU_SHM_SIZE)
		return kinfo.bi ? "no vPMU in the boot information (QEMU without the vpmu plugin "
				  "and its ivshmem device?)"
				: "no ivshmem 1af4:1110 device with BAR2 on PCI";
	/* Uncached, as the monitor maps it: the plugin writes behind our back. */
	for (off = 0; off < VPMU_SHM_SIZE; off += 4096)
		if (paging_map_page(bar2 + off, 1))
			return "out of pages mapping the vPMU's BAR2";
	if (pmc_init_vpmu(p, (volatile void *)bar2, vcpu) != PMC_OK)
		return pmc_why(p);
	/* A DTLB miss costs a 2-D walk under the monitor's nested paging, one
	 * nested level shorter where its tables end in 2 MiB leaves. */
	pmc_vpmu_set_paging(p, paging_mode());
	/* Its MSI-X lands on VEC_PMI: the hardware PMI's path serves it. */
	if (pmi_vector == VEC_PMI)
		pmc_vpmu_enable_overflow(p);
	return 0;
}

static void describe(const struct pmc *p, struct record *r)
{
	(void)p;
	rec_u64(r, "vcpu", vcpu);
	rec_hex(r, "bar2", bar2);
	rec_str(r, "paging", kinfo.virtualized ? "nested" : "native");
	if (kinfo.virtualized)
		rec_str(r, "nested_leaf", paging_mode() == VPMU_PAGING_NESTED_2M ? "2M" : "4K");
	rec_bool(r, "overflow_interrupt", pmi_vector == VEC_PMI);
}

const struct kpmc_backend kpmc_backend = {
	.name = "vpmu", .init = init, .describe = describe,
	.llc_lines = pmc_vpmu_llc_lines, .set_llc_tag = pmc_vpmu_set_llc_tag,
	.llc_occupancy_tag = pmc_vpmu_llc_occupancy_tag, .llc_fills_global = pmc_vpmu_llc_fills_global,
	.overflow_latency = pmc_vpmu_overflow_latency,
};
