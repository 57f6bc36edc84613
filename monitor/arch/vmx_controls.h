/*
 * Intel VMX: deriving the VM-execution, VM-exit and VM-entry controls and
 * the CR0/CR4 rules from the capability MSRs (Intel SDM vol. 3, appendix A).
 *
 * Portable C with no monitor headers, so the host unit tests feed it the
 * capability values of Bochs models and of real CPUs. Nothing here is a
 * hard-coded allowed-1 bit: a control we need is set only if the CPU
 * allows it, a control the CPU forces on that we cannot live with is an
 * error, and every error names the control.
 */
#ifndef QUESTV_VMX_CONTROLS_H
#define QUESTV_VMX_CONTROLS_H

#include <stdbool.h>
#include <stdint.h>

/* Capability MSRs (SDM vol. 4, table 2-2). */
#define MSR_IA32_FEATURE_CONTROL      0x03Au
#define MSR_IA32_VMX_BASIC            0x480u
#define MSR_IA32_VMX_PINBASED_CTLS    0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS   0x482u
#define MSR_IA32_VMX_EXIT_CTLS        0x483u
#define MSR_IA32_VMX_ENTRY_CTLS       0x484u
#define MSR_IA32_VMX_MISC             0x485u
#define MSR_IA32_VMX_CR0_FIXED0       0x486u
#define MSR_IA32_VMX_CR0_FIXED1       0x487u
#define MSR_IA32_VMX_CR4_FIXED0       0x488u
#define MSR_IA32_VMX_CR4_FIXED1       0x489u
#define MSR_IA32_VMX_PROCBASED_CTLS2  0x48Bu
#define MSR_IA32_VMX_EPT_VPID_CAP     0x48Cu
#define MSR_IA32_VMX_TRUE_PINBASED    0x48Du
#define MSR_IA32_VMX_TRUE_PROCBASED   0x48Eu
#define MSR_IA32_VMX_TRUE_EXIT        0x48Fu
#define MSR_IA32_VMX_TRUE_ENTRY       0x490u

#define FEATURE_CONTROL_LOCK          (1ull << 0)
#define FEATURE_CONTROL_VMXON         (1ull << 2)   /* VMXON outside SMX */

#define VMX_BASIC_REVISION(b)   ((uint32_t)((b) & 0x7FFFFFFFu))
#define VMX_BASIC_SIZE(b)       ((unsigned)(((b) >> 32) & 0x1FFF))
#define VMX_BASIC_MEMTYPE(b)    ((unsigned)(((b) >> 50) & 0xF))
#define VMX_BASIC_TRUE_CTLS     (1ull << 55)

/* Pin-based controls. */
#define PIN_EXT_INT_EXIT        (1u << 0)
#define PIN_NMI_EXIT            (1u << 3)
#define PIN_VIRTUAL_NMI         (1u << 5)
#define PIN_PREEMPT_TIMER       (1u << 6)
#define PIN_POSTED_INT          (1u << 7)

/* Primary processor-based controls. */
#define PROC_INT_WINDOW_EXIT    (1u << 2)
#define PROC_HLT_EXIT           (1u << 7)
#define PROC_INVLPG_EXIT        (1u << 9)
#define PROC_MWAIT_EXIT         (1u << 10)
#define PROC_RDPMC_EXIT         (1u << 11)
#define PROC_RDTSC_EXIT         (1u << 12)
#define PROC_CR3_LOAD_EXIT      (1u << 15)
#define PROC_CR3_STORE_EXIT     (1u << 16)
#define PROC_CR8_LOAD_EXIT      (1u << 19)
#define PROC_CR8_STORE_EXIT     (1u << 20)
#define PROC_TPR_SHADOW         (1u << 21)
#define PROC_NMI_WINDOW_EXIT    (1u << 22)
#define PROC_MOV_DR_EXIT        (1u << 23)
#define PROC_UNCOND_IO_EXIT     (1u << 24)
#define PROC_USE_IO_BITMAPS     (1u << 25)
#define PROC_MONITOR_TRAP       (1u << 27)
#define PROC_USE_MSR_BITMAPS    (1u << 28)
#define PROC_MONITOR_EXIT       (1u << 29)
#define PROC_PAUSE_EXIT         (1u << 30)
#define PROC_SECONDARY          (1u << 31)

/* Secondary processor-based controls. */
#define PROC2_VIRT_APIC_ACCESS  (1u << 0)
#define PROC2_EPT               (1u << 1)
#define PROC2_DESC_TABLE_EXIT   (1u << 2)
#define PROC2_RDTSCP            (1u << 3)
#define PROC2_VIRT_X2APIC       (1u << 4)
#define PROC2_VPID              (1u << 5)
#define PROC2_WBINVD_EXIT       (1u << 6)
#define PROC2_UNRESTRICTED      (1u << 7)
#define PROC2_APIC_REG_VIRT     (1u << 8)
#define PROC2_VIRT_INT_DELIVERY (1u << 9)
#define PROC2_PAUSE_LOOP_EXIT   (1u << 10)
#define PROC2_RDRAND_EXIT       (1u << 11)
#define PROC2_INVPCID           (1u << 12)
#define PROC2_VMFUNC            (1u << 13)
#define PROC2_RDSEED_EXIT       (1u << 16)
#define PROC2_XSAVES            (1u << 20)

/* VM-exit controls. */
#define EXIT_SAVE_DEBUG         (1u << 2)
#define EXIT_HOST_64BIT         (1u << 9)
#define EXIT_ACK_INT            (1u << 15)
#define EXIT_SAVE_PAT           (1u << 18)
#define EXIT_LOAD_PAT           (1u << 19)
#define EXIT_SAVE_EFER          (1u << 20)
#define EXIT_LOAD_EFER          (1u << 21)
#define EXIT_SAVE_PREEMPT       (1u << 22)

/* VM-entry controls. */
#define ENTRY_LOAD_DEBUG        (1u << 2)
#define ENTRY_IA32E_GUEST       (1u << 9)
#define ENTRY_SMM               (1u << 10)
#define ENTRY_DUAL_MONITOR      (1u << 11)
#define ENTRY_LOAD_PAT          (1u << 14)
#define ENTRY_LOAD_EFER         (1u << 15)

/* IA32_VMX_EPT_VPID_CAP. */
#define EPT_CAP_WALK4           (1ull << 6)
#define EPT_CAP_WB              (1ull << 14)
#define EPT_CAP_2M              (1ull << 16)
#define EPT_CAP_INVEPT          (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE   (1ull << 25)
#define EPT_CAP_INVEPT_ALL      (1ull << 26)
#define VPID_CAP_INVVPID        (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VPID_CAP_INVVPID_ALL    (1ull << 42)

#define X86_CR0_PE  (1ull << 0)
#define X86_CR0_ET  (1ull << 4)
#define X86_CR0_NE  (1ull << 5)
#define X86_CR0_PG  (1ull << 31)
#define X86_CR4_VMXE (1ull << 13)

/*
 * The capability MSRs as read. A field the CPU does not have is 0: the
 * TRUE_ ones without IA32_VMX_BASIC bit 55, PROCBASED_CTLS2 without the
 * "activate secondary controls" allowed-1 bit, EPT_VPID_CAP without EPT
 * or VPID in PROCBASED_CTLS2.
 */
struct vmx_msrs {
	uint64_t basic;
	uint64_t pinbased, procbased, exit, entry;
	uint64_t true_pinbased, true_procbased, true_exit, true_entry;
	uint64_t procbased2;
	uint64_t ept_vpid_cap;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* What the backend programs into every VMCS. */
struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;    /* entry without IA-32e guest */
	bool true_ctls;                            /* TRUE_ MSRs were used */
	uint32_t revision;                         /* VMCS / VMXON revision id */
	unsigned region_size;                      /* bytes of a VMCS / VMXON region */
	/* Guest CR0/CR4: bits the CPU requires set (PE/PG exempt under
	 * unrestricted guest) are owned by the monitor (guest/host mask) and
	 * read as the guest last wrote them (read shadow). */
	uint64_t cr0_must1, cr0_may1, cr4_must1, cr4_may1;
	uint64_t cr0_mask, cr4_mask;
	/* The monitor's own CR0/CR4 for VMXON. */
	uint64_t host_cr0_must1, host_cr0_may1;
	bool invept, invvpid;                       /* single/all-context invalidation */
};

/*
 * Adjust one control word against its capability MSR (allowed-0 settings
 * in bits 31:0 = must be 1, allowed-1 settings in bits 63:32 = may be 1).
 * Sets required and what of optional the CPU allows. Fails (returns the
 * offending bits, *out untouched) if a required bit may not be 1, or a
 * forbidden bit must be 1; returns 0 on success.
 */
uint32_t vmx_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t forbidden,
		    uint32_t *out);

/* Derive everything from m. 0, or -1 with *why (a static, clear message). */
int vmx_derive(const struct vmx_msrs *m, struct vmx_controls *c, const char **why);

/* Guest CR value actually loaded for a value the guest means (cr0: true). */
uint64_t vmx_guest_cr(const struct vmx_controls *c, bool cr0, uint64_t guest_value);

#endif
