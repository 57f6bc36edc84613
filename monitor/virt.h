/*
 * The one interface between generic monitor code and a virtualization
 * backend (monitor/arch/svm.c, monitor/arch/vmx.c). Generic code never touches a
 * VMCB or VMCS: it asks the backend to run a vCPU and gets back a decoded,
 * backend-independent exit.
 */
#ifndef QUESTV_VIRT_H
#define QUESTV_VIRT_H

#include <stdbool.h>
#include <stdint.h>
#include "include/questv/hypercall.h"
#include "monitor/nested_pt.h"

/* Guest registers the backend does not keep in its control structure. */
struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(__builtin_offsetof(struct guest_regs, r15) == 112,
	       "monitor/arch/guest_regs.inc spells out this layout");

/* Where and how a sandbox starts: 32-bit protected mode, paging off. */
struct guest_entry {
	uint32_t rip;
	uint32_t eax, ebx;          /* boot magic and bootinfo address */
};

/* What the sandbox may touch besides its nested page table. */
struct guest_grants {
	const uint8_t *io_bitmap;   /* 8 KiB, bit set = port granted */
};

struct vcpu {
	unsigned sandbox;
	unsigned asid;              /* ASID (SVM) / VPID (VMX), never 0 */
	struct guest_regs regs;
	void *arch;                 /* VMCB / VMCS and friends, backend owned */
	uint64_t arch_pa;           /* the VMCB / VMCS page */
	const void *perm_maps;      /* the I/O and MSR permission bitmaps, one block */
	uint64_t perm_maps_len;
};

/* A decoded exit. Fields beyond reason are valid for that reason only. */
struct vm_exit {
	enum exit_reason reason;
	uint64_t raw;               /* backend's own exit code, for reports */
	uint64_t rip;               /* guest RIP of the exiting instruction */
	unsigned insn_len;          /* length of it, when known (0 = unknown) */
	uint64_t gpa;               /* NESTED_FAULT */
	bool write;                 /* NESTED_FAULT, IO (out), MSR (wrmsr) */
	uint16_t port;              /* IO */
	unsigned size;              /* IO: 1, 2 or 4 bytes */
	uint32_t msr;               /* MSR */
	uint64_t tsc;               /* when run() returned (set by run_core) */
};

struct virt_ops {
	const char *name;           /* "svm" / "vmx", recorded at boot */
	const struct pt_format *pt_format;
	/* Can this CPU run us? 0, or -1 with a reason for the error record. */
	int (*detect)(const char **why);
	/* Turn virtualization on for the calling core (once per core). */
	int (*cpu_enable)(unsigned core_index);
	/* Prepare vcpu to enter its sandbox at entry, with these grants. */
	int (*vcpu_init)(struct vcpu *v, const struct guest_entry *entry,
			 const struct nested_pt *npt, const struct guest_grants *g);
	/* Enter the guest; returns at the next exit, decoded into *e. */
	void (*run)(struct vcpu *v, struct vm_exit *e);
	/* Resume after the exiting instruction (len from the exit). */
	void (*skip_insn)(struct vcpu *v, const struct vm_exit *e);
	/* Deliver an exception to the guest at its next entry. */
	void (*inject_exception)(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);
	/* Deliver an NMI at the next entry: false (nothing done) while another
	 * event is queued or the guest blocks NMIs. */
	bool (*inject_nmi)(struct vcpu *v);
};

/* The backend this CPU offers, or 0 (with *why) if none. */
const struct virt_ops *virt_select(const char **why);

extern const struct virt_ops svm_ops;
extern const struct virt_ops vmx_ops;

#define EXC_UD 6
#define EXC_GP 13

#endif
