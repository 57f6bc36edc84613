/* Host tests of the Intel architectural-perfmon backend against a fake CPU:
 * PMU detection (including "no PMU", as under QEMU TCG), the MSR sequences
 * that program fixed and general counters, RDPMC reads, counter widening
 * across wraparound, sampling, and unknown-event suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "pmc/fake_msr.h"
#include "pmc/pmc.h"

/* snb encodings, as gen_events emits them from libpfm4. */
static const struct pmc_event_def snb_events[] = {
	{"INSTRUCTION_RETIRED", 0x5300c0},
	{"UNHALTED_CORE_CYCLES", 0x53003c},
	{"UNHALTED_REFERENCE_CYCLES", 0x530300},
	{"LLC_REFERENCES", 0x534f2e},
	{"LLC_MISSES", 0x53412e},
	{"CMASK_EVENT", 0x15301a2},	/* cmask 1: must go to a general counter */
};
static const struct pmc_event_table snb = {"snb", snb_events, 6};

static struct fake_cpu cpu;
static struct pmc pmc;

/* Sandy Bridge-like: perfmon v3, 4 general 48-bit counters, 3 fixed. */
static void intel_v3(uint32_t ebx_unavailable)
{
	fake_reset(&cpu);
	fake_vendor(&cpu, "GenuineIntel", 0xd);
	fake_cpuid(&cpu, 0xa, 7u << 24 | 48u << 16 | 4u << 8 | 3u, ebx_unavailable, 0, 48u << 5 | 3u);
	cpu.fault_absent = true;
	cpu.rdpmc = FAKE_RDPMC_INTEL;
	for (uint32_t i = 0; i < 4; i++) {
		fake_msr_add(&cpu, 0x186 + i, 0xdead);	/* stale selects init must clear */
		fake_msr_add(&cpu, 0xc1 + i, 0);
	}
	for (uint32_t i = 0; i < 3; i++)
		fake_msr_add(&cpu, 0x309 + i, 0);
	fake_msr_add(&cpu, 0x38d, 0);
	fake_msr_add(&cpu, 0x38f, 0xf);
}

static void set_msr(uint32_t msr, uint64_t v)
{
	for (unsigned i = 0; i < cpu.n_msr; i++)
		if (cpu.msr[i].msr == msr)
			cpu.msr[i].val = v;
}

static void no_leaf_0xa(void **s)
{
	(void)s;
	fake_reset(&cpu);
	fake_vendor(&cpu, "GenuineIntel", 0x7);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "leaf 0xA"));
	assert_int_equal(pmc_open(&pmc, "LLC_MISSES"), PMC_EINVAL);
}

static void version_zero_is_no_pmu(void **s)
{
	(void)s;
	fake_reset(&cpu);	/* what QEMU TCG reports: leaf 0xA all zero */
	fake_vendor(&cpu, "GenuineIntel", 0xd);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "version 0"));
}

static void not_intel(void **s)
{
	(void)s;
	intel_v3(0);
	fake_reset(&cpu);
	fake_vendor(&cpu, "AuthenticAMD", 0xd);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "not an Intel CPU"));
}

static void init_stops_everything(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	assert_int_equal(pmc.n_gp, 4);
	assert_int_equal(pmc.n_fixed, 3);
	assert_int_equal(pmc.gp_width, 48);
	/* Global control off first, then each select, then fixed control. */
	assert_int_equal(cpu.n_log, 6);
	assert_int_equal(cpu.log[0].msr, 0x38f);
	assert_int_equal(cpu.log[0].val, 0);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(fake_msr(&cpu, 0x186 + i), 0);
	assert_int_equal(cpu.log[5].msr, 0x38d);
}

static void architectural_events_use_fixed_counters(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	assert_int_equal(pmc_open(&pmc, "INSTRUCTION_RETIRED"), 0);
	assert_int_equal(fake_msr(&cpu, 0x38d), 0x3);		/* fixed 0: OS+USR */
	assert_int_equal(fake_msr(&cpu, 0x38f), 1ull << 32);
	assert_int_equal(pmc_open(&pmc, "UNHALTED_CORE_CYCLES"), 1);
	assert_int_equal(fake_msr(&cpu, 0x38d), 0x33);
	assert_int_equal(pmc_open(&pmc, "UNHALTED_REFERENCE_CYCLES"), 2);
	assert_int_equal(fake_msr(&cpu, 0x38d), 0x333);
	assert_int_equal(fake_msr(&cpu, 0x38f), 7ull << 32);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(fake_msr(&cpu, 0x186 + i), 0);	/* no general counter used */
	set_msr(0x309, 12345);	/* read through RDPMC with ECX bit 30 */
	assert_int_equal(pmc_read(&pmc, 0), 12345);
	/* A second instructions counter finds fixed 0 busy: general counter 0,
	 * programmed with the event bits only plus USR|OS|EN (no INT bit). */
	assert_int_equal(pmc_open(&pmc, "INSTRUCTION_RETIRED"), 3);
	assert_int_equal(fake_msr(&cpu, 0x186), 0x4300c0);
	assert_int_equal(fake_msr(&cpu, 0x38f), 7ull << 32 | 1);
}

static void general_counter_sequence(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	cpu.n_log = 0;
	assert_int_equal(pmc_open(&pmc, "LLC_MISSES"), 0);
	/* Zero the count, then program the select, then enable globally. */
	assert_int_equal(cpu.n_log, 3);
	assert_int_equal(cpu.log[0].msr, 0xc1);
	assert_int_equal(cpu.log[1].msr, 0x186);
	assert_int_equal(cpu.log[1].val, 0x43412e);
	assert_int_equal(cpu.log[2].msr, 0x38f);
	assert_int_equal(cpu.log[2].val, 1);
	/* cmask survives: it is part of the event. */
	assert_int_equal(pmc_open(&pmc, "CMASK_EVENT"), 1);
	assert_int_equal(fake_msr(&cpu, 0x187), 0x14301a2);
}

static void unavailable_event_refused(void **s)
{
	(void)s;
	intel_v3(1u << 4);	/* EBX bit 4: LLC misses not available */
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	assert_int_equal(pmc_open(&pmc, "LLC_MISSES"), PMC_ENOTSUP);
	assert_int_equal(pmc_open(&pmc, "LLC_REFERENCES"), 0);
}

static void counters_run_out(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pmc_open(&pmc, "LLC_REFERENCES"), i);
	assert_int_equal(pmc_open(&pmc, "LLC_MISSES"), PMC_EBUSY);
	assert_non_null(strstr(pmc_why(&pmc), "in use"));
}

static void version1_has_no_global_control(void **s)
{
	(void)s;
	fake_reset(&cpu);
	fake_vendor(&cpu, "GenuineIntel", 0xd);
	fake_cpuid(&cpu, 0xa, 7u << 24 | 40u << 16 | 2u << 8 | 1u, 0, 0, 0);
	cpu.fault_absent = true;	/* touching 0x38f/0x38d would fault */
	fake_msr_add(&cpu, 0x186, 0), fake_msr_add(&cpu, 0x187, 0);
	fake_msr_add(&cpu, 0xc1, 0), fake_msr_add(&cpu, 0xc2, 0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	assert_int_equal(pmc.n_fixed, 0);
	assert_int_equal(pmc_open(&pmc, "INSTRUCTION_RETIRED"), 0);
	assert_int_equal(fake_msr(&cpu, 0x186), 0x4300c0);
	assert_int_equal(pmc_open(&pmc, "UNHALTED_REFERENCE_CYCLES"), PMC_EBUSY);
}

/* A budget on a general counter: preset, interrupt bit, status, ack. */
static void overflow_interrupt_general_counter(void **s)
{
	(void)s;
	intel_v3(0);
	fake_msr_add(&cpu, 0x38e, 0);	/* IA32_PERF_GLOBAL_STATUS */
	fake_msr_add(&cpu, 0x390, 0);	/* IA32_PERF_GLOBAL_OVF_CTRL */
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	int h = pmc_open(&pmc, "LLC_MISSES");
	assert_int_equal(h, 0);
	set_msr(0xc1, 40);				/* 40 misses before arming */
	assert_int_equal(pmc_arm_overflow(&pmc, h, 1000), PMC_OK);
	/* What IA32_PMC0 holds after the CPU sign-extends the 32 bits. */
	assert_int_equal(fake_msr(&cpu, 0xc1), (uint64_t)-1000);
	assert_true(fake_msr(&cpu, 0x186) & (1ull << 20));
	assert_int_equal(pmc_overflow_take(&pmc), 0);	/* nothing yet */
	set_msr(0xc1, (uint64_t)-1000 + 1005);		/* 1005 more: wrapped */
	set_msr(0x38e, 1ull << 0);
	assert_int_equal(pmc_overflow_take(&pmc), 1u << h);
	assert_int_equal(fake_msr(&cpu, 0x390), 1ull << 0);	/* acknowledged */
	assert_false(fake_msr(&cpu, 0x186) & (1ull << 20));	/* disarmed */
	assert_int_equal(pmc_overflow_take(&pmc), 0);
	assert_int_equal(pmc_read(&pmc, h), 40 + 1005);	/* the preset is invisible */
}

static void overflow_interrupt_fixed_counter(void **s)
{
	(void)s;
	intel_v3(0);
	fake_msr_add(&cpu, 0x38e, 0);
	fake_msr_add(&cpu, 0x390, 0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	int h = pmc_open(&pmc, "INSTRUCTION_RETIRED");	/* fixed counter 0 */
	assert_int_equal(pmc_arm_overflow(&pmc, h, 5), PMC_OK);
	assert_int_equal(fake_msr(&cpu, 0x38d), 0xb);	/* rings 0 and 3, PMI */
	set_msr(0x38e, 1ull << 32);
	assert_int_equal(pmc_overflow_take(&pmc), 1u << h);
	assert_int_equal(fake_msr(&cpu, 0x390), 1ull << 32);
	assert_int_equal(fake_msr(&cpu, 0x38d), 0x3);
}

static void overflow_counts_out_of_range(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	int h = pmc_open(&pmc, "LLC_MISSES");
	assert_int_equal(pmc_arm_overflow(&pmc, h, 0), PMC_EINVAL);
	assert_int_equal(pmc_arm_overflow(&pmc, h, 1ull << 31), PMC_EINVAL);	/* IA32_PMCx: 32 bits */
	assert_int_equal(pmc_arm_overflow(&pmc, h + 1, 10), PMC_EINVAL);
	assert_int_equal(pmc.armed, 0);
}

/* Version 1: no global status; the wrapped value says it. */
static void overflow_version1_by_value(void **s)
{
	(void)s;
	fake_reset(&cpu);
	fake_vendor(&cpu, "GenuineIntel", 0xd);
	fake_cpuid(&cpu, 0xa, 7u << 24 | 40u << 16 | 2u << 8 | 1u, 0, 0, 0);
	cpu.fault_absent = true;
	cpu.rdpmc = FAKE_RDPMC_INTEL;
	fake_msr_add(&cpu, 0x186, 0), fake_msr_add(&cpu, 0x187, 0);
	fake_msr_add(&cpu, 0xc1, 0), fake_msr_add(&cpu, 0xc2, 0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	int h = pmc_open(&pmc, "LLC_MISSES");
	assert_int_equal(pmc_arm_overflow(&pmc, h, 100), PMC_OK);
	set_msr(0xc1, (uint64_t)-1);			/* 99 in: not yet */
	assert_int_equal(pmc_overflow_take(&pmc), 0);
	set_msr(0xc1, 2);				/* 102 in: wrapped (40 bits) */
	assert_int_equal(pmc_overflow_take(&pmc), 1u << h);
	assert_false(fake_msr(&cpu, 0x186) & (1ull << 20));
}

static void wraparound_and_sampling(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	set_msr(0xc1, (1ull << 48) - 100);	/* counter just below wrapping */
	int h = pmc_open(&pmc, "LLC_MISSES");
	/* open zeroed the hardware counter; pretend it counted to near wrap. */
	set_msr(0xc1, (1ull << 48) - 100);
	struct pmc_sample smp;
	pmc_sample(&pmc, 7, &smp);
	assert_int_equal(smp.vcpu, 7);
	assert_int_equal(smp.n, 1);
	assert_int_equal(smp.delta[h], (1ull << 48) - 100);
	set_msr(0xc1, 50);	/* wrapped: 150 more events */
	pmc_sample(&pmc, 3, &smp);
	assert_int_equal(smp.vcpu, 3);
	assert_int_equal(smp.delta[h], 150);
	assert_int_equal(pmc_read(&pmc, h), (1ull << 48) + 50);
	pmc_sample(&pmc, 3, &smp);
	assert_int_equal(smp.delta[h], 0);
	assert_int_equal(pmc_read(&pmc, 5), 0);	/* bad handle */
}

static void unknown_event_suggestions(void **s)
{
	(void)s;
	intel_v3(0);
	assert_int_equal(pmc_init_intel(&pmc, &fake_msr_ops, &cpu, &snb), PMC_OK);
	assert_int_equal(pmc_open(&pmc, "LLC_MISES"), PMC_ENOENT);
	const char *near[3];
	assert_int_equal(pmc_suggest(&pmc, "LLC_MISES", near, 3), 3);
	assert_string_equal(near[0], "LLC_MISSES");
	assert_int_equal(pmc_suggest(&pmc, "instruction_retired", near, 1), 1);
	assert_string_equal(near[0], "INSTRUCTION_RETIRED");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_leaf_0xa),
		cmocka_unit_test(version_zero_is_no_pmu),
		cmocka_unit_test(not_intel),
		cmocka_unit_test(init_stops_everything),
		cmocka_unit_test(architectural_events_use_fixed_counters),
		cmocka_unit_test(general_counter_sequence),
		cmocka_unit_test(unavailable_event_refused),
		cmocka_unit_test(counters_run_out),
		cmocka_unit_test(version1_has_no_global_control),
		cmocka_unit_test(wraparound_and_sampling),
		cmocka_unit_test(overflow_interrupt_general_counter),
		cmocka_unit_test(overflow_interrupt_fixed_counter),
		cmocka_unit_test(overflow_counts_out_of_range),
		cmocka_unit_test(overflow_version1_by_value),
		cmocka_unit_test(unknown_event_suggestions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
