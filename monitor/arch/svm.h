/* AMD SVM: VMCB layout and constants (AMD APM vol. 2, appendix B and C). */
#ifndef QUESTV_SVM_H
#define QUESTV_SVM_H

#include <stdint.h>

struct vmcb_seg {
	uint16_t selector, attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000 */
	uint32_t intercept_dr;          /* 0x004 */
	uint32_t intercept_exceptions;  /* 0x008 */
	uint32_t intercept_misc1;       /* 0x00C */
	uint32_t intercept_misc2;       /* 0x010 */
	uint8_t  reserved1[0x03C - 0x014];
	uint16_t pause_filter_threshold;/* 0x03C */
	uint16_t pause_filter_count;    /* 0x03E */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t asid;                  /* 0x058 */
	uint8_t  tlb_control;           /* 0x05C */
	uint8_t  reserved2[3];
	uint64_t int_control;           /* 0x060 */
	uint64_t int_state;             /* 0x068 */
	uint64_t exit_code;             /* 0x070 */
	uint64_t exit_info1;            /* 0x078 */
	uint64_t exit_info2;            /* 0x080 */
	uint64_t exit_int_info;         /* 0x088 */
	uint64_t np_enable;             /* 0x090 */
	uint8_t  reserved3[0x0A8 - 0x098];
	uint64_t event_inj;             /* 0x0A8 */
	uint64_t n_cr3;                 /* 0x0B0 */
	uint64_t lbr_control;           /* 0x0B8 */
	uint32_t clean_bits;            /* 0x0C0 */
	uint32_t reserved4;
	uint64_t next_rip;              /* 0x0C8 */
	uint8_t  reserved5[0x400 - 0x0D0];
} __attribute__((packed));

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
	uint8_t  reserved1[0x4CB - 0x4A0];
	uint8_t  cpl;                   /* 0x4CB */
	uint32_t reserved2;
	uint64_t efer;                  /* 0x4D0 */
	uint8_t  reserved3[0x548 - 0x4D8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x548 */
	uint8_t  reserved4[0x5D8 - 0x580];
	uint64_t rsp;                   /* 0x5D8 */
	uint8_t  reserved5[0x5F8 - 0x5E0];
	uint64_t rax;                   /* 0x5F8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip, cr2; /* 0x628 */
	uint8_t  reserved6[0x668 - 0x648];
	uint64_t g_pat;                 /* 0x668 */
} __attribute__((packed));

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	uint8_t pad[4096 - 0x400 - sizeof(struct vmcb_save)];
} __attribute__((packed));

_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area");
_Static_assert(__builtin_offsetof(struct vmcb_save, efer) == 0xD0, "VMCB efer");
_Static_assert(__builtin_offsetof(struct vmcb_save, rip) == 0x178, "VMCB rip");
_Static_assert(__builtin_offsetof(struct vmcb_save, rax) == 0x1F8, "VMCB rax");
_Static_assert(__builtin_offsetof(struct vmcb_save, g_pat) == 0x268, "VMCB g_pat");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB size");

/* intercept_misc1 (vector 3) */
#define SVM_INTERCEPT_INIT      (1u << 3)
#define SVM_INTERCEPT_INVD      (1u << 22)
#define SVM_INTERCEPT_INVLPGA   (1u << 26)
#define SVM_INTERCEPT_IOIO      (1u << 27)
#define SVM_INTERCEPT_MSR       (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN  (1u << 31)
/* intercept_misc2 (vector 4): VMRUN, VMMCALL, VMLOAD, VMSAVE, STGI, CLGI, SKINIT */
#define SVM_INTERCEPT_VMRUN     (1u << 0)
#define SVM_INTERCEPT_VMMCALL   (1u << 1)
#define SVM_INTERCEPT_SVM_INSNS (0x7Du) /* bits 0, 2..6 */
#define SVM_INTERCEPT_WBINVD    (1u << 9)

/* exit codes */
#define SVM_EXIT_INIT      0x063
#define SVM_EXIT_CPUID     0x072
#define SVM_EXIT_INVD      0x076
#define SVM_EXIT_INVLPGA   0x07A
#define SVM_EXIT_IOIO      0x07B
#define SVM_EXIT_MSR       0x07C
#define SVM_EXIT_SHUTDOWN  0x07F
#define SVM_EXIT_VMRUN     0x080
#define SVM_EXIT_VMMCALL   0x081
#define SVM_EXIT_SKINIT    0x086
#define SVM_EXIT_WBINVD    0x089
#define SVM_EXIT_NPF       0x400
#define SVM_EXIT_INVALID   ((uint64_t)-1)

#define SVM_EVENT_VALID     (1ull << 31)
#define SVM_EVENT_HAS_ERROR (1ull << 11)
#define SVM_EVENT_EXCEPTION (3ull << 8)
#define SVM_EVENT_NMI       (2ull << 8)

#define MSR_VM_CR        0xC0010114u
#define MSR_VM_HSAVE_PA  0xC0010117u
#define VM_CR_SVMDIS     (1u << 4)

#define SVM_IOPM_SIZE    (3 * 4096)
#define SVM_MSRPM_SIZE   (2 * 4096)

#endif
