/*
 * AMD SVM backend with nested paging (AMD APM vol. 2, ch. 15).
 *
 * QEMU TCG offers SVM + NPT but no NRIP save and no decode assists, so the
 * RIP after an exit is computed here from the known instruction length
 * (and taken from next_rip when the CPU reports NRIP save).
 */
#include "monitor/arch/svm.h"
#include "monitor/virt.h"
#include "monitor/page_pool.h"
#include "lib/x86.h"
#include "lib/string.h"
#include "monitor/msr_policy.h"

#define CPUID_SVM_LEAF     0x8000000Au
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_ECX_SVM      (1u << 2)
#define SVM_EDX_NPT        (1u << 0)
#define SVM_EDX_NRIP       (1u << 3)

#define MAX_CORES 16

struct svm_vcpu {
	struct vmcb *vmcb;
	uint8_t *iopm;
	uint8_t *msrpm;
};

static bool has_nrip;
static unsigned asid_limit;
static struct svm_vcpu arch_state[MAX_CORES];
static unsigned arch_used;   /* every core takes a slot at once: atomic */

static int svm_detect(const char **why)
{
	uint32_t r[4];

	cpuid(0x80000000u, 0, r);
	if (r[0] < CPUID_SVM_LEAF) {
		*why = "CPU has no AMD SVM (no extended CPUID leaf 0x8000000A)";
		return -1;
	}
	cpuid(CPUID_EXT_FEATURES, 0, r);
	if (!(r[2] & CPUID_ECX_SVM)) {
		*why = "CPU has no AMD SVM (CPUID 0x80000001 ECX.SVM = 0)";
		return -1;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		*why = "SVM is disabled by firmware (VM_CR.SVMDIS)";
		return -1;
	}
	cpuid(CPUID_SVM_LEAF, 0, r);
	if (!(r[3] & SVM_EDX_NPT)) {
		*why = "CPU has SVM but no nested paging (NPT)";
		return -1;
	}
	has_nrip = r[3] & SVM_EDX_NRIP;
	asid_limit = r[1];
	return 0;
}

static int svm_cpu_enable(unsigned core_index)
{
	void *hsave = pool_alloc(1);
	(void)core_index;
	if (!hsave)
		return -1;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uint64_t)hsave);
	/* From here on the monitor runs with GIF clear (#VMEXIT leaves it so):
	 * INIT, NMI and SMI sent at this core wait for the next guest entry,
	 * where the sandbox takes them (INIT is intercepted). */
	__asm__ volatile("clgi" ::: "memory");
	return 0;
}

/* SVM's IOPM intercepts where a bit is set: the inverse of the grant map. */
static void build_iopm(uint8_t *iopm, const uint8_t *granted)
{
	unsigned i;
	memset(iopm, 0xFF, SVM_IOPM_SIZE);
	for (i = 0; i < 8192; i++)
		iopm[i] = (uint8_t)~granted[i];
}

static void flat_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = 0xFFFFFFFFu;
	s->base = 0;
}

static int svm_vcpu_init(struct vcpu *v, const struct guest_entry *entry,
			 const struct nested_pt *npt, const struct guest_grants *g)
{
	struct svm_vcpu *a;
	struct vmcb_control *c;
	struct vmcb_save *s;
	unsigned slot;

	if (v->asid == 0 || v->asid >= asid_limit)
		return -1;
	slot = __atomic_fetch_add(&arch_used, 1, __ATOMIC_RELAXED);
	if (slot >= MAX_CORES)
		return -1;
	a = &arch_state[slot];
	a->vmcb = pool_alloc(1);
	a->iopm = pool_alloc(5);        /* IOPM (3 pages), then the MSRPM (2) */
	if (!a->vmcb || !a->iopm)
		return -1;
	a->msrpm = a->iopm + SVM_IOPM_SIZE;
	build_iopm(a->iopm, g->io_bitmap);
	msr_build_msrpm(a->msrpm, true);   /* NPT gives the guest its own PAT */

	c = &a->vmcb->control;
	c->intercept_misc1 = SVM_INTERCEPT_INIT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
			     SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN | SVM_INTERCEPT_INVD;
	c->intercept_misc2 = SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_SVM_INSNS | SVM_INTERCEPT_WBINVD;
	c->iopm_base_pa = (uint64_t)a->iopm;
	c->msrpm_base_pa = (uint64_t)a->msrpm;
	c->asid = v->asid;
	c->tlb_control = 1;             /* flush this ASID on first entry */
	c->int_control = 0;             /* V_INTR_MASKING off: guest IF masks real IRQs */
	c->np_enable = 1;
	c->n_cr3 = npt->root_pa;

	/* 32-bit protected mode, paging off, flat segments, CPL 0. */
	s = &a->vmcb->save;
	flat_seg(&s->cs, 0x08, 0xC9B);
	flat_seg(&s->ds, 0x10, 0xC93);
	flat_seg(&s->es, 0x10, 0xC93);
	flat_seg(&s->ss, 0x10, 0xC93);
	flat_seg(&s->fs, 0x10, 0xC93);
	flat_seg(&s->gs, 0x10, 0xC93);
	s->tr.attrib = 0x8B;            /* present, busy 32-bit TSS */
	s->tr.limit = 0x67;
	s->ldtr.attrib = 0x82;
	s->gdtr.limit = 0;
	s->idtr.limit = 0;
	s->cpl = 0;
	s->efer = EFER_SVME;            /* required by VMRUN's consistency checks */
	s->cr0 = 0x11;                  /* PE | ET */
	s->cr4 = 0;
	s->dr6 = 0xFFFF0FF0;
	s->dr7 = 0x400;
	s->rflags = 2;
	s->rip = entry->rip;
	s->g_pat = PAT_POWER_ON;
	memset(&v->regs, 0, sizeof v->regs);
	v->regs.rax = entry->eax;
	v->regs.rbx = entry->ebx;
	v->arch = a;
	v->arch_pa = (uint64_t)a->vmcb;
	v->perm_maps = a->iopm;
	v->perm_maps_len = SVM_IOPM_SIZE + SVM_MSRPM_SIZE;
	return 0;
}

extern void svm_enter(uint64_t vmcb_pa, struct guest_regs *regs);

static void decode(const struct svm_vcpu *a, const struct guest_regs *r, struct vm_exit *e)
{
	const struct vmcb_control *c = &a->vmcb->control;
	uint64_t code = c->exit_code;

	memset(e, 0, sizeof *e);
	e->raw = code;
	e->rip = a->vmcb->save.rip;
	if (has_nrip && c->next_rip > e->rip)
		e->insn_len = (unsigned)(c->next_rip - e->rip);

	switch (code) {
	case SVM_EXIT_VMMCALL:
		e->reason = EXIT_HYPERCALL;
		e->insn_len = 3;        /* 0f 01 d9 */
		break;
	case SVM_EXIT_NPF:
		e->reason = EXIT_NESTED_FAULT;
		e->gpa = c->exit_info2;
		e->write = c->exit_info1 & 2;
		break;
	case SVM_EXIT_IOIO:
		e->reason = EXIT_IO;
		e->port = (uint16_t)(c->exit_info1 >> 16);
		e->write = !(c->exit_info1 & 1);
		e->size = (c->exit_info1 >> 4) & 7;  /* SZ8/SZ16/SZ32 bits = 1/2/4 */
		e->insn_len = (unsigned)(c->exit_info2 - e->rip); /* info2 = next RIP */
		break;
	case SVM_EXIT_MSR:
		e->reason = EXIT_MSR;
		e->msr = (uint32_t)r->rcx;
		e->write = c->exit_info1 & 1;
		e->insn_len = 2;        /* rdmsr / wrmsr */
		break;
	case SVM_EXIT_SHUTDOWN:
		e->reason = EXIT_SHUTDOWN;
		break;
	case SVM_EXIT_INIT:
		e->reason = EXIT_INIT;
		break;
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD:
		e->reason = EXIT_CACHE_FLUSH;
		break;
	case SVM_EXIT_INVALID:
		e->reason = EXIT_INVALID;
		break;
	default:
		if ((code >= SVM_EXIT_VMRUN && code <= SVM_EXIT_SKINIT) || code == SVM_EXIT_INVLPGA)
			e->reason = EXIT_VIRT_INSN;
		else
			e->reason = EXIT_OTHER;
	}
}

static void svm_run(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *a = v->arch;
	a->vmcb->save.rax = v->regs.rax;
	svm_enter(v->arch_pa, &v->regs);
	a->vmcb->control.tlb_control = 0;
	v->regs.rax = a->vmcb->save.rax;
	decode(a, &v->regs, e);
}

static void svm_skip_insn(struct vcpu *v, const struct vm_exit *e)
{
	struct svm_vcpu *a = v->arch;
	a->vmcb->save.rip = e->rip + e->insn_len;
}

static void svm_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	struct svm_vcpu *a = v->arch;
	uint64_t ev = SVM_EVENT_VALID | SVM_EVENT_EXCEPTION | (vector & 0xFF);
	if (has_error)
		ev |= SVM_EVENT_HAS_ERROR | ((uint64_t)error << 32);
	a->vmcb->control.event_inj = ev;
}

static bool svm_inject_nmi(struct vcpu *v)
{
	struct svm_vcpu *a = v->arch;
	if (a->vmcb->control.event_inj & SVM_EVENT_VALID)
		return false;
	a->vmcb->control.event_inj = SVM_EVENT_VALID | SVM_EVENT_NMI | 2;
	return true;
}

const struct virt_ops svm_ops = {
	.name = "svm",
	.pt_format = &npt_format,
	.detect = svm_detect,
	.cpu_enable = svm_cpu_enable,
	.vcpu_init = svm_vcpu_init,
	.run = svm_run,
	.skip_insn = svm_skip_insn,
	.inject_exception = svm_inject_exception,
	.inject_nmi = svm_inject_nmi,
};
