/* Intel VMX: VMCS field encodings and exit reasons (Intel SDM vol. 3, appendix B, C). */
#ifndef QUESTV_VMX_H
#define QUESTV_VMX_H

#include <stdint.h>
#include "monitor/arch/vmx_controls.h"

/* 16-bit fields */
#define VMCS_VPID                    0x0000
#define VMCS_GUEST_ES_SEL            0x0800   /* ES, CS, SS, DS, FS, GS, LDTR, TR: +2 each */
#define VMCS_HOST_ES_SEL             0x0C00
#define VMCS_HOST_CS_SEL             0x0C02
#define VMCS_HOST_SS_SEL             0x0C04
#define VMCS_HOST_DS_SEL             0x0C06
#define VMCS_HOST_FS_SEL             0x0C08
#define VMCS_HOST_GS_SEL             0x0C0A
#define VMCS_HOST_TR_SEL             0x0C0C

/* 64-bit fields */
#define VMCS_IO_BITMAP_A             0x2000
#define VMCS_IO_BITMAP_B             0x2002
#define VMCS_MSR_BITMAP              0x2004
#define VMCS_EPTP                    0x201A
#define VMCS_GUEST_PHYS_ADDR         0x2400
#define VMCS_LINK_POINTER            0x2800
#define VMCS_GUEST_DEBUGCTL          0x2802
#define VMCS_GUEST_PAT               0x2804
#define VMCS_GUEST_EFER              0x2806
#define VMCS_HOST_PAT                0x2C00
#define VMCS_HOST_EFER               0x2C02

/* 32-bit fields */
#define VMCS_PIN_CTLS                0x4000
#define VMCS_PROC_CTLS               0x4002
#define VMCS_EXCEPTION_BITMAP        0x4004
#define VMCS_EXIT_CTLS               0x400C
#define VMCS_EXIT_MSR_STORE_COUNT    0x400E
#define VMCS_EXIT_MSR_LOAD_COUNT     0x4010
#define VMCS_ENTRY_CTLS              0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT    0x4014
#define VMCS_ENTRY_INTR_INFO         0x4016
#define VMCS_ENTRY_EXC_ERROR         0x4018
#define VMCS_ENTRY_INSN_LEN          0x401A
#define VMCS_PROC2_CTLS              0x401E
#define VMCS_INSN_ERROR              0x4400
#define VMCS_EXIT_REASON             0x4402
#define VMCS_EXIT_INTR_INFO          0x4404
#define VMCS_EXIT_INTR_ERROR         0x4406
#define VMCS_IDT_VECTORING_INFO      0x4408
#define VMCS_IDT_VECTORING_ERROR     0x440A
#define VMCS_EXIT_INSN_LEN           0x440C
#define VMCS_GUEST_ES_LIMIT          0x4800   /* +2 per segment, as selectors */
#define VMCS_GUEST_GDTR_LIMIT        0x4810
#define VMCS_GUEST_IDTR_LIMIT        0x4812
#define VMCS_GUEST_ES_AR             0x4814   /* +2 per segment */
#define VMCS_GUEST_INTERRUPTIBILITY  0x4824
#define VMCS_GUEST_ACTIVITY          0x4826
#define VMCS_GUEST_SYSENTER_CS       0x482A
#define VMCS_HOST_SYSENTER_CS        0x4C00

/* Natural-width fields */
#define VMCS_CR0_MASK                0x6000
#define VMCS_CR4_MASK                0x6002
#define VMCS_CR0_SHADOW              0x6004
#define VMCS_CR4_SHADOW              0x6006
#define VMCS_EXIT_QUALIFICATION      0x6400
#define VMCS_GUEST_LINEAR_ADDR       0x640A
#define VMCS_GUEST_CR0               0x6800
#define VMCS_GUEST_CR3               0x6802
#define VMCS_GUEST_CR4               0x6804
#define VMCS_GUEST_ES_BASE           0x6806   /* +2 per segment */
#define VMCS_GUEST_GDTR_BASE         0x6816
#define VMCS_GUEST_IDTR_BASE         0x6818
#define VMCS_GUEST_DR7               0x681A
#define VMCS_GUEST_RSP               0x681C
#define VMCS_GUEST_RIP               0x681E
#define VMCS_GUEST_RFLAGS            0x6820
#define VMCS_GUEST_PENDING_DBG       0x6822
#define VMCS_GUEST_SYSENTER_ESP      0x6824
#define VMCS_GUEST_SYSENTER_EIP      0x6826
#define VMCS_HOST_CR0                0x6C00
#define VMCS_HOST_CR3                0x6C02
#define VMCS_HOST_CR4                0x6C04
#define VMCS_HOST_FS_BASE            0x6C06
#define VMCS_HOST_GS_BASE            0x6C08
#define VMCS_HOST_TR_BASE            0x6C0A
#define VMCS_HOST_GDTR_BASE          0x6C0C
#define VMCS_HOST_IDTR_BASE          0x6C0E
#define VMCS_HOST_SYSENTER_ESP       0x6C10
#define VMCS_HOST_SYSENTER_EIP       0x6C12
#define VMCS_HOST_RSP                0x6C14
#define VMCS_HOST_RIP                0x6C16

/* Segment order in the guest-state area. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Basic exit reasons (bits 15:0 of the exit reason). */
#define VMX_EXIT_EXCEPTION       0
#define VMX_EXIT_TRIPLE_FAULT    2
#define VMX_EXIT_INIT            3
#define VMX_EXIT_SIPI            4
#define VMX_EXIT_CPUID           10
#define VMX_EXIT_INVD            13
#define VMX_EXIT_VMCALL          18
#define VMX_EXIT_VMCLEAR         19   /* 19..27: VMCLEAR ... VMXON */
#define VMX_EXIT_VMXON           27
#define VMX_EXIT_IO              30
#define VMX_EXIT_RDMSR           31
#define VMX_EXIT_WRMSR           32
#define VMX_EXIT_INVALID_STATE   33
#define VMX_EXIT_MSR_LOADING     34
#define VMX_EXIT_MCE_ENTRY       41
#define VMX_EXIT_EPT_VIOLATION   48
#define VMX_EXIT_INVEPT          50
#define VMX_EXIT_INVVPID         53
#define VMX_EXIT_WBINVD          54
#define VMX_EXIT_VMFUNC          59
#define VMX_EXIT_ENTRY_FAILURE   (1u << 31)

/* Interruption information (entry injection, exit, IDT vectoring). */
#define INTR_INFO_VALID          (1u << 31)
#define INTR_INFO_HAS_ERROR      (1u << 11)
#define INTR_TYPE_NMI            (2u << 8)
#define INTR_TYPE_HW_EXCEPTION   (3u << 8)
#define INTR_TYPE_MASK           (7u << 8)
#define INTR_TYPE_SOFT_INT       (4u << 8)
#define INTR_TYPE_PRIV_SOFT_EXC  (5u << 8)
#define INTR_TYPE_SOFT_EXC       (6u << 8)

#define GUEST_BLOCKING_BY_NMI    (1u << 3)   /* guest interruptibility state */

#define MSR_IA32_PAT             0x277u

#endif
