/* Host tests of the AMD PerfEvtSel/PerfCtr backend against a fake CPU:
 * legacy and PerfCtrExtCore MSR layouts, the read-back probe that detects a
 * missing PMU (QEMU TCG drops PMU MSR writes), programming sequences and
 * 48-bit widening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "pmc/fake_msr.h"
#include "pmc/pmc.h"

/* amd64_fam10h_barcelona encodings from libpfm4, plus one using the
 * extended event-select bits [35:32]. */
static const struct pmc_event_def fam10h_events[] = {
	{"INSTRUCTION_RETIRED", 0x5300c0},
	{"UNHALTED_CORE_CYCLES", 0x530076},
	{"DTLB_MISSES", 0x530746},
	{"EXT_EVENT", 0x1005301e0ull},
};
static const struct pmc_event_table fam10h = {"amd64_fam10h_barcelona", fam10h_events, 4};

static struct fake_cpu cpu;
static struct pmc pmc;

static void amd(bool ext)
{
	fake_reset(&cpu);
	fake_vendor(&cpu, "AuthenticAMD", 0xd);
	fake_cpuid(&cpu, 0x80000000u, 0x80000008u, 0, 0, 0);
	fake_cpuid(&cpu, 0x80000001u, 0, 0, ext ? 1u << 23 : 0, 0);
	cpu.fault_absent = true;
	cpu.rdpmc = ext ? FAKE_RDPMC_AMD_EXT : FAKE_RDPMC_AMD_LEGACY;
	for (uint32_t i = 0; i < (ext ? 6u : 4u); i++) {
		fake_msr_add(&cpu, ext ? 0xc0010200u + 2 * i : 0xc0010000u + i, 0);
		fake_msr_add(&cpu, ext ? 0xc0010201u + 2 * i : 0xc0010004u + i, 0);
	}
}

static void set_msr(uint32_t msr, uint64_t v)
{
	for (unsigned i = 0; i < cpu.n_msr; i++)
		if (cpu.msr[i].msr == msr)
			cpu.msr[i].val = v;
}

static void not_amd(void **s)
{
	(void)s;
	fake_reset(&cpu);
	fake_vendor(&cpu, "GenuineIntel", 0xd);
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "not an AMD CPU"));
}

static void tcg_like_msrs_mean_no_pmu(void **s)
{
	(void)s;
	/* QEMU TCG: PMU MSRs read 0 and drop writes. */
	fake_reset(&cpu);
	fake_vendor(&cpu, "AuthenticAMD", 0xd);
	cpu.fault_absent = false;
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "no PMU"));
	assert_int_equal(pmc_open(&pmc, "INSTRUCTION_RETIRED"), PMC_EINVAL);
}

static void faulting_msrs_mean_no_pmu(void **s)
{
	(void)s;
	fake_reset(&cpu);
	fake_vendor(&cpu, "AuthenticAMD", 0xd);
	cpu.fault_absent = true;
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_ENODEV);
}

static void legacy_layout(void **s)
{
	(void)s;
	amd(false);
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_OK);
	assert_int_equal(pmc.n_gp, 4);
	/* The probe wrote 0x30076 to PerfEvtSel0, then init cleared all four. */
	assert_int_equal(cpu.log[0].msr, 0xc0010000u);
	assert_int_equal(cpu.log[0].val, 0x30076);
	assert_int_equal(fake_msr(&cpu, 0xc0010000u), 0);
	cpu.n_log = 0;
	assert_int_equal(pmc_open(&pmc, "INSTRUCTION_RETIRED"), 0);
	assert_int_equal(cpu.n_log, 2);
	assert_int_equal(cpu.log[0].msr, 0xc0010004u);	/* count zeroed first */
	assert_int_equal(cpu.log[1].msr, 0xc0010000u);
	assert_int_equal(cpu.log[1].val, 0x4300c0);	/* INT bit dropped */
	assert_int_equal(pmc_open(&pmc, "DTLB_MISSES"), 1);
	assert_int_equal(fake_msr(&cpu, 0xc0010001u), 0x430746);
	set_msr(0xc0010005u, 777);
	assert_int_equal(pmc_read(&pmc, 1), 777);
	assert_int_equal(pmc_open(&pmc, "EXT_EVENT"), 2);
	assert_int_equal(fake_msr(&cpu, 0xc0010002u), 0x1004301e0ull);
	assert_int_equal(pmc_open(&pmc, "UNHALTED_CORE_CYCLES"), 3);
	assert_int_equal(pmc_open(&pmc, "UNHALTED_CORE_CYCLES"), PMC_EBUSY);
}

static void extended_layout(void **s)
{
	(void)s;
	amd(true);
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_OK);
	assert_int_equal(pmc.n_gp, 6);
	assert_int_equal(pmc_open(&pmc, "INSTRUCTION_RETIRED"), 0);
	assert_int_equal(pmc_open(&pmc, "UNHALTED_CORE_CYCLES"), 1);
	assert_int_equal(fake_msr(&cpu, 0xc0010200u), 0x4300c0);
	assert_int_equal(fake_msr(&cpu, 0xc0010202u), 0x430076);	/* interleaved */
	set_msr(0xc0010203u, 4242);
	assert_int_equal(pmc_read(&pmc, 1), 4242);
	for (int i = 2; i < 6; i++)
		assert_int_equal(pmc_open(&pmc, "DTLB_MISSES"), i);
	assert_int_equal(pmc_open(&pmc, "DTLB_MISSES"), PMC_EBUSY);
}

static void widening_and_sampling(void **s)
{
	(void)s;
	amd(false);
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_OK);
	int a = pmc_open(&pmc, "INSTRUCTION_RETIRED");
	int b = pmc_open(&pmc, "DTLB_MISSES");
	struct pmc_sample smp;
	set_msr(0xc0010004u, (1ull << 48) - 1);
	set_msr(0xc0010005u, 10);
	pmc_sample(&pmc, 1, &smp);
	assert_int_equal(smp.n, 2);
	assert_int_equal(smp.delta[a], (1ull << 48) - 1);
	assert_int_equal(smp.delta[b], 10);
	set_msr(0xc0010004u, 9);	/* wrapped: 10 more */
	set_msr(0xc0010005u, 25);
	pmc_sample(&pmc, 2, &smp);
	assert_int_equal(smp.vcpu, 2);
	assert_int_equal(smp.delta[a], 10);
	assert_int_equal(smp.delta[b], 15);
}

/* A budget on a 48-bit PerfCtr: preset, interrupt bit, wrap, disarm. */
static void overflow_interrupt(void **s)
{
	(void)s;
	amd(true);
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_OK);
	int h = pmc_open(&pmc, "DTLB_MISSES");
	assert_int_equal(pmc_arm_overflow(&pmc, h, 700), PMC_OK);
	assert_int_equal(fake_msr(&cpu, 0xc0010201u), (1ull << 48) - 700);
	assert_true(fake_msr(&cpu, 0xc0010200u) & (1ull << 20));
	set_msr(0xc0010201u, (1ull << 48) - 1);		/* 699 in */
	assert_int_equal(pmc_overflow_take(&pmc), 0);
	set_msr(0xc0010201u, 3);			/* 703 in: wrapped */
	assert_int_equal(pmc_overflow_take(&pmc), 1u << h);
	assert_false(fake_msr(&cpu, 0xc0010200u) & (1ull << 20));
	assert_int_equal(pmc_read(&pmc, h), 703);
	assert_int_equal(pmc_arm_overflow(&pmc, h, 1ull << 48), PMC_EINVAL);
}

static void unknown_event(void **s)
{
	(void)s;
	amd(false);
	assert_int_equal(pmc_init_amd(&pmc, &fake_msr_ops, &cpu, &fam10h), PMC_OK);
	assert_int_equal(pmc_open(&pmc, "DTLB_MISS"), PMC_ENOENT);
	const char *near[1];
	assert_int_equal(pmc_suggest(&pmc, "DTLB_MISS", near, 1), 1);
	assert_string_equal(near[0], "DTLB_MISSES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_amd),
		cmocka_unit_test(tcg_like_msrs_mean_no_pmu),
		cmocka_unit_test(faulting_msrs_mean_no_pmu),
		cmocka_unit_test(legacy_layout),
		cmocka_unit_test(extended_layout),
		cmocka_unit_test(widening_and_sampling),
		cmocka_unit_test(unknown_event),
		cmocka_unit_test(overflow_interrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
