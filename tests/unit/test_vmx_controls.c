/*
 * Host tests of the VMX control derivation (monitor/arch/vmx_controls.c):
 * fixed-1 bits kept, optional controls only where allowed, TRUE_ MSRs used
 * when IA32_VMX_BASIC bit 55 says so, a required control the CPU lacks or
 * an exiting control it forces on refused with a message naming it.
 *
 * Capability values:
 *  - Bochs 2.7 models, as the monitor's vmx_caps record printed them
 *    (corei7_sandy_bridge_2600k, corei7_haswell_4770, corei7_icelake_u,
 *    corei5_lynnfield_750, core2_penryn_t9600);
 *  - real CPUs, from MSR dumps in VirtualBox's CPU database
 *    (src/VBox/VMM/VMMR3/cpus/): Core i7-2635QM (Sandy Bridge),
 *    Core i7-5600U (Broadwell), Xeon X5482 (Penryn: VMX without EPT,
 *    no TRUE_ MSRs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "monitor/arch/vmx_controls.h"

/* Common to the Bochs models and Sandy Bridge .. Broadwell parts. */
#define PIN      0x7f00000016ull
#define PROC_SNB 0xfff9fffe0401e172ull
#define TPROC_SNB 0xfff9fffe04006172ull
#define EXIT     0x7fffff00036dffull
#define TEXIT    0x7fffff00036dfbull
#define ENTRY    0xffff000011ffull
#define TENTRY   0xffff000011fbull

static const struct vmx_msrs bochs_sandy_bridge = {
	.basic = 0xd810000000002bull, .pinbased = PIN, .procbased = 0xf7f9fffe0401e172ull,
	.exit = EXIT, .entry = ENTRY, .true_pinbased = PIN,
	.true_procbased = 0xf7f9fffe04006172ull, .true_exit = TEXIT, .true_entry = TENTRY,
	.procbased2 = 0xff00000000ull, .ept_vpid_cap = 0xf0106114141ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x627ff,
};

static const struct vmx_msrs bochs_haswell = {
	.basic = 0xd810000000002bull, .pinbased = PIN, .procbased = 0xf7f9fffe0401e172ull,
	.exit = EXIT, .entry = ENTRY, .true_pinbased = PIN,
	.true_procbased = 0xf7f9fffe04006172ull, .true_exit = TEXIT, .true_entry = TENTRY,
	.procbased2 = 0x47fff00000000ull, .ept_vpid_cap = 0xf0106334141ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x1727ff,
};

static const struct vmx_msrs bochs_icelake = {
	.basic = 0xd8100000000004ull, .pinbased = PIN, .procbased = PROC_SNB,
	.exit = EXIT, .entry = ENTRY, .true_pinbased = PIN,
	.true_procbased = TPROC_SNB, .true_exit = TEXIT, .true_entry = TENTRY,
	.procbased2 = 0x2977fff00000000ull, .ept_vpid_cap = 0xf0106334141ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x772fff,
};

/* Nehalem: EPT and VPID but no unrestricted guest. */
static const struct vmx_msrs bochs_lynnfield = {
	.basic = 0xd810000000002bull, .pinbased = PIN, .procbased = 0xf7f9fffe0401e172ull,
	.exit = EXIT, .entry = ENTRY, .true_pinbased = PIN,
	.true_procbased = 0xf7f9fffe04006172ull, .true_exit = TEXIT, .true_entry = TENTRY,
	.procbased2 = 0x7f00000000ull, .ept_vpid_cap = 0xf0106114141ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x67ff,
};

/* VMX, secondary controls, but no EPT. */
static const struct vmx_msrs bochs_penryn = {
	.basic = 0xd810000000002bull, .pinbased = 0x3f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull, .exit = 0x3ffff00036dffull, .entry = 0x3fff000011ffull,
	.true_pinbased = 0x3f00000016ull, .true_procbased = 0xf7f9fffe04006172ull,
	.true_exit = 0x3ffff00036dfbull, .true_entry = 0x3fff000011fbull,
	.procbased2 = 0x4100000000ull, .ept_vpid_cap = 0,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x467ff,
};

static const struct vmx_msrs real_i7_2635qm = {
	.basic = 0xda040000000010ull, .pinbased = PIN, .procbased = PROC_SNB,
	.exit = EXIT, .entry = ENTRY, .true_pinbased = PIN, .true_procbased = TPROC_SNB,
	.true_exit = TEXIT, .true_entry = TENTRY,
	.procbased2 = 0xff00000000ull, .ept_vpid_cap = 0xf0106114141ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x627ff,
};

static const struct vmx_msrs real_i7_5600u = {
	.basic = 0xda040000000012ull, .pinbased = PIN, .procbased = PROC_SNB,
	.exit = EXIT, .entry = ENTRY, .true_pinbased = PIN, .true_procbased = TPROC_SNB,
	.true_exit = TEXIT, .true_entry = TENTRY,
	.procbased2 = 0x57cff00000000ull, .ept_vpid_cap = 0xf0106334141ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x3767ff,
};

/* No TRUE_ MSRs (IA32_VMX_BASIC bit 55 clear), no EPT. */
static const struct vmx_msrs real_xeon_x5482 = {
	.basic = 0x5a08000000000dull, .pinbased = 0x3f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull, .exit = 0x3ffff00036dffull, .entry = 0x3fff000011ffull,
	.procbased2 = 0x4100000000ull,
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff, .cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x27ff,
};

static void derive_ok(const struct vmx_msrs *m, struct vmx_controls *c)
{
	const char *why = NULL;
	int rc = vmx_derive(m, c, &why);
	if (rc)
		fail_msg("derive failed: %s", why);
}

static void derive_fails(const struct vmx_msrs *m, const char *needle)
{
	struct vmx_controls c;
	const char *why = NULL;
	assert_int_equal(vmx_derive(m, &c, &why), -1);
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("message '%s' lacks '%s'", why, needle);
}

/* What every accepted CPU must get, whatever else it offers. */
static void check_common(const struct vmx_msrs *m, const struct vmx_controls *c)
{
	uint64_t pin = m->true_pinbased, proc = m->true_procbased;
	uint64_t exit = m->true_exit, entry = m->true_entry;

	assert_true(c->true_ctls);
	/* Fixed-1 bits of each word are set, nothing outside allowed-1 is. */
	assert_int_equal(c->pin & (uint32_t)pin, (uint32_t)pin);
	assert_int_equal(c->proc & (uint32_t)proc, (uint32_t)proc);
	assert_int_equal(c->exit & (uint32_t)exit, (uint32_t)exit);
	assert_int_equal(c->entry & (uint32_t)entry, (uint32_t)entry);
	assert_int_equal(c->pin & ~(uint32_t)(pin >> 32), 0);
	assert_int_equal(c->proc & ~(uint32_t)(proc >> 32), 0);
	assert_int_equal(c->proc2 & ~(uint32_t)(m->procbased2 >> 32), 0);
	assert_int_equal(c->exit & ~(uint32_t)(exit >> 32), 0);
	assert_int_equal(c->entry & ~(uint32_t)(entry >> 32), 0);
	/* What the backend relies on. */
	assert_int_equal(c->proc & (PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_SECONDARY),
			 PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_SECONDARY);
	assert_int_equal(c->proc2 & (PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED),
			 PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED);
	assert_int_equal(c->exit & (EXIT_HOST_64BIT | EXIT_SAVE_EFER | EXIT_LOAD_EFER),
			 EXIT_HOST_64BIT | EXIT_SAVE_EFER | EXIT_LOAD_EFER);
	assert_true(c->entry & ENTRY_LOAD_EFER);
	/* No exits in steady state: nothing that traps timer, HLT, PAUSE, CR3, interrupts. */
	assert_int_equal(c->pin & (PIN_EXT_INT_EXIT | PIN_NMI_EXIT | PIN_PREEMPT_TIMER), 0);
	assert_int_equal(c->proc & (PROC_HLT_EXIT | PROC_PAUSE_EXIT | PROC_RDTSC_EXIT |
				    PROC_CR3_LOAD_EXIT | PROC_CR3_STORE_EXIT | PROC_INT_WINDOW_EXIT |
				    PROC_MWAIT_EXIT | PROC_RDPMC_EXIT | PROC_TPR_SHADOW), 0);
	assert_int_equal(c->proc2 & (PROC2_VIRT_APIC_ACCESS | PROC2_VIRT_INT_DELIVERY |
				     PROC2_PAUSE_LOOP_EXIT | PROC2_DESC_TABLE_EXIT), 0);
	/* WBINVD exits wherever the CPU can (a sandbox never runs it; INVD always exits). */
	assert_int_equal(c->proc2 & PROC2_WBINVD_EXIT,
			 (uint32_t)(m->procbased2 >> 32) & PROC2_WBINVD_EXIT);
	assert_int_equal(c->exit & EXIT_ACK_INT, 0);
	/* Long mode is switched per entry, never at the start. */
	assert_int_equal(c->entry & ENTRY_IA32E_GUEST, 0);
	/* CR0.NE and CR4.VMXE are forced and masked; PE/PG free (unrestricted guest). */
	assert_int_equal(c->cr0_mask, X86_CR0_NE);
	assert_int_equal(c->cr4_mask, X86_CR4_VMXE);
	assert_int_equal(vmx_guest_cr(c, true, X86_CR0_PE | X86_CR0_ET), 0x31);
	assert_int_equal(vmx_guest_cr(c, true, 0x80000011), 0x80000031);
	assert_int_equal(vmx_guest_cr(c, false, 0), X86_CR4_VMXE);
	assert_int_equal(vmx_guest_cr(c, false, 0x20), 0x2020);
	assert_int_equal(c->host_cr0_must1, 0x80000021);
}

static void test_bochs_sandy_bridge(void **state)
{
	struct vmx_controls c;
	(void)state;
	derive_ok(&bochs_sandy_bridge, &c);
	check_common(&bochs_sandy_bridge, &c);
	assert_int_equal(c.revision, 0x2b);
	assert_int_equal(c.region_size, 4096);
	/* TRUE_ controls let CR3 exiting go (the plain MSR forces it on). */
	assert_int_equal(c.proc, 0x04006172u | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
				 PROC_SECONDARY);
	assert_int_equal(c.pin, 0x16);
	/* RDTSCP exists and is passed through; INVPCID/XSAVES do not exist here. */
	assert_int_equal(c.proc2, PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED | PROC2_RDTSCP |
				  PROC2_WBINVD_EXIT);
	assert_int_equal(c.exit, 0x36dfbu | EXIT_HOST_64BIT | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
				 EXIT_SAVE_PAT | EXIT_LOAD_PAT);
	assert_int_equal(c.entry, 0x11fbu | ENTRY_LOAD_EFER | ENTRY_LOAD_PAT);
	assert_true(c.invept);
	assert_true(c.invvpid);
}

static void test_bochs_haswell_and_icelake(void **state)
{
	struct vmx_controls c;
	(void)state;
	derive_ok(&bochs_haswell, &c);
	check_common(&bochs_haswell, &c);
	assert_true(c.proc2 & PROC2_INVPCID);
	derive_ok(&bochs_icelake, &c);
	check_common(&bochs_icelake, &c);
	assert_int_equal(c.revision, 4);
	assert_true(c.proc2 & PROC2_XSAVES);
}

static void test_real_sandy_bridge_and_broadwell(void **state)
{
	struct vmx_controls c;
	(void)state;
	derive_ok(&real_i7_2635qm, &c);
	check_common(&real_i7_2635qm, &c);
	assert_int_equal(c.revision, 0x10);
	assert_int_equal(c.region_size, 0x400);
	derive_ok(&real_i7_5600u, &c);
	check_common(&real_i7_5600u, &c);
	assert_int_equal(c.region_size, 0x400);
	assert_true(c.proc2 & PROC2_INVPCID);
	assert_int_equal(c.proc2 & PROC2_VMFUNC, 0);
}

static void test_no_ept_is_refused(void **state)
{
	(void)state;
	derive_fails(&bochs_penryn, "no EPT");
	derive_fails(&real_xeon_x5482, "no EPT");
	/* No secondary controls at all: the same plain answer. */
	struct vmx_msrs m = bochs_sandy_bridge;
	m.procbased &= ~((uint64_t)PROC_SECONDARY << 32);
	m.true_procbased &= ~((uint64_t)PROC_SECONDARY << 32);
	m.procbased2 = 0;
	derive_fails(&m, "no EPT");
}

static void test_missing_required_control_is_named(void **state)
{
	struct vmx_msrs m;
	(void)state;
	derive_fails(&bochs_lynnfield, "'unrestricted guest'");

	m = bochs_sandy_bridge;
	m.true_procbased &= ~((uint64_t)PROC_USE_MSR_BITMAPS << 32);
	derive_fails(&m, "lacks required VMX control 'use MSR bitmaps' (IA32_VMX_PROCBASED_CTLS)");

	m = bochs_sandy_bridge;
	m.procbased2 &= ~((uint64_t)PROC2_VPID << 32);
	derive_fails(&m, "'enable VPID'");

	m = bochs_sandy_bridge;
	m.true_exit &= ~((uint64_t)EXIT_LOAD_EFER << 32);
	derive_fails(&m, "'load IA32_EFER' (IA32_VMX_EXIT_CTLS)");

	m = bochs_sandy_bridge;
	m.true_entry &= ~((uint64_t)ENTRY_IA32E_GUEST << 32);
	derive_fails(&m, "'IA-32e mode guest'");
}

static void test_forced_exiting_control_is_refused(void **state)
{
	struct vmx_msrs m;
	(void)state;
	/* Without TRUE_ MSRs, Sandy Bridge's plain PROCBASED_CTLS forces CR3
	 * exiting on: the sandboxes would exit on every CR3 write. */
	m = real_i7_2635qm;
	m.basic &= ~VMX_BASIC_TRUE_CTLS;
	derive_fails(&m, "forces VMX control 'CR3-load exiting' on");

	m = bochs_sandy_bridge;
	m.true_pinbased |= PIN_EXT_INT_EXIT;
	derive_fails(&m, "'external-interrupt exiting'");

	m = bochs_sandy_bridge;
	m.true_procbased |= PROC_HLT_EXIT;
	derive_fails(&m, "'HLT exiting'");
}

static void test_ept_capabilities(void **state)
{
	struct vmx_msrs m;
	(void)state;
	m = bochs_sandy_bridge;
	m.ept_vpid_cap &= ~EPT_CAP_2M;
	derive_fails(&m, "2 MiB");
	m = bochs_sandy_bridge;
	m.ept_vpid_cap &= ~EPT_CAP_WALK4;
	derive_fails(&m, "4-level");
	m = bochs_sandy_bridge;
	m.ept_vpid_cap &= ~EPT_CAP_WB;
	derive_fails(&m, "write-back");
	m = bochs_sandy_bridge;
	m.basic = (m.basic & ~(0xFull << 50)) | (0ull << 50);     /* VMCS uncacheable */
	derive_fails(&m, "write-back");
	m = bochs_sandy_bridge;
	m.basic |= 0x1FFFull << 32;                                 /* > 4 KiB region */
	derive_fails(&m, "region size");
}

static void test_adjust_word(void **state)
{
	uint32_t out = 0xDEAD;
	(void)state;
	/* must1 = 0x16, may1 = 0x7f: required and allowed optional bits join the fixed ones. */
	assert_int_equal(vmx_adjust(0x7f00000016ull, 0x01, 0x20 | 0x100, 0x40, &out), 0);
	assert_int_equal(out, 0x16 | 0x01 | 0x20);
	/* A required bit outside allowed-1: reported, out untouched. */
	out = 0xDEAD;
	assert_int_equal(vmx_adjust(0x7f00000016ull, 0x80, 0, 0, &out), 0x80);
	assert_int_equal(out, 0xDEAD);
	/* A forbidden bit in allowed-0 (fixed 1): reported. */
	assert_int_equal(vmx_adjust(0x7f00000016ull, 0, 0, 0x04 | 0x08, &out), 0x04);
	/* Forbidden but merely allowed: fine, stays 0. */
	assert_int_equal(vmx_adjust(0x7f00000016ull, 0, 0, 0x08, &out), 0);
	assert_int_equal(out & 0x08, 0);
}

static void test_pat_switched_only_whole(void **state)
{
	struct vmx_msrs m = bochs_sandy_bridge;
	struct vmx_controls c;
	(void)state;
	m.true_entry &= ~((uint64_t)ENTRY_LOAD_PAT << 32);
	derive_ok(&m, &c);
	assert_int_equal(c.exit & (EXIT_SAVE_PAT | EXIT_LOAD_PAT), 0);
	assert_int_equal(c.entry & ENTRY_LOAD_PAT, 0);
	check_common(&m, &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bochs_sandy_bridge),
		cmocka_unit_test(test_bochs_haswell_and_icelake),
		cmocka_unit_test(test_real_sandy_bridge_and_broadwell),
		cmocka_unit_test(test_no_ept_is_refused),
		cmocka_unit_test(test_missing_required_control_is_named),
		cmocka_unit_test(test_forced_exiting_control_is_refused),
		cmocka_unit_test(test_ept_capabilities),
		cmocka_unit_test(test_adjust_word),
		cmocka_unit_test(test_pat_switched_only_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
