/* Host tests of the MSR allowlist: what a sandbox kernel needs passes, what
 * is machine-wide is denied, and both bitmap layouts say the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "monitor/msr_policy.h"

/* Where an MSR permission layout keeps its bits: each MSR range's first
 * byte, bits per MSR (read bit first, write bit next) and, if write bits
 * are a separate half, where it starts. */
struct layout {
	unsigned at[3], bits, write_half;
};

/* SVM's permission map: 2 bits per MSR; VMX's bitmap: read half, write half. */
static const struct layout svm = { { 0, 0x800, 0x1000 }, 2, 0 };
static const struct layout vmx = { { 0, 1024, 0 }, 1, 2048 };

/* Would the CPU exit on this access, given the bitmap bm of layout l? */
static bool exits(const struct layout *l, const uint8_t *bm, uint32_t msr, bool write)
{
	static const uint32_t base[3] = { 0, 0xC0000000u, 0xC0010000u };
	for (unsigned r = 0; r < 3; r++) {
		uint32_t off = msr - base[r];
		if (msr < base[r] || off > 0x1FFF || (r && !l->at[r]))
			continue;
		unsigned bit = off * l->bits + (write && l->bits == 2);
		return bm[l->at[r] + (write ? l->write_half : 0) + bit / 8] >> (bit % 8) & 1;
	}
	return true;
}

/* The MSRs the sandbox kernel uses: long mode and the PMC backends. */
static const uint32_t needed_rw[] = {
	0xC0000080, 0xC0000100, 0xC0000101, 0xC0000102,           /* EFER, FS/GS bases */
	0xC1, 0xC4, 0x186, 0x189, 0x309, 0x30B, 0x38D, 0x38E, 0x38F, 0x390, /* Intel PMU */
	0xC0010000, 0xC0010004, 0xC0010007, 0xC0010200, 0xC001020B,         /* AMD PMU */
};

/* What a sandbox must never write (and mostly not read): machine-wide state. */
static const uint32_t denied_write[] = {
	0x10, 0x1B, 0x3B, 0x79, 0x8B, 0xFE, 0x17B, 0x1A0, 0x1D9, 0x1DB, 0x1DE, 0x200, 0x2FF,
	0x400, 0x47F, 0x606, 0x610, 0x611, 0x639, 0x680, 0x6FF, 0x6E0, 0x800, 0x80B, 0x830,
	0xC80, 0xC8F, 0xC90, 0xD10, 0xD50, 0xE00,
	0xC0010010, 0xC0010015, 0xC0010016, 0xC0010019, 0xC001001A, 0xC001001D, 0xC0010020,
	0xC0010114, 0xC0010117, 0xC0010230, 0xC0010240, 0xC0011020, 0x4B564D00, 0x40000000,
};

static void kernel_needs_pass(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof needed_rw / sizeof needed_rw[0]; i++) {
		assert_true(msr_allowed_access(needed_rw[i], false, false));
		assert_true(msr_allowed_access(needed_rw[i], true, false));
	}
	assert_true(msr_allowed_access(0x10, false, false));    /* TSC and APIC base: read */
	assert_true(msr_allowed_access(0x1B, false, false));
}

static void machine_wide_is_denied(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof denied_write / sizeof denied_write[0]; i++)
		assert_false(msr_allowed_access(denied_write[i], true, true));
	assert_false(msr_allowed_access(0xC0010015, false, true)); /* HWCR not even read */
	assert_false(msr_allowed_access(0x1A0, false, true));      /* MISC_ENABLE */
	assert_false(msr_allowed_access(0xC0010117, false, true)); /* VM_HSAVE_PA */
}

static void pat_only_where_switched(void **state)
{
	(void)state;
	assert_true(msr_allowed_access(MSR_IA32_PAT_NUM, true, true));
	assert_false(msr_allowed_access(MSR_IA32_PAT_NUM, true, false));
	assert_false(msr_allowed_access(MSR_IA32_PAT_NUM, false, false));
}

/* Every MSR of every range both maps cover: the bitmaps say what the
 * policy says, and everything outside them exits anyway. */
static void bitmaps_match_policy(void **state)
{
	static uint8_t pm[MSRPM_BYTES], bm[MSR_BITMAP_BYTES];
	static const uint32_t bases[] = { 0, 0xC0000000u, 0xC0010000u };
	(void)state;
	for (int pat = 0; pat < 2; pat++) {
		msr_build_msrpm(pm, pat);
		msr_build_vmx_bitmap(bm, pat);
		for (size_t b = 0; b < 3; b++)
			for (uint32_t m = bases[b]; m <= bases[b] + 0x1FFF; m++)
				for (int w = 0; w < 2; w++) {
					bool ok = msr_allowed_access(m, w, pat);
					assert_int_equal(exits(&svm, pm, m, w), !ok);
					if (b < 2)
						assert_int_equal(exits(&vmx, bm, m, w), !ok);
				}
	}
	/* SVM's map beyond its three blocks stays all-intercept. */
	for (size_t i = 0x1800; i < MSRPM_BYTES; i++)
		assert_int_equal(pm[i], 0xFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_needs_pass),
		cmocka_unit_test(machine_wide_is_denied),
		cmocka_unit_test(pat_only_where_switched),
		cmocka_unit_test(bitmaps_match_policy),
	};
	return cmocka_run_group_tests_name("msr_policy", tests, NULL, NULL);
}
