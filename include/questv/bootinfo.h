/*
 * Boot information the monitor writes into each sandbox's RAM before its
 * first entry. The sandbox kernel starts in 32-bit protected mode at its
 * ELF entry with EAX = BOOTINFO_MAGIC and EBX = the guest-physical address
 * of this structure (natively, GRUB enters with the multiboot2 magic).
 */
#ifndef QUESTV_BOOTINFO_H
#define QUESTV_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC    0x51564231u /* "QVB1" */
#define BOOTINFO_GPA      0x7000u     /* below the kernel, above the IVT */
#define BOOTINFO_MAX_PEERS 8
#define BOOTINFO_MAX_TARGETS 16
#define BOOTINFO_MAX_SHARED 8
#define BOOTINFO_TASKSET_MAX 1024
#define BOOTINFO_MAX_DEVICES 8
#define BOOTINFO_MAX_BARS 6

/* A place this sandbox must not be able to touch (isolation probe). */
struct bootinfo_target {
	char name[16];        /* "sandbox:1", "monitor" */
	uint64_t addr;        /* host-physical address of a word in it */
};

struct bootinfo_shared {
	char name[16];
	uint64_t gpa;         /* where it is mapped in this sandbox */
	uint64_t size;
	uint32_t nmembers;    /* sandboxes it is shared with, this one included */
	uint32_t members[BOOTINFO_MAX_PEERS]; /* in the order the config lists them */
};

/* How a sandbox may use a PCI device the monitor handed it. */
enum bootinfo_dev_use {
	/* The vPMU (ivshmem-plain 1af4:1110), seen by every sandbox: BAR2 is
	 * mapped uncached at its host-physical address, read-only except the
	 * control page of vCPU vpmu_vcpu. */
	BOOTINFO_DEV_VPMU = 1,
	/* A function the config's `pci` key gives this sandbox alone: every
	 * memory BAR mapped read-write uncached at its host-physical address,
	 * bus mastering on, its interrupt line routed (IOAPIC, level) to this
	 * sandbox's core as vector irq_vector. DMA addresses are
	 * guest-physical + bootinfo.host_base. Behind an IOMMU (monitor/iommu.h)
	 * host_base is 0 and the device reaches this sandbox's RAM only;
	 * without one nothing confines its DMA: the driver must only hand it
	 * its own buffers. */
	BOOTINFO_DEV_ASSIGNED = 2,
};

/* Vector of the assigned device at bootinfo.device[i]: BASE + i. */
#define BOOTINFO_DEV_VECTOR_BASE 0x50u

/* enum pci_bar_kind (lib/pci.h) values, repeated so the ABI stands alone. */
enum bootinfo_bar_kind { BOOTINFO_BAR_NONE = 0, BOOTINFO_BAR_IO = 1, BOOTINFO_BAR_MEM32 = 2,
			 BOOTINFO_BAR_MEM64 = 3 };

struct bootinfo_bar {
	uint64_t base;        /* host-physical (memory) or port (I/O); mapped gpa = base */
	uint64_t size;        /* 0: no BAR in this slot */
	uint32_t kind;        /* enum bootinfo_bar_kind */
	uint32_t mapped;      /* 1: mapped into this sandbox (memory) / ports granted (I/O) */
};

/* A PCI function this sandbox may use. The sandbox never touches PCI
 * configuration space (the monitor keeps ports 0xCF8-0xCFF): everything it
 * needs about the device is here. */
struct bootinfo_device {
	uint16_t bdf;         /* bus << 8 | device << 3 | function */
	uint16_t vendor, device;
	uint16_t use;         /* enum bootinfo_dev_use */
	uint32_t class_code;  /* class << 16 | subclass << 8 | programming interface */
	uint32_t irq_line;    /* legacy interrupt line as the firmware routed it */
	uint32_t vpmu_vcpu;   /* BOOTINFO_DEV_VPMU: this sandbox's vCPU index (QEMU's) */
	uint32_t irq_vector;  /* its interrupt's vector, 0 = none (BOOTINFO_DEV_VPMU: the
			       * overflow interrupt, routed only for an ivshmem-doorbell) */
	struct bootinfo_bar bar[BOOTINFO_MAX_BARS];
};

struct bootinfo {
	uint32_t magic;
	uint32_t size;        /* sizeof(struct bootinfo), for versioning */
	uint32_t sandbox;     /* this sandbox's number */
	uint32_t nsandboxes;
	uint32_t apic_id;     /* core it runs on */
	uint32_t console;     /* UART base port, 0 = none */
	char virt[8];         /* "svm" or "vmx": which hypercall instruction to use */
	uint64_t mem_bytes;   /* guest RAM is 0..mem_bytes */
	uint64_t tsc_hz;      /* measured by the monitor against the PIT */
	uint64_t lapic_hz;    /* LAPIC timer input clock (divide by 1) */
	uint32_t peer_apic[BOOTINFO_MAX_PEERS]; /* core of every sandbox */
	uint32_t ntargets;
	struct bootinfo_target target[BOOTINFO_MAX_TARGETS];
	uint32_t nshared;
	struct bootinfo_shared shared[BOOTINFO_MAX_SHARED];
	char args[128];
	char taskset[BOOTINFO_TASKSET_MAX]; /* VCPU/thread lines (sched/taskset.h) */
	uint32_t ndevices;
	struct bootinfo_device device[BOOTINFO_MAX_DEVICES];
	uint64_t host_base;   /* what device DMA adds to guest-physical addresses:
	                         the host-physical base, or 0 behind an IOMMU */
	/* Rewritten by the monitor each time it reflects a violation into this
	 * sandbox, so the kernel can time the exit and the entry of a fault
	 * (recovery phases): TSC when the exit reached the monitor, and just
	 * before it entered the sandbox again; count: violations so far. */
	volatile uint64_t violation_exit_tsc, violation_enter_tsc, violations;
	/* 1: the nested tables map this sandbox's RAM with 2 MiB leaves (it has
	 * no colours), so a TLB miss walks one nested level fewer; 0: 4 KiB. */
	uint32_t ram_leaf_2m;
};

#endif
