/* Host tests of the guest side of the virtual PMU - the vpmu backend of the
 * PMC API - against the plugin's own control logic and model, sharing one
 * in-memory "BAR2". The plugin's per-block poll is called by hand where QEMU
 * would call it (at the next translated block). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "pmc/pmc.h"
#include "pmc/pmc_vpmu.h"
#include "include/questv/vpmu.h"
#include "pmc/qemu-plugin/vpmu_control.h"
#include "pmc/qemu-plugin/vpmu_model.h"

static _Alignas(4096) uint8_t bar2[VPMU_SHM_SIZE];
static struct vpmu_model model;
static struct vpmu_slots slots[2];
static struct pmc pmc;

static int setup(void **s)
{
	(void)s;
	struct vpmu_config c;
	memset(bar2, 0, sizeof bar2);
	memset(slots, 0, sizeof slots);
	assert_int_equal(vpmu_parse_args(0, NULL, &c, NULL, 0), 0);
	assert_null(vpmu_model_init(&model, &c, 2, bar2));
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	vpmu_model_fini(&model);
	return 0;
}

static void block(uint32_t vcpu) { vpmu_control_poll(&slots[vcpu], &model, vcpu); }

/* N distinct lines of vCPU VCPU: N L1D and LLC misses. */
static void touch(uint32_t vcpu, uint64_t base, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		vpmu_model_access(&model, vcpu, base + i * 64u, base + i * 64u, 8);
}

static void no_plugin_no_pmu(void **s)
{
	(void)s;
	static uint8_t zeros[VPMU_SHM_SIZE];
	assert_int_equal(pmc_init_vpmu(&pmc, zeros, 0), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "bad magic"));
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 2), PMC_ENODEV);	/* only 2 vCPUs */
	((struct vpmu_header *)bar2)->version = VPMU_VERSION + 1;
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 0), PMC_ENODEV);
	assert_non_null(strstr(pmc_why(&pmc), "ABI version"));
}

static void open_count_sample(void **s)
{
	(void)s;
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 1), PMC_OK);
	touch(1, 0x100000, 5);	/* before open: must not be counted */
	int m = pmc_open(&pmc, "L1D_MISSES");
	int l = pmc_open(&pmc, "LLC_MISSES");
	int i = pmc_open(&pmc, "INSTRUCTION_RETIRED");
	/* No interrupt to arm: users must check at scheduling points. */
	assert_int_equal(pmc_arm_overflow(&pmc, l, 100), PMC_ENOTSUP);
	assert_int_equal(m, 0);
	assert_int_equal(((struct vpmu_control *)(bar2 + VPMU_CONTROL_AT(1)))->select[1], VPMU_EV_LLC_MISSES);
	assert_int_equal(((struct vpmu_control *)(bar2 + VPMU_CONTROL_AT(1)))->enable, 7);
	block(1);	/* the plugin sees the selection */
	touch(1, 0x200000, 10);
	vpmu_model_insns(&model, 1, 100);
	touch(0, 0x300000, 50);	/* another vCPU's work is not ours */
	block(1);
	struct pmc_sample smp;
	pmc_sample(&pmc, 42, &smp);
	assert_int_equal(smp.vcpu, 42);
	assert_int_equal(smp.n, 3);
	assert_int_equal(smp.delta[m], 10);
	assert_int_equal(smp.delta[l], 10);
	assert_int_equal(smp.delta[i], 100);
	touch(1, 0x200000, 10);	/* L1D hits now */
	touch(1, 0x400000, 3);
	block(1);
	pmc_sample(&pmc, 43, &smp);
	assert_int_equal(smp.delta[m], 3);
	assert_int_equal(pmc_read(&pmc, m), 13);
}

static void unknown_and_too_many(void **s)
{
	(void)s;
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 0), PMC_OK);
	assert_int_equal(pmc_open(&pmc, "LLC_MISS"), PMC_ENOENT);
	const char *near[2];
	assert_int_equal(pmc_suggest(&pmc, "LLC_MISS", near, 2), 2);
	assert_string_equal(near[0], "LLC_MISSES");
	for (unsigned k = 0; k < VPMU_NCOUNTERS; k++)
		assert_int_equal(pmc_open(&pmc, "DTLB_MISSES"), (int)k);
	assert_int_equal(pmc_open(&pmc, "DTLB_MISSES"), PMC_EBUSY);
}

static void measured_region(void **s)
{
	(void)s;
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 0), PMC_OK);
	int m = pmc_open(&pmc, "L1D_MISSES");
	block(0);
	touch(0, 0x100000, 4);
	pmc_vpmu_region_begin(&pmc);
	block(0);
	touch(0, 0x200000, 7);
	pmc_vpmu_region_end(&pmc);
	block(0);
	touch(0, 0x300000, 9);
	block(0);
	assert_int_equal(pmc_vpmu_region(&pmc, m), 7);
	const struct vpmu_counters *c = (const void *)(bar2 + VPMU_COUNTERS_AT(0));
	assert_int_equal(c->region_done, 2);
	assert_int_equal(pmc_read(&pmc, m), 20);
}

static void disable_keeps_value_and_reset_zeroes(void **s)
{
	(void)s;
	struct vpmu_control *ctl = (void *)(bar2 + VPMU_CONTROL_AT(0));
	const struct vpmu_counters *c = (const void *)(bar2 + VPMU_COUNTERS_AT(0));
	ctl->select[0] = VPMU_EV_L1D_MISSES;
	ctl->enable = 1;
	block(0);
	touch(0, 0x100000, 6);
	block(0);
	assert_int_equal(c->value[0], 6);
	ctl->enable = 0;
	block(0);
	touch(0, 0x200000, 6);
	block(0);
	assert_int_equal(c->value[0], 6);	/* frozen while disabled */
	ctl->enable = 1;
	block(0);
	touch(0, 0x300000, 2);
	block(0);
	assert_int_equal(c->value[0], 8);
	ctl->reset_seq = 1;
	block(0);
	assert_int_equal(c->reset_ack, 1);
	assert_int_equal(c->value[0], 0);
	touch(0, 0x400000, 1);
	ctl->select[0] = VPMU_EV_LLC_FILLS_GLOBAL;	/* reselect: restarts at 0 */
	block(0);
	touch(1, 0x500000, 5);	/* global: other vCPUs' fills count */
	block(0);
	assert_int_equal(c->value[0], 5);
	assert_true(c->seq % 2 == 0);
}

static void nested_flag_reaches_plugin(void **s)
{
	(void)s;
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 0), PMC_OK);
	pmc_vpmu_set_paging(&pmc, VPMU_PAGING_NESTED);
	int w = pmc_open(&pmc, "PAGE_WALK_REFS");
	block(0);
	touch(0, 0x100000, 1);
	block(0);
	assert_int_equal(pmc_read(&pmc, w), 24);
	assert_int_equal(pmc_vpmu_llc_occupancy(&pmc, 0), 1);
}

/* The guest's tag reaches the model, and the accessors read the plugin's
 * geometry, global fills and per-tag ground truth. */
static void llc_tags_and_geometry(void **s)
{
	(void)s;
	assert_int_equal(pmc_init_vpmu(&pmc, bar2, 0), PMC_OK);
	pmc_vpmu_set_llc_tag(&pmc, 2);
	block(0);
	touch(0, 0x100000, 3);
	block(0);
	assert_int_equal(pmc_vpmu_llc_occupancy_tag(&pmc, 2), 3);
	assert_int_equal(pmc_vpmu_llc_occupancy_tag(&pmc, 1), 0);
	assert_int_equal(pmc_vpmu_llc_occupancy_tag(&pmc, VPMU_LLC_TAGS), 0);
	assert_int_equal(pmc_vpmu_llc_fills_global(&pmc), 3);
	assert_int_equal(pmc_vpmu_llc_lines(&pmc), model.cfg.llc.size / model.cfg.llc.line);
}

/* An armed slot takes its preset at the arm step, fires once when it wraps
 * (the poll says so, the counter page records it), then stays quiet;
 * a disarmed slot never fires. */
static void armed_slot_fires_once_at_the_wrap(void **s)
{
	(void)s;
	struct vpmu_control *ctl = (struct vpmu_control *)(bar2 + VPMU_CONTROL_AT(0));
	struct vpmu_counters *c = (struct vpmu_counters *)(bar2 + VPMU_COUNTERS_AT(0));
	ctl->select[2] = VPMU_EV_LLC_MISSES;
	ctl->enable = 1u << 2;
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 0);
	touch(0, 0x100000, 7);		/* before arming: replaced by the preset */
	ctl->preset[2] = ~0ull - 10;	/* wraps at the 11th miss */
	ctl->arm_mask = 1u << 2;
	ctl->arm_seq = 1;
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 0);
	assert_int_equal(c->arm_ack, 1);
	assert_true(c->value[2] == ~0ull - 10);
	touch(0, 0x200000, 10);
	vpmu_model_insns(&model, 0, 33);
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 0);
	touch(0, 0x300000, 3);
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 1u << 2);
	assert_int_equal(c->value[2], 2);	/* two misses past the wrap */
	assert_int_equal(c->overflow_count[2], 1);
	assert_int_equal(c->overflow_insn[2], 33);
	touch(0, 0x400000, 50);
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 0);
	/* Armed again, then disarmed before the wrap: silent. */
	ctl->arm_seq = 2;
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 0);
	ctl->arm_mask = 0;
	ctl->disarm_mask = 1u << 2;
	ctl->arm_seq = 3;
	touch(0, 0x500000, 50);
	assert_int_equal(vpmu_control_poll(&slots[0], &model, 0), 0);
	assert_int_equal(c->overflow_count[2], 1);
	assert_int_equal(c->arm_ack, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_plugin_no_pmu, setup, teardown),
		cmocka_unit_test_setup_teardown(llc_tags_and_geometry, setup, teardown),
		cmocka_unit_test_setup_teardown(open_count_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_and_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(measured_region, setup, teardown),
		cmocka_unit_test_setup_teardown(disable_keeps_value_and_reset_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_flag_reaches_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(armed_slot_fires_once_at_the_wrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
