/*
 * Hypercall ABI between sandbox kernels and the monitor.
 *
 * A sandbox issues `vmmcall` (SVM) or `vmcall` (VMX) with the call number
 * in RAX and arguments in RDI, RSI, RDX; the result comes back in RAX.
 * Results are >= 0 on success or a negative HC_E* code. Pointers are
 * guest-physical addresses inside the caller's own RAM; the monitor checks
 * every one, so a bad pointer gets HC_EFAULT and nothing else happens.
 */
#ifndef QUESTV_HYPERCALL_H
#define QUESTV_HYPERCALL_H

#define HC_ABI_VERSION   1

/* Call numbers (RAX). */
#define HC_VERSION       0  /* () -> HC_ABI_VERSION */
#define HC_LOG           1  /* (gpa buf, len) -> len; one line to the monitor log */
#define HC_EXIT_COUNTS   2  /* (gpa struct hc_exit_counts *) -> 0 */
#define HC_END_RUN       3  /* (status) -> does not return */
#define HC_PROBE_BEGIN   4  /* () -> 0; waits for this sandbox's probe turn */
#define HC_PROBE_END     5  /* () -> 0; waits until every sandbox has probed */
#define HC_DMA_FAULTS    6  /* () -> DMA faults of the caller's devices the IOMMU
                               recorded since the last call (0 without an IOMMU) */
#define HC_COUNT         7

/* Error results. */
#define HC_ENOSYS        (-1) /* unknown call number */
#define HC_EFAULT        (-2) /* pointer or length outside the caller's RAM */
#define HC_EINVAL        (-3) /* bad argument value */
#define HC_ESTATE        (-4) /* call not valid in the current phase */
#define HC_ELIMIT        (-5) /* HC_LOG: this sandbox used up its lines */

#define HC_LOG_MAX       512  /* longest HC_LOG line */
#define HC_LOG_LINES     256  /* HC_LOG lines per sandbox: no flooding the monitor log */

/* Exit reasons, counted per sandbox by the monitor (backend independent). */
#define EXIT_REASONS(X) \
	X(HYPERCALL, "hypercall")     /* vmmcall / vmcall */ \
	X(NESTED_FAULT, "nested_fault") /* NPF / EPT violation */ \
	X(IO, "io")                   /* port outside the sandbox's grant */ \
	X(MSR, "msr")                 /* MSR the sandbox may not touch */ \
	X(SHUTDOWN, "shutdown")       /* triple fault */ \
	X(INIT, "init")               /* INIT signal sent to the core */ \
	X(VIRT_INSN, "virt_insn")     /* VMRUN/VMLOAD/... from the guest */ \
	X(CPUID, "cpuid")             /* VMX only: CPUID always exits */ \
	X(INVALID, "invalid_state")   /* entry refused by the CPU */ \
	X(CACHE_FLUSH, "cache_flush") /* INVD / WBINVD: refused, machine-wide */ \
	X(OTHER, "other")

#define EXIT_ENUM(id, name) EXIT_##id,
enum exit_reason { EXIT_REASONS(EXIT_ENUM) EXIT_NREASONS };
#undef EXIT_ENUM

/*
 * Exit windows: what the sandbox was doing when an exit happened. boot:
 * up to and including HC_PROBE_BEGIN; probe: up to and including
 * HC_PROBE_END; steady: after that, up to (not including) HC_END_RUN,
 * which alone is counted in end.
 */
#define EXIT_WINDOWS(X) X(BOOT, "boot") X(PROBE, "probe") X(STEADY, "steady") X(END, "end")
#define WINDOW_ENUM(id, name) WINDOW_##id,
enum exit_window { EXIT_WINDOWS(WINDOW_ENUM) EXIT_NWINDOWS };
#undef WINDOW_ENUM

/* Filled by HC_EXIT_COUNTS: this sandbox's exits so far. */
struct hc_exit_counts {
	unsigned long long count[EXIT_NWINDOWS][EXIT_NREASONS];
};

/* HC_END_RUN status values a sandbox reports. */
#define RUN_OK           0
#define RUN_FAILED       1

/* Run status the monitor ends QEMU with (isa-debug-exit). */
#define STATUS_OK          0
#define STATUS_CONFIG      2  /* bad system config */
#define STATUS_NO_VIRT     3  /* CPU without SVM+NPT / VMX+EPT */
#define STATUS_SANDBOX     4  /* a sandbox faulted or reported failure */
#define STATUS_BOOT        5  /* monitor could not boot (modules, memory) */
#define STATUS_NO_IOMMU    6  /* iommu = required, and no usable IOMMU */

#endif
