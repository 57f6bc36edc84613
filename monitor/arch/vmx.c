/*
 * Intel VMX backend with EPT (Intel SDM vol. 3, ch. 23-29), the peer of
 * svm.c behind struct virt_ops.
 *
 * Every control comes from the capability MSRs (vmx_controls.c). The
 * sandbox is entered as under SVM: 32-bit protected mode with paging off,
 * which VMX allows only through "unrestricted guest". No external-interrupt
 * exiting and no APIC virtualization: the LAPIC page is mapped through EPT,
 * so timer interrupts and IPIs reach the sandbox without exits. CR0/CR4
 * bits the CPU forces (CR0.NE, CR4.VMXE) are masked and shadowed, so the
 * guest's own CR writes do not exit either.
 *
 * Hypercalls: VMCALL exits directly (the boot information tells the
 * sandbox kernel to use VMCALL rather than SVM's VMMCALL).
 */
#include "monitor/arch/vmx.h"
#include "monitor/virt.h"
#include "monitor/page_pool.h"
#include "lib/record.h"
#include "lib/x86.h"
#include "lib/string.h"
#include "monitor/msr_policy.h"

#define CPUID_1_ECX_VMX   (1u << 5)
#define MAX_CORES         16
#define MAX_VCPUS         16
#define EFER_LMA          (1ull << 10)
#define GDT_TSS_SEL       0x20

struct vmx_vcpu {
	uint64_t *vmcs;
	uint8_t *io_bitmaps;            /* A (ports 0-0x7FFF) then B, bit set = exit */
	uint8_t *msr_bitmap;            /* read low/high, write low/high, bit set = exit */
	bool launched;
	uint32_t inject_info, inject_error;       /* exception to deliver at next entry */
	uint32_t pending_info, pending_error, pending_len; /* event an exit interrupted */
};

/* A GDT per core with the monitor's descriptors and a TSS: VM exit needs a host TR. */
struct host_gdt {
	uint64_t gdt[6];
	uint8_t tss[104] __attribute__((aligned(16)));
};

static struct vmx_controls ctl;
static struct vmx_vcpu arch_state[MAX_VCPUS];
static struct host_gdt host_gdts[MAX_CORES] __attribute__((aligned(16)));

extern int vmx_enter(struct guest_regs *regs, int launched);
extern char vmx_exit_point[];

/* --- instructions --- */

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;
	__asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
	return v;
}

static inline bool vmwrite(uint64_t field, uint64_t v)
{
	bool fail;
	__asm__ volatile("vmwrite %2, %1; setbe %0" : "=q"(fail) : "r"(field), "rm"(v) : "cc");
	return !fail;
}

/* VMXON / VMCLEAR / VMPTRLD take a memory operand holding the address. */
#define VMX_PA_INSN(name, insn)                                                    \
	static inline bool name(uint64_t pa)                                       \
	{                                                                          \
		bool fail;                                                         \
		__asm__ volatile(insn " %1; setbe %0" : "=q"(fail) : "m"(pa) : "cc", "memory"); \
		return !fail;                                                      \
	}
VMX_PA_INSN(vmxon, "vmxon")
VMX_PA_INSN(vmclear, "vmclear")
VMX_PA_INSN(vmptrld, "vmptrld")

static inline void invept_single(uint64_t eptp)
{
	struct { uint64_t eptp, zero; } d = { eptp, 0 };
	__asm__ volatile("invept %0, %1" :: "m"(d), "r"(1ull) : "cc", "memory");
}

static inline void invvpid_single(uint16_t vpid)
{
	struct { uint64_t vpid, addr; } d = { vpid, 0 };
	__asm__ volatile("invvpid %0, %1" :: "m"(d), "r"(1ull) : "cc", "memory");
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* --- detection --- */

static void read_caps(struct vmx_msrs *m)
{
	memset(m, 0, sizeof *m);
	m->basic = rdmsr(MSR_IA32_VMX_BASIC);
	m->pinbased = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	m->procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	m->exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	m->entry = rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
	m->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	m->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	m->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	m->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	if (m->basic & VMX_BASIC_TRUE_CTLS) {
		m->true_pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED);
		m->true_procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED);
		m->true_exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT);
		m->true_entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY);
	}
	if (m->procbased >> 32 & PROC_SECONDARY)
		m->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (m->procbased2 >> 32 & (PROC2_EPT | PROC2_VPID))
		m->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
}

/* The capability MSRs as read, for the run's records (and the unit tests' tables). */
static void record_caps(const struct vmx_msrs *m)
{
	struct record r;
	rec_begin(&r, "vmx_caps");
	rec_hex(&r, "basic", m->basic);
	rec_hex(&r, "pin", m->pinbased);
	rec_hex(&r, "proc", m->procbased);
	rec_hex(&r, "exit", m->exit);
	rec_hex(&r, "entry", m->entry);
	rec_hex(&r, "true_pin", m->true_pinbased);
	rec_hex(&r, "true_proc", m->true_procbased);
	rec_hex(&r, "true_exit", m->true_exit);
	rec_hex(&r, "true_entry", m->true_entry);
	rec_hex(&r, "proc2", m->procbased2);
	rec_hex(&r, "ept_vpid", m->ept_vpid_cap);
	rec_hex(&r, "cr0_fixed0", m->cr0_fixed0);
	rec_hex(&r, "cr0_fixed1", m->cr0_fixed1);
	rec_hex(&r, "cr4_fixed0", m->cr4_fixed0);
	rec_hex(&r, "cr4_fixed1", m->cr4_fixed1);
	rec_end(&r);
}

static int vmx_detect(const char **why)
{
	uint32_t r[4];
	uint64_t fc;
	struct vmx_msrs m;

	cpuid(0, 0, r);
	if (r[1] != 0x756E6547u || r[3] != 0x49656E69u || r[2] != 0x6C65746Eu) {
		*why = "CPU has no Intel VMX (not GenuineIntel)";
		return -1;
	}
	cpuid(1, 0, r);
	if (!(r[2] & CPUID_1_ECX_VMX)) {
		*why = "CPU has no Intel VMX (CPUID.1:ECX.VMX = 0)";
		return -1;
	}
	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON)) {
		*why = "VMX is disabled by firmware (IA32_FEATURE_CONTROL locked without VMXON)";
		return -1;
	}
	read_caps(&m);
	record_caps(&m);
	return vmx_derive(&m, &ctl, why);
}

/* --- per core --- */

static void load_host_gdt(unsigned core)
{
	struct host_gdt *h = &host_gdts[core];
	uint64_t tss = (uint64_t)h->tss;
	struct desc_ptr p = { sizeof h->gdt - 1, (uint64_t)h->gdt };

	h->gdt[0] = 0;
	h->gdt[1] = 0x00AF9A000000FFFFull;      /* 0x08: 64-bit code, as boot.S */
	h->gdt[2] = 0x00CF92000000FFFFull;      /* 0x10: data */
	h->gdt[3] = 0x00CF9A000000FFFFull;      /* 0x18: 32-bit code */
	h->gdt[4] = (sizeof h->tss - 1) | ((tss & 0xFFFFFF) << 16) | (0x89ull << 40) |
		    ((tss >> 24 & 0xFF) << 56);   /* 0x20: available 64-bit TSS */
	h->gdt[5] = tss >> 32;
	memset(h->tss, 0, sizeof h->tss);
	h->tss[102] = sizeof h->tss;            /* I/O map base beyond the limit: no map */
	__asm__ volatile("lgdt %0; ltr %w1" :: "m"(p), "r"(GDT_TSS_SEL) : "memory");
}

static int vmx_cpu_enable(unsigned core)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	uint32_t *region;

	if (core >= MAX_CORES)
		return -1;
	if (!(fc & FEATURE_CONTROL_LOCK))
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_VMXON | FEATURE_CONTROL_LOCK);
	else if (!(fc & FEATURE_CONTROL_VMXON))
		return -1;
	write_cr0((read_cr0() | ctl.host_cr0_must1) & ctl.host_cr0_may1);
	write_cr4(read_cr4() | X86_CR4_VMXE);
	load_host_gdt(core);
	region = pool_alloc(1);
	if (!region)
		return -1;
	region[0] = ctl.revision;
	return vmxon((uint64_t)region) ? 0 : -1;
}

/* --- one VMCS per sandbox --- */

/* A guest PAT write stays the guest's only if entry loads and exit saves
 * it (and exit loads the monitor's back). */
static bool pat_switched(void)
{
	return (ctl.entry & ENTRY_LOAD_PAT) &&
	       (ctl.exit & (EXIT_SAVE_PAT | EXIT_LOAD_PAT)) == (EXIT_SAVE_PAT | EXIT_LOAD_PAT);
}

static void build_io_bitmaps(uint8_t *bm, const uint8_t *granted)
{
	unsigned i;
	for (i = 0; i < 8192; i++)
		bm[i] = (uint8_t)~granted[i];
}

/* Base address of the 64-bit TSS descriptor at sel in the GDT at gdt. */
static uint64_t tss_base(uint64_t gdt, uint16_t sel)
{
	const uint64_t *d = (const uint64_t *)(gdt + (sel & ~7u));
	return ((d[0] >> 16) & 0xFFFFFF) | ((d[0] >> 56) << 24) | (d[1] << 32);
}

static bool write_host_state(void)
{
	struct desc_ptr gdtr, idtr;
	uint16_t tr;
	bool ok = true;

	__asm__ volatile("sgdt %0; sidt %1; str %2" : "=m"(gdtr), "=m"(idtr), "=r"(tr));
	ok &= vmwrite(VMCS_HOST_CR0, read_cr0());
	ok &= vmwrite(VMCS_HOST_CR3, read_cr3());
	ok &= vmwrite(VMCS_HOST_CR4, read_cr4());
	ok &= vmwrite(VMCS_HOST_CS_SEL, 0x08);
	ok &= vmwrite(VMCS_HOST_SS_SEL, 0x10);
	ok &= vmwrite(VMCS_HOST_DS_SEL, 0x10);
	ok &= vmwrite(VMCS_HOST_ES_SEL, 0x10);
	ok &= vmwrite(VMCS_HOST_FS_SEL, 0);
	ok &= vmwrite(VMCS_HOST_GS_SEL, 0);
	ok &= vmwrite(VMCS_HOST_TR_SEL, tr);
	ok &= vmwrite(VMCS_HOST_FS_BASE, 0);
	ok &= vmwrite(VMCS_HOST_GS_BASE, 0);
	ok &= vmwrite(VMCS_HOST_TR_BASE, tss_base(gdtr.base, tr));
	ok &= vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
	ok &= vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	ok &= vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	ok &= vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	ok &= vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	ok &= vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	if (ctl.exit & EXIT_LOAD_PAT)
		ok &= vmwrite(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	ok &= vmwrite(VMCS_HOST_RIP, (uint64_t)vmx_exit_point);
	return ok;
}

static bool write_seg(unsigned seg, uint16_t sel, uint32_t ar, uint32_t limit)
{
	return vmwrite(VMCS_GUEST_ES_SEL + 2 * seg, sel) &&
	       vmwrite(VMCS_GUEST_ES_LIMIT + 2 * seg, limit) &&
	       vmwrite(VMCS_GUEST_ES_AR + 2 * seg, ar) &&
	       vmwrite(VMCS_GUEST_ES_BASE + 2 * seg, 0);
}

/* 32-bit protected mode, paging off, flat segments, CPL 0: as svm.c. */
static bool write_guest_state(const struct guest_entry *entry)
{
	const uint64_t cr0 = X86_CR0_PE | X86_CR0_ET, cr4 = 0;
	bool ok = true;
	unsigned s;

	ok &= write_seg(SEG_CS, 0x08, 0xC09B, 0xFFFFFFFF);
	for (s = SEG_ES; s <= SEG_GS; s++)
		if (s != SEG_CS)
			ok &= write_seg(s, 0x10, 0xC093, 0xFFFFFFFF);
	ok &= write_seg(SEG_LDTR, 0, 0x10000, 0);           /* unusable */
	ok &= write_seg(SEG_TR, 0, 0x8B, 0x67);              /* busy 32-bit TSS */
	ok &= vmwrite(VMCS_GUEST_GDTR_BASE, 0) && vmwrite(VMCS_GUEST_GDTR_LIMIT, 0);
	ok &= vmwrite(VMCS_GUEST_IDTR_BASE, 0) && vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);
	ok &= vmwrite(VMCS_GUEST_CR0, vmx_guest_cr(&ctl, true, cr0));
	ok &= vmwrite(VMCS_CR0_MASK, ctl.cr0_mask);
	ok &= vmwrite(VMCS_CR0_SHADOW, cr0);
	ok &= vmwrite(VMCS_GUEST_CR4, vmx_guest_cr(&ctl, false, cr4));
	ok &= vmwrite(VMCS_CR4_MASK, ctl.cr4_mask);
	ok &= vmwrite(VMCS_CR4_SHADOW, cr4);
	ok &= vmwrite(VMCS_GUEST_CR3, 0);
	ok &= vmwrite(VMCS_GUEST_DR7, 0x400);
	ok &= vmwrite(VMCS_GUEST_RSP, 0);
	ok &= vmwrite(VMCS_GUEST_RIP, entry->rip);
	ok &= vmwrite(VMCS_GUEST_RFLAGS, 2);
	ok &= vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	ok &= vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	ok &= vmwrite(VMCS_GUEST_ACTIVITY, 0);
	ok &= vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	ok &= vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	ok &= vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	ok &= vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	ok &= vmwrite(VMCS_GUEST_EFER, 0);
	if (ctl.entry & ENTRY_LOAD_PAT)
		ok &= vmwrite(VMCS_GUEST_PAT, PAT_POWER_ON);
	ok &= vmwrite(VMCS_LINK_POINTER, ~0ull);
	return ok;
}

static int vmx_vcpu_init(struct vcpu *v, const struct guest_entry *entry,
			 const struct nested_pt *npt, const struct guest_grants *g)
{
	struct vmx_vcpu *a;
	uint64_t eptp = npt->root_pa | (3u << 3) | 6;   /* 4-level walk, write-back */
	bool ok = true;

	if (v->sandbox >= MAX_VCPUS || v->asid == 0 || v->asid > 0xFFFF)
		return -1;
	a = &arch_state[v->sandbox];
	a->vmcs = pool_alloc(1);
	a->io_bitmaps = pool_alloc(3);  /* I/O bitmaps A and B, then the MSR bitmap */
	if (!a->vmcs || !a->io_bitmaps)
		return -1;
	a->msr_bitmap = a->io_bitmaps + 2 * 4096;
	build_io_bitmaps(a->io_bitmaps, g->io_bitmap);
	msr_build_vmx_bitmap(a->msr_bitmap, pat_switched());
	*(uint32_t *)a->vmcs = ctl.revision;
	if (!vmclear((uint64_t)a->vmcs) || !vmptrld((uint64_t)a->vmcs))
		return -1;

	ok &= vmwrite(VMCS_PIN_CTLS, ctl.pin);
	ok &= vmwrite(VMCS_PROC_CTLS, ctl.proc);
	ok &= vmwrite(VMCS_PROC2_CTLS, ctl.proc2);
	ok &= vmwrite(VMCS_EXIT_CTLS, ctl.exit);
	ok &= vmwrite(VMCS_ENTRY_CTLS, ctl.entry);
	ok &= vmwrite(VMCS_EXCEPTION_BITMAP, 0);   /* the guest handles its own faults */
	ok &= vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	ok &= vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	ok &= vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	ok &= vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	ok &= vmwrite(VMCS_IO_BITMAP_A, (uint64_t)a->io_bitmaps);
	ok &= vmwrite(VMCS_IO_BITMAP_B, (uint64_t)a->io_bitmaps + 4096);
	ok &= vmwrite(VMCS_MSR_BITMAP, (uint64_t)a->msr_bitmap);
	ok &= vmwrite(VMCS_EPTP, eptp);
	ok &= vmwrite(VMCS_VPID, v->asid);
	ok &= write_host_state();
	ok &= write_guest_state(entry);
	if (!ok)
		return -1;
	if (ctl.invept)
		invept_single(eptp);
	if (ctl.invvpid)
		invvpid_single((uint16_t)v->asid);

	memset(&v->regs, 0, sizeof v->regs);
	v->regs.rax = entry->eax;
	v->regs.rbx = entry->ebx;
	v->arch = a;
	v->arch_pa = (uint64_t)a->vmcs;
	v->perm_maps = a->io_bitmaps;
	v->perm_maps_len = 3 * 4096;
	return 0;
}

/* --- running --- */

static void decode(struct vmx_vcpu *a, const struct guest_regs *r, struct vm_exit *e)
{
	uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON);
	uint32_t basic = reason & 0xFFFF;
	uint64_t qual = vmread(VMCS_EXIT_QUALIFICATION);
	uint32_t vec = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);

	memset(e, 0, sizeof *e);
	e->raw = reason;
	e->rip = vmread(VMCS_GUEST_RIP);
	if (reason & VMX_EXIT_ENTRY_FAILURE) {
		e->reason = EXIT_INVALID;
		return;
	}
	/* An exit in the middle of delivering an event: deliver it again. */
	if (vec & INTR_INFO_VALID) {
		a->pending_info = vec & ~(1u << 12);
		a->pending_error = (uint32_t)vmread(VMCS_IDT_VECTORING_ERROR);
		a->pending_len = (uint32_t)vmread(VMCS_EXIT_INSN_LEN);
	}

	switch (basic) {
	case VMX_EXIT_VMCALL:
		e->reason = EXIT_HYPERCALL;
		e->insn_len = (unsigned)vmread(VMCS_EXIT_INSN_LEN);
		break;
	case VMX_EXIT_EPT_VIOLATION:
		e->reason = EXIT_NESTED_FAULT;
		e->gpa = vmread(VMCS_GUEST_PHYS_ADDR);
		e->write = qual & 2;
		break;
	case VMX_EXIT_IO:
		e->reason = EXIT_IO;
		e->port = (uint16_t)(qual >> 16);
		e->write = !(qual & 8);
		e->size = (unsigned)(qual & 7) + 1;
		e->insn_len = (unsigned)vmread(VMCS_EXIT_INSN_LEN);
		break;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:
		e->reason = EXIT_MSR;
		e->msr = (uint32_t)r->rcx;
		e->write = basic == VMX_EXIT_WRMSR;
		e->insn_len = (unsigned)vmread(VMCS_EXIT_INSN_LEN);
		break;
	case VMX_EXIT_CPUID:
		e->reason = EXIT_CPUID;
		e->insn_len = (unsigned)vmread(VMCS_EXIT_INSN_LEN);
		break;
	case VMX_EXIT_TRIPLE_FAULT:
		e->reason = EXIT_SHUTDOWN;
		break;
	case VMX_EXIT_INIT:
	case VMX_EXIT_SIPI:
		e->reason = EXIT_INIT;
		break;
	case VMX_EXIT_INVD:
	case VMX_EXIT_WBINVD:
		e->reason = EXIT_CACHE_FLUSH;
		break;
	case VMX_EXIT_INVEPT:
	case VMX_EXIT_INVVPID:
	case VMX_EXIT_VMFUNC:
		e->reason = EXIT_VIRT_INSN;
		e->insn_len = (unsigned)vmread(VMCS_EXIT_INSN_LEN);
		break;
	default:
		if (basic >= VMX_EXIT_VMCLEAR && basic <= VMX_EXIT_VMXON) {
			e->reason = EXIT_VIRT_INSN;
			e->insn_len = (unsigned)vmread(VMCS_EXIT_INSN_LEN);
		} else {
			e->reason = EXIT_OTHER;
		}
	}
}

static void vmx_run(struct vcpu *v, struct vm_exit *e)
{
	struct vmx_vcpu *a = v->arch;
	uint32_t entry = ctl.entry;

	if (a->inject_info) {
		vmwrite(VMCS_ENTRY_INTR_INFO, a->inject_info);
		vmwrite(VMCS_ENTRY_EXC_ERROR, a->inject_error);
	} else if (a->pending_info) {
		vmwrite(VMCS_ENTRY_INTR_INFO, a->pending_info);
		vmwrite(VMCS_ENTRY_EXC_ERROR, a->pending_error);
		vmwrite(VMCS_ENTRY_INSN_LEN, a->pending_len);
	}
	a->inject_info = a->pending_info = 0;
	/* The guest switches to long mode on its own: follow EFER.LMA. */
	if (vmread(VMCS_GUEST_EFER) & EFER_LMA)
		entry |= ENTRY_IA32E_GUEST;
	vmwrite(VMCS_ENTRY_CTLS, entry);

	if (vmx_enter(&v->regs, a->launched)) {
		memset(e, 0, sizeof *e);
		e->reason = EXIT_INVALID;
		e->raw = 1ull << 32 | vmread(VMCS_INSN_ERROR);   /* VM-instruction error */
		e->rip = vmread(VMCS_GUEST_RIP);
		return;
	}
	a->launched = true;
	decode(a, &v->regs, e);
}

static void vmx_skip_insn(struct vcpu *v, const struct vm_exit *e)
{
	(void)v;
	vmwrite(VMCS_GUEST_RIP, e->rip + e->insn_len);
	/* The skipped instruction ends any STI / MOV SS interrupt shadow. */
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) & ~3ull);
}

static void vmx_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	struct vmx_vcpu *a = v->arch;
	a->inject_info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | (vector & 0xFF) |
			 (has_error ? INTR_INFO_HAS_ERROR : 0);
	a->inject_error = error;
}

static bool vmx_inject_nmi(struct vcpu *v)
{
	struct vmx_vcpu *a = v->arch;
	if (a->inject_info || a->pending_info ||
	    (vmread(VMCS_GUEST_INTERRUPTIBILITY) & GUEST_BLOCKING_BY_NMI))
		return false;
	a->inject_info = INTR_INFO_VALID | INTR_TYPE_NMI | 2;
	a->inject_error = 0;
	return true;
}

const struct virt_ops vmx_ops = {
	.name = "vmx",
	.pt_format = &ept_format,
	.detect = vmx_detect,
	.cpu_enable = vmx_cpu_enable,
	.vcpu_init = vmx_vcpu_init,
	.run = vmx_run,
	.skip_insn = vmx_skip_insn,
	.inject_exception = vmx_inject_exception,
	.inject_nmi = vmx_inject_nmi,
};
