/*
 * The per-core exit loop. After boot a well-behaved sandbox causes no exits
 * at all; everything that does exit is counted per sandbox, window and
 * reason. Violations (memory, ports, MSRs, SVM instructions) are reflected
 * into the sandbox as the exception real hardware would raise, so the
 * sandbox's own kernel decides whether it survives; faults it cannot
 * survive (triple fault, refused entry) stop only that sandbox.
 */
#include "monitor/run.h"
#include "monitor/checksum.h"
#include "monitor/log.h"
#include "monitor/iommu.h"
#include "monitor/smp.h"
#include "include/questv/bootinfo.h"
#include "lib/x86.h"
#include "monitor/nmi.h"

#define MAX_VIOLATION_RECORDS 128   /* a rogue sandbox cannot flood the log */

const struct virt_ops *virt;

static void record_violation(struct sandbox *sb, const struct vm_exit *e)
{
	struct record r;
	if (sb->violations_logged++ >= MAX_VIOLATION_RECORDS)
		return;
	rec_begin(&r, "violation");
	rec_u64(&r, "sandbox", sb->id);
	rec_str(&r, "kind", exit_reason_name(e->reason));
	rec_hex(&r, "rip", e->rip);
	switch (e->reason) {
	case EXIT_NESTED_FAULT:
		rec_hex(&r, "gpa", e->gpa);
		rec_str(&r, "access", e->write ? "write" : "read");
		break;
	case EXIT_IO:
		rec_hex(&r, "port", e->port);
		rec_str(&r, "access", e->write ? "out" : "in");
		break;
	case EXIT_MSR:
		rec_hex(&r, "msr", e->msr);
		rec_str(&r, "access", e->write ? "write" : "read");
		break;
	default:
		rec_hex(&r, "code", e->raw);
	}
	rec_end(&r);
}

/*
 * CPUID exits only under VMX (it cannot be turned off there). Answer with
 * this core's own CPUID, minus the virtualization extensions the sandbox
 * cannot use, plus the hypervisor-present bit.
 */
static void emulate_cpuid(struct guest_regs *g)
{
	uint32_t r[4];
	cpuid((uint32_t)g->rax, (uint32_t)g->rcx, r);
	if ((uint32_t)g->rax == 1)
		r[2] = (r[2] & ~(1u << 5)) | (1u << 31);        /* VMX off, hypervisor on */
	if ((uint32_t)g->rax == 0x80000001u)
		r[2] &= ~(1u << 2);                              /* SVM off */
	g->rax = r[0];
	g->rbx = r[1];
	g->rcx = r[2];
	g->rdx = r[3];
}

/* Tell the sandbox when its violation exited (bootinfo.h). */
static void stamp_violation(struct sandbox *sb, uint64_t exit_tsc)
{
	struct bootinfo *bi = sandbox_ptr(sb, BOOTINFO_GPA);
	bi->violation_exit_tsc = exit_tsc;
	bi->violations++;
	sb->stamp_entry = true;
}

/* Serve one exit; returns false when the sandbox cannot go on. */
static bool handle_exit(struct sandbox *sb, const struct vm_exit *e, const char **fatal)
{
	switch (e->reason) {
	case EXIT_HYPERCALL:
		hypercall(sb);
		virt->skip_insn(&sb->vcpu, e);
		return true;
	case EXIT_CPUID:
		emulate_cpuid(&sb->vcpu.regs);
		virt->skip_insn(&sb->vcpu, e);
		return true;
	case EXIT_NESTED_FAULT:
	case EXIT_IO:
	case EXIT_MSR:
	case EXIT_CACHE_FLUSH:  /* INVD would discard others' dirty lines; WBINVD stalls them */
		stamp_violation(sb, e->tsc);
		record_violation(sb, e);
		virt->inject_exception(&sb->vcpu, EXC_GP, true, 0);
		return true;
	case EXIT_VIRT_INSN:
		record_violation(sb, e);
		virt->inject_exception(&sb->vcpu, EXC_UD, false, 0);
		return true;
	case EXIT_INIT:
		/* Another sandbox tried to reset this core: ignore it. */
		record_violation(sb, e);
		return true;
	case EXIT_SHUTDOWN:
		*fatal = "triple_fault";
		return false;
	case EXIT_INVALID:
		*fatal = "invalid_state";
		return false;
	default:
		*fatal = "unexpected_exit";
		return false;
	}
}

/* The hypercall that ends the run closes the steady window: not part of it. */
static enum exit_window window_of(const struct sandbox *sb, const struct vm_exit *e)
{
	if (e->reason == EXIT_HYPERCALL && sb->vcpu.regs.rax == HC_END_RUN)
		return WINDOW_END;
	return sb->window;
}

void run_core(unsigned core_index)
{
	struct sandbox *sb = 0;
	unsigned i;
	const char *fatal = "";

	for (i = 0; i < nsandboxes; i++)
		if (sandboxes[i].core == core_index)
			sb = &sandboxes[i];
	if (!sb) {
		/* Park with virtualization on, where INIT is held (SVM: GIF clear)
		 * or blocked (VMX root): no sandbox can reset this core. */
		virt->cpu_enable(core_index);
		core_park();
	}
	if (virt->cpu_enable(core_index) ||
	    virt->vcpu_init(&sb->vcpu, &sb->entry, &sb->npt,
			    &(struct guest_grants){ sb->io_granted }))
		sandbox_finish(sb, SB_STOPPED, RUN_FAILED, "vcpu_init");
	monitor_integrity_vcpu(sb);
	sb->state = SB_RUNNING;
	for (;;) {
		struct vm_exit e;
		if (sb->stamp_entry) {
			struct bootinfo *bi = sandbox_ptr(sb, BOOTINFO_GPA);
			sb->stamp_entry = false;
			bi->violation_enter_tsc = rdtsc();
		}
		if (nmi_pending() && virt->inject_nmi(&sb->vcpu))
			nmi_handed();
		virt->run(&sb->vcpu, &e);
		e.tsc = rdtsc();
		iommu_report_faults();   /* the monitor runs anyway: collect DMA faults */
		if (sb->state == SB_STOPPED)
			core_park();    /* stopped from another core (sandbox_stop) */
		sb->exits[window_of(sb, &e)][e.reason]++;
		if (!handle_exit(sb, &e, &fatal)) {
			struct record r;
			rec_begin(&r, "sandbox_fault");
			rec_u64(&r, "sandbox", sb->id);
			rec_str(&r, "reason", fatal);
			rec_hex(&r, "exit_code", e.raw);
			rec_hex(&r, "rip", e.rip);
			rec_end(&r);
			sandbox_finish(sb, SB_STOPPED, RUN_FAILED, fatal);
		}
		if (sb->state == SB_STOPPED)
			core_park();
	}
}
