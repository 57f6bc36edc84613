/* VMX control derivation (see vmx_controls.h). */
#include "monitor/arch/vmx_controls.h"

struct ctl_name {
	uint32_t bit;
	const char *missing;    /* required but the CPU cannot set it */
	const char *forced;     /* forbidden but the CPU cannot clear it */
};

#define CTL(bit, name, msr) { bit, \
	"CPU lacks required VMX control '" name "' (" msr ")", \
	"CPU forces VMX control '" name "' on: it would make the sandboxes exit (" msr ")" }

#define PIN_MSR   "IA32_VMX_PINBASED_CTLS"
#define PROC_MSR  "IA32_VMX_PROCBASED_CTLS"
#define PROC2_MSR "IA32_VMX_PROCBASED_CTLS2"
#define EXIT_MSR  "IA32_VMX_EXIT_CTLS"
#define ENTRY_MSR "IA32_VMX_ENTRY_CTLS"

static const struct ctl_name pin_names[] = {
	CTL(PIN_EXT_INT_EXIT, "external-interrupt exiting", PIN_MSR),
	CTL(PIN_NMI_EXIT, "NMI exiting", PIN_MSR),
	CTL(PIN_VIRTUAL_NMI, "virtual NMIs", PIN_MSR),
	CTL(PIN_PREEMPT_TIMER, "VMX-preemption timer", PIN_MSR),
	CTL(PIN_POSTED_INT, "process posted interrupts", PIN_MSR),
	{ 0, 0, 0 }
};

static const struct ctl_name proc_names[] = {
	CTL(PROC_INT_WINDOW_EXIT, "interrupt-window exiting", PROC_MSR),
	CTL(PROC_HLT_EXIT, "HLT exiting", PROC_MSR),
	CTL(PROC_INVLPG_EXIT, "INVLPG exiting", PROC_MSR),
	CTL(PROC_MWAIT_EXIT, "MWAIT exiting", PROC_MSR),
	CTL(PROC_RDPMC_EXIT, "RDPMC exiting", PROC_MSR),
	CTL(PROC_RDTSC_EXIT, "RDTSC exiting", PROC_MSR),
	CTL(PROC_CR3_LOAD_EXIT, "CR3-load exiting", PROC_MSR),
	CTL(PROC_CR3_STORE_EXIT, "CR3-store exiting", PROC_MSR),
	CTL(PROC_CR8_LOAD_EXIT, "CR8-load exiting", PROC_MSR),
	CTL(PROC_CR8_STORE_EXIT, "CR8-store exiting", PROC_MSR),
	CTL(PROC_TPR_SHADOW, "use TPR shadow", PROC_MSR),
	CTL(PROC_NMI_WINDOW_EXIT, "NMI-window exiting", PROC_MSR),
	CTL(PROC_MOV_DR_EXIT, "MOV-DR exiting", PROC_MSR),
	CTL(PROC_UNCOND_IO_EXIT, "unconditional I/O exiting", PROC_MSR),
	CTL(PROC_USE_IO_BITMAPS, "use I/O bitmaps", PROC_MSR),
	CTL(PROC_MONITOR_TRAP, "monitor trap flag", PROC_MSR),
	CTL(PROC_USE_MSR_BITMAPS, "use MSR bitmaps", PROC_MSR),
	CTL(PROC_MONITOR_EXIT, "MONITOR exiting", PROC_MSR),
	CTL(PROC_PAUSE_EXIT, "PAUSE exiting", PROC_MSR),
	CTL(PROC_SECONDARY, "activate secondary controls (needed for EPT)", PROC_MSR),
	{ 0, 0, 0 }
};

static const struct ctl_name proc2_names[] = {
	CTL(PROC2_EPT, "enable EPT", PROC2_MSR),
	CTL(PROC2_VPID, "enable VPID", PROC2_MSR),
	CTL(PROC2_UNRESTRICTED, "unrestricted guest", PROC2_MSR),
	{ 0, 0, 0 }
};

static const struct ctl_name exit_names[] = {
	CTL(EXIT_HOST_64BIT, "host address-space size", EXIT_MSR),
	CTL(EXIT_ACK_INT, "acknowledge interrupt on exit", EXIT_MSR),
	CTL(EXIT_SAVE_EFER, "save IA32_EFER", EXIT_MSR),
	CTL(EXIT_LOAD_EFER, "load IA32_EFER", EXIT_MSR),
	CTL(EXIT_SAVE_PREEMPT, "save VMX-preemption timer", EXIT_MSR),
	{ 0, 0, 0 }
};

static const struct ctl_name entry_names[] = {
	CTL(ENTRY_IA32E_GUEST, "IA-32e mode guest", ENTRY_MSR),
	CTL(ENTRY_SMM, "entry to SMM", ENTRY_MSR),
	CTL(ENTRY_DUAL_MONITOR, "deactivate dual-monitor treatment", ENTRY_MSR),
	CTL(ENTRY_LOAD_EFER, "load IA32_EFER", ENTRY_MSR),
	{ 0, 0, 0 }
};

uint32_t vmx_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t forbidden,
		    uint32_t *out)
{
	uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
	uint32_t bad = (required & ~may1) | (forbidden & must1);
	if (bad)
		return bad;
	*out = must1 | required | (optional & may1);
	return 0;
}

/* Adjust one word; on failure name the lowest offending control. */
static int adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t forbidden,
		  uint32_t *out, const struct ctl_name *names, const char **why)
{
	uint32_t bad = vmx_adjust(cap, required, optional, forbidden, out);
	uint32_t low = bad & -bad;
	if (!bad)
		return 0;
	*why = "CPU lacks a required VMX control";
	for (; names->bit; names++)
		if (names->bit == low)
			*why = (low & required) ? names->missing : names->forced;
	return -1;
}

/* Exiting controls a sandbox's steady state must never trigger. */
#define PIN_FORBIDDEN (PIN_EXT_INT_EXIT | PIN_NMI_EXIT | PIN_VIRTUAL_NMI | PIN_PREEMPT_TIMER | \
		       PIN_POSTED_INT)
#define PROC_FORBIDDEN (PROC_INT_WINDOW_EXIT | PROC_HLT_EXIT | PROC_INVLPG_EXIT | \
			PROC_MWAIT_EXIT | PROC_RDPMC_EXIT | PROC_RDTSC_EXIT | PROC_CR3_LOAD_EXIT | \
			PROC_CR3_STORE_EXIT | PROC_CR8_LOAD_EXIT | PROC_CR8_STORE_EXIT | \
			PROC_TPR_SHADOW | PROC_NMI_WINDOW_EXIT | PROC_MOV_DR_EXIT | \
			PROC_UNCOND_IO_EXIT | PROC_MONITOR_TRAP | PROC_MONITOR_EXIT | PROC_PAUSE_EXIT)
#define PROC_REQUIRED (PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_SECONDARY)
/* RDTSCP/INVPCID/XSAVES raise #UD in a guest unless enabled: enable what exists. */
#define PROC2_REQUIRED (PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED)
#define PROC2_OPTIONAL (PROC2_RDTSCP | PROC2_INVPCID | PROC2_XSAVES | PROC2_WBINVD_EXIT)
#define EXIT_REQUIRED (EXIT_HOST_64BIT | EXIT_SAVE_EFER | EXIT_LOAD_EFER)
#define EXIT_OPTIONAL (EXIT_SAVE_PAT | EXIT_LOAD_PAT)
#define EXIT_FORBIDDEN (EXIT_ACK_INT | EXIT_SAVE_PREEMPT)
#define ENTRY_REQUIRED ENTRY_LOAD_EFER
#define ENTRY_OPTIONAL ENTRY_LOAD_PAT
/* IA-32e mode guest is switched per entry as the guest enters long mode:
 * it must be settable and clearable. */
#define ENTRY_FORBIDDEN (ENTRY_IA32E_GUEST | ENTRY_SMM | ENTRY_DUAL_MONITOR)

int vmx_derive(const struct vmx_msrs *m, struct vmx_controls *c, const char **why)
{
	bool tru = m->basic & VMX_BASIC_TRUE_CTLS;
	uint32_t entry_ia32e;

	*c = (struct vmx_controls){ 0 };
	c->true_ctls = tru;
	c->revision = VMX_BASIC_REVISION(m->basic);
	c->region_size = VMX_BASIC_SIZE(m->basic);
	if (c->region_size == 0 || c->region_size > 4096) {
		*why = "IA32_VMX_BASIC reports a VMCS region size outside 1..4096 bytes";
		return -1;
	}
	if (VMX_BASIC_MEMTYPE(m->basic) != 6) {
		*why = "IA32_VMX_BASIC: VMCS memory type is not write-back";
		return -1;
	}
	/* No EPT at all is the common refusal: say it plainly first. */
	if (!(m->procbased >> 32 & PROC_SECONDARY) || !(m->procbased2 >> 32 & PROC2_EPT)) {
		*why = "CPU has Intel VMX but no EPT (IA32_VMX_PROCBASED_CTLS2): nested paging required";
		return -1;
	}
	if (adjust(tru ? m->true_pinbased : m->pinbased, 0, 0, PIN_FORBIDDEN, &c->pin,
		   pin_names, why) ||
	    adjust(tru ? m->true_procbased : m->procbased, PROC_REQUIRED, 0, PROC_FORBIDDEN,
		   &c->proc, proc_names, why) ||
	    adjust(m->procbased2, PROC2_REQUIRED, PROC2_OPTIONAL, ~(PROC2_REQUIRED | PROC2_OPTIONAL),
		   &c->proc2, proc2_names, why) ||
	    adjust(tru ? m->true_exit : m->exit, EXIT_REQUIRED, EXIT_OPTIONAL, EXIT_FORBIDDEN,
		   &c->exit, exit_names, why) ||
	    adjust(tru ? m->true_entry : m->entry, ENTRY_REQUIRED, ENTRY_OPTIONAL, ENTRY_FORBIDDEN,
		   &c->entry, entry_names, why))
		return -1;
	if (adjust(tru ? m->true_entry : m->entry, ENTRY_IA32E_GUEST, 0, 0, &entry_ia32e,
		   entry_names, why))
		return -1;
	/* PAT is switched only if it can be saved, loaded on exit and loaded
	 * on entry; half a switch would leak one side's PAT to the other. */
	if ((c->exit & (EXIT_SAVE_PAT | EXIT_LOAD_PAT)) != (EXIT_SAVE_PAT | EXIT_LOAD_PAT) ||
	    !(c->entry & ENTRY_LOAD_PAT)) {
		c->exit &= ~(EXIT_SAVE_PAT | EXIT_LOAD_PAT) | (uint32_t)(tru ? m->true_exit : m->exit);
		c->entry &= ~ENTRY_LOAD_PAT | (uint32_t)(tru ? m->true_entry : m->entry);
	}

	if (!(m->ept_vpid_cap & EPT_CAP_WALK4)) {
		*why = "EPT lacks 4-level page walks (IA32_VMX_EPT_VPID_CAP bit 6)";
		return -1;
	}
	if (!(m->ept_vpid_cap & EPT_CAP_WB)) {
		*why = "EPT lacks write-back paging structures (IA32_VMX_EPT_VPID_CAP bit 14)";
		return -1;
	}
	if (!(m->ept_vpid_cap & EPT_CAP_2M)) {
		*why = "EPT lacks 2 MiB pages (IA32_VMX_EPT_VPID_CAP bit 16)";
		return -1;
	}
	c->invept = (m->ept_vpid_cap & EPT_CAP_INVEPT) &&
		    (m->ept_vpid_cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL));
	c->invvpid = (m->ept_vpid_cap & VPID_CAP_INVVPID) &&
		     (m->ept_vpid_cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));

	/* CR0/CR4: FIXED0 bits must be 1, bits clear in FIXED1 must be 0.
	 * Unrestricted guest exempts CR0.PE and CR0.PG. */
	c->host_cr0_must1 = m->cr0_fixed0;
	c->host_cr0_may1 = m->cr0_fixed1;
	c->cr0_must1 = m->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
	c->cr0_may1 = m->cr0_fixed1 | X86_CR0_PE | X86_CR0_PG;
	c->cr4_must1 = m->cr4_fixed0;
	c->cr4_may1 = m->cr4_fixed1;
	if (!(c->cr4_must1 & X86_CR4_VMXE) && !(c->cr4_may1 & X86_CR4_VMXE)) {
		*why = "IA32_VMX_CR4_FIXED1 does not allow CR4.VMXE";
		return -1;
	}
	/* Only the forced bits are the monitor's; the guest owns the rest, so
	 * its CR writes cause no exits. */
	c->cr0_mask = c->cr0_must1;
	c->cr4_mask = c->cr4_must1;
	return 0;
}

uint64_t vmx_guest_cr(const struct vmx_controls *c, bool cr0, uint64_t v)
{
	return cr0 ? (v | c->cr0_must1) & c->cr0_may1 : (v | c->cr4_must1) & c->cr4_may1;
}
