/* Host tests of the vPMU plugin's QEMU-independent parts: argument parsing
 * (defaults and refusals), the machine model's events (DTLB and nested
 * walks, L1D/L2/LLC, the shared LLC's fills, cross-vCPU evictions and
 * occupancy, the cycle estimate) and the header it publishes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "include/questv/vpmu.h"
#include "pmc/qemu-plugin/vpmu_config.h"
#include "pmc/qemu-plugin/vpmu_model.h"
#include "pmc/qemu-plugin/vpmu_report.h"

static _Alignas(4096) uint8_t shm[VPMU_SHM_SIZE];
static struct vpmu_model model;
static char err[4096];

static int parse(const char *args, struct vpmu_config *c)
{
	static char buf[512];
	char *argv[16];
	int argc = 0;
	strcpy(buf, args);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
		argv[argc++] = t;
	return vpmu_parse_args(argc, argv, c, err, sizeof err);
}

static void defaults_are_documented_ones(void **s)
{
	(void)s;
	struct vpmu_config c;
	assert_int_equal(vpmu_parse_args(0, NULL, &c, err, sizeof err), 0);
	assert_int_equal(c.l1d.size, 32768);
	assert_int_equal(c.l1d.ways, 8);
	assert_int_equal(c.l2.size, 0);
	assert_int_equal(c.llc.size, 8u << 20);
	assert_int_equal(c.llc.ways, 16);
	assert_int_equal(c.dtlb_entries, 64);
	assert_int_equal(c.page_size, 4096);
	assert_int_equal(c.cpi_milli, 1000);
	assert_null(c.shm);
	assert_non_null(strstr(vpmu_usage, "default 32K:8:64"));
}

static void full_argument_set(void **s)
{
	(void)s;
	struct vpmu_config c;
	assert_int_equal(parse("l1d=16K:4:64,l2=256K:8:64,llc=2M:16:64,dtlb=32:4:2M,cpi=0.75,lat_mem=300,"
			       "shm=/dev/shm/x,out=/tmp/o.json", &c), 0);
	assert_int_equal(c.l1d.size, 16384);
	assert_int_equal(c.l1d.ways, 4);
	assert_int_equal(c.l2.size, 256u << 10);
	assert_int_equal(c.llc.size, 2u << 20);
	assert_int_equal(c.dtlb_entries, 32);
	assert_int_equal(c.page_size, 2u << 20);
	assert_int_equal(c.cpi_milli, 750);
	assert_int_equal(c.lat_mem, 300);
	assert_string_equal(c.shm, "/dev/shm/x");
	assert_string_equal(c.out, "/tmp/o.json");
	assert_int_equal(parse("l2=none,dtlb=64:4,cpi=2", &c), 0);
	assert_int_equal(c.l2.size, 0);
	assert_int_equal(c.page_size, 4096);
	assert_int_equal(c.cpi_milli, 2000);
}

static void bad_arguments_refused_with_reason(void **s)
{
	(void)s;
	struct vpmu_config c;
	static const struct { const char *args, *why; } bad[] = {
		{"l1d=33K:8:64", "number of sets"},
		{"l1d=32K:8", "SIZE:WAYS:LINE"},
		{"l1d=32K:0:64", "associativity"},
		{"llc=8M:16:48", "power of two"},
		{"llc=8M:16:32", "one line size"},
		{"dtlb=63:4", "multiple of its associativity"},
		{"dtlb=64", "ENTRIES:WAYS"},
		{"cpi=0", "positive decimal"},
		{"cpi=1.2345", "positive decimal"},
		{"lat_mem=-1", "bad value"},
		{"bogus=1", "unknown argument"},
		{"l1d", "key=value"},
		{"shm=", "empty path"},
		{"count=some", "all or guest"},
		{"count=", "all or guest"},
		{"interval=0,out=/tmp/o", "positive instruction count"},
		{"interval=-5,out=/tmp/o", "positive instruction count"},
		{"interval=10x,out=/tmp/o", "positive instruction count"},
		{"interval=1000", "needs out=FILE"},
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i].args, &c), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': message lacks '%s':\n%s", bad[i].args, bad[i].why, err);
		assert_non_null(strstr(err, "vpmu arguments"));	/* usage follows */
	}
}

static void counting_mode_and_interval(void **s)
{
	(void)s;
	struct vpmu_config c;
	assert_int_equal(parse("", &c), 0);
	assert_false(c.count_all);	/* the guest decides unless asked */
	assert_int_equal(c.interval, 0);
	assert_int_equal(parse("count=all,out=/tmp/o,interval=10M", &c), 0);
	assert_true(c.count_all);
	assert_int_equal(c.interval, 10u << 20);
	assert_int_equal(parse("count=guest,interval=1000,out=/tmp/o", &c), 0);
	assert_false(c.count_all);
	assert_int_equal(c.interval, 1000);
	assert_non_null(strstr(vpmu_usage, "count=all|guest"));
	assert_non_null(strstr(vpmu_usage, "interval=N"));
}

/* A small machine so tests can fill caches quickly: L1D 1 KiB 2-way,
 * LLC 4 KiB 4-way, DTLB 4 entries fully associative. */
static void small(const char *extra, uint32_t n_vcpus)
{
	struct vpmu_config c;
	char args[256];
	snprintf(args, sizeof args, "l1d=1K:2:64,llc=4K:4:64,dtlb=4:4,cpi=1.5,lat_l2=10,lat_llc=30,"
				    "lat_mem=100,lat_walk=5%s", extra);
	assert_int_equal(parse(args, &c), 0);
	memset(shm, 0xa5, sizeof shm);	/* init must not trust old contents */
	memset(shm + VPMU_CONTROL_OFF, 0, VPMU_MAX_VCPUS * VPMU_PAGE_SIZE);
	assert_null(vpmu_model_init(&model, &c, n_vcpus, shm));
}

static struct vpmu_counters *page(uint32_t v) { return (struct vpmu_counters *)(shm + VPMU_COUNTERS_AT(v)); }
static struct vpmu_control *ctl(uint32_t v) { return (struct vpmu_control *)(shm + VPMU_CONTROL_AT(v)); }
static struct vpmu_header *hdr(void) { return (struct vpmu_header *)shm; }

static void header_published(void **s)
{
	(void)s;
	small("", 2);
	assert_true(hdr()->magic == VPMU_MAGIC);
	assert_int_equal(hdr()->version, VPMU_VERSION);
	assert_int_equal(hdr()->n_vcpus, 2);
	assert_int_equal(hdr()->llc_size, 4096);
	assert_int_equal(hdr()->line_size, 64);
	assert_int_equal(hdr()->cpi_milli, 1500);
	assert_int_equal(page(1)->total[VPMU_EV_L1D_MISSES], 0);
	vpmu_model_fini(&model);
	struct vpmu_config c;
	assert_int_equal(parse("", &c), 0);
	assert_non_null(vpmu_model_init(&model, &c, VPMU_MAX_VCPUS + 1, shm));
}

static void hierarchy_and_cycles(void **s)
{
	(void)s;
	small("", 1);
	uint64_t *t = page(0)->total;
	vpmu_model_insns(&model, 0, 10);
	vpmu_model_access(&model, 0, 0x1000, 0x9000, 8);	/* cold: TLB, L1D, LLC miss */
	vpmu_model_access(&model, 0, 0x1008, 0x9008, 8);	/* same line: hits */
	assert_int_equal(t[VPMU_EV_L1D_ACCESSES], 2);
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 1);
	assert_int_equal(t[VPMU_EV_LLC_REFERENCES], 1);
	assert_int_equal(t[VPMU_EV_LLC_MISSES], 1);
	assert_int_equal(t[VPMU_EV_LLC_FILLS], 1);
	assert_int_equal(t[VPMU_EV_DTLB_MISSES], 1);
	assert_int_equal(t[VPMU_EV_PAGE_WALK_REFS], 4);
	/* Evict the line from the 2-way L1D set (sets are 512 B apart) but not
	 * from the LLC, then come back: an LLC hit. */
	vpmu_model_access(&model, 0, 0x1200, 0x9200, 8);
	vpmu_model_access(&model, 0, 0x1400, 0x9400, 8);
	vpmu_model_access(&model, 0, 0x1000, 0x9000, 8);
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 4);
	assert_int_equal(t[VPMU_EV_LLC_MISSES], 3);
	vpmu_model_insns(&model, 0, 10);
	/* 20 instr x 1.5 + 3 memory x 100 + 1 LLC hit x 30 + 4 walk refs x 5 */
	assert_int_equal(t[VPMU_EV_CYCLES], 30 + 300 + 30 + 20);
	assert_int_equal(t[VPMU_EV_INSTRUCTIONS], 20);
	vpmu_model_fini(&model);
}

static void optional_l2(void **s)
{
	(void)s;
	small(",l2=2K:4:64", 1);
	uint64_t *t = page(0)->total;
	vpmu_model_access(&model, 0, 0, 0, 4);
	vpmu_model_access(&model, 0, 0x200, 0x200, 4);
	vpmu_model_access(&model, 0, 0x400, 0x400, 4);
	vpmu_model_access(&model, 0, 0, 0, 4);	/* L1D miss, L2 hit */
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 4);
	assert_int_equal(t[VPMU_EV_L2_ACCESSES], 4);
	assert_int_equal(t[VPMU_EV_L2_MISSES], 3);
	assert_int_equal(t[VPMU_EV_LLC_REFERENCES], 3);
	vpmu_model_insns(&model, 0, 0);
	assert_int_equal(t[VPMU_EV_CYCLES], 3 * 100 + 10 + 4 * 5);
	vpmu_model_fini(&model);
}

static void straddling_access_counts_once(void **s)
{
	(void)s;
	small("", 1);
	uint64_t *t = page(0)->total;
	vpmu_model_access(&model, 0, 0x103c, 0x903c, 8);	/* bytes 0x3c..0x43: two lines */
	assert_int_equal(t[VPMU_EV_L1D_ACCESSES], 1);
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 1);
	assert_int_equal(t[VPMU_EV_LLC_MISSES], 1);
	assert_int_equal(t[VPMU_EV_LLC_FILLS], 2);	/* but both lines were filled */
	vpmu_model_access(&model, 0, 0x1040, 0x9040, 8);	/* the second line: hit */
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 1);
	vpmu_model_fini(&model);
}

/* A 32-byte load across two lines, as QEMU hands it over (four 8-byte
 * pieces), counts as the one access cachegrind sees. */
static void pieces_of_one_access_count_once(void **s)
{
	(void)s;
	small("", 1);
	uint64_t *t = page(0)->total;
	vpmu_model_access(&model, 0, 0x1030, 0x9030, 8);
	vpmu_model_access_more(&model, 0, 0x9038, 8);
	vpmu_model_access_more(&model, 0, 0x9040, 8);	/* the second line */
	vpmu_model_access_more(&model, 0, 0x9048, 8);
	assert_int_equal(t[VPMU_EV_L1D_ACCESSES], 1);
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 1);
	assert_int_equal(t[VPMU_EV_LLC_REFERENCES], 1);
	assert_int_equal(t[VPMU_EV_LLC_MISSES], 1);
	assert_int_equal(t[VPMU_EV_LLC_FILLS], 2);
	/* First line cached, second not: the access still misses once, and
	 * both lines go to the LLC (cachegrind's rule), the first one hitting. */
	vpmu_model_access(&model, 0, 0x1070, 0x9070, 8);
	vpmu_model_access_more(&model, 0, 0x9078, 8);
	vpmu_model_access_more(&model, 0, 0x9080, 8);
	assert_int_equal(t[VPMU_EV_L1D_MISSES], 2);
	assert_int_equal(t[VPMU_EV_LLC_REFERENCES], 2);
	assert_int_equal(t[VPMU_EV_LLC_MISSES], 2);
	assert_int_equal(t[VPMU_EV_LLC_FILLS], 3);
	/* Memory latency once per missing access: 2 x 100, plus one walk. */
	vpmu_model_refresh_cycles(&model, 0);
	assert_int_equal(t[VPMU_EV_CYCLES], 2 * 100 + 4 * 5);
	vpmu_model_fini(&model);
}

static void nested_paging_walks_cost_more(void **s)
{
	(void)s;
	small("", 2);
	ctl(1)->paging = VPMU_PAGING_NESTED;
	for (uint64_t p = 0; p < 8; p++) {	/* 8 pages through a 4-entry TLB */
		vpmu_model_access(&model, 0, p << 12, p << 12, 4);
		vpmu_model_access(&model, 1, p << 12, (p + 64) << 12, 4);
	}
	assert_int_equal(page(0)->total[VPMU_EV_DTLB_MISSES], 8);
	assert_int_equal(page(1)->total[VPMU_EV_DTLB_MISSES], 8);
	assert_int_equal(page(0)->total[VPMU_EV_PAGE_WALK_REFS], 8 * 4);
	assert_int_equal(page(1)->total[VPMU_EV_PAGE_WALK_REFS], 8 * 24);
	assert_int_equal(vpmu_walk_refs(VPMU_PAGING_NESTED), 24);
	/* Nested tables ending in 2 MiB leaves (uncoloured sandboxes). */
	assert_int_equal(vpmu_walk_refs(VPMU_PAGING_NESTED_2M), 19);
	vpmu_model_fini(&model);
}

static void shared_llc_attributes_evictions(void **s)
{
	(void)s;
	small("", 2);
	/* vCPU 0 fills the whole 4 KiB LLC with its 64 lines. */
	for (uint64_t a = 0; a < 4096; a += 64)
		vpmu_model_access(&model, 0, a, a, 8);
	assert_int_equal(page(0)->llc_occupancy_lines, 64);
	assert_int_equal(hdr()->llc_lines_valid, 64);
	/* vCPU 1 streams 32 new lines: every fill evicts one of vCPU 0's. */
	for (uint64_t a = 0; a < 2048; a += 64)
		vpmu_model_access(&model, 1, a, 0x100000 + a, 8);
	assert_int_equal(page(1)->total[VPMU_EV_LLC_FILLS], 32);
	assert_int_equal(page(1)->total[VPMU_EV_LLC_CROSS_EVICTIONS], 32);
	assert_int_equal(page(0)->total[VPMU_EV_LLC_CROSS_EVICTIONS], 0);
	assert_int_equal(page(0)->llc_occupancy_lines, 32);
	assert_int_equal(page(1)->llc_occupancy_lines, 32);
	assert_int_equal(hdr()->llc_fills_global, 96);
	assert_int_equal(vpmu_model_total(&model, 1, VPMU_EV_LLC_FILLS_GLOBAL), 96);
	/* vCPU 1 hitting vCPU 0's remaining lines changes no ownership. */
	vpmu_model_access(&model, 1, 0x800, 0x800, 8);
	assert_int_equal(page(1)->total[VPMU_EV_LLC_MISSES], 32);
	assert_int_equal(page(0)->llc_occupancy_lines, 32);
	vpmu_model_fini(&model);
}

/* Tags split a vCPU's lines by guest VCPU; the vCPU's total stays their sum,
 * and another vCPU's fills evict from the right tag. */
static void tags_split_occupancy_per_guest_vcpu(void **s)
{
	(void)s;
	small("", 2);
	ctl(0)->llc_tag = 1;
	for (uint64_t a = 0; a < 1024; a += 64)          /* 16 lines as tag 1 */
		vpmu_model_access(&model, 0, a, a, 8);
	ctl(0)->llc_tag = 2;
	for (uint64_t a = 1024; a < 4096; a += 64)       /* 48 lines as tag 2 */
		vpmu_model_access(&model, 0, a, a, 8);
	assert_int_equal(page(0)->llc_occupancy_tag[1], 16);
	assert_int_equal(page(0)->llc_occupancy_tag[2], 48);
	assert_int_equal(page(0)->llc_occupancy_lines, 64);
	ctl(0)->llc_tag = 99;                             /* out of range: tag 0 */
	for (uint64_t a = 0x200000; a < 0x200000 + 256; a += 64)
		vpmu_model_access(&model, 0, a, a, 8);
	assert_int_equal(page(0)->llc_occupancy_tag[0], 4);
	assert_int_equal(page(0)->total[VPMU_EV_LLC_CROSS_EVICTIONS], 0);
	/* vCPU 1 evicts 64 lines: all of vCPU 0's, whatever their tag. */
	for (uint64_t a = 0; a < 4096; a += 64)
		vpmu_model_access(&model, 1, a, 0x100000 + a, 8);
	assert_int_equal(page(1)->total[VPMU_EV_LLC_CROSS_EVICTIONS], 64);
	for (unsigned t = 0; t < VPMU_LLC_TAGS; t++)
		assert_int_equal(page(0)->llc_occupancy_tag[t], 0);
	assert_int_equal(page(0)->llc_occupancy_lines, 0);
	assert_int_equal(page(1)->llc_occupancy_tag[0], 64);
	vpmu_model_fini(&model);
}

/* Read FILE's lines into LINES (at most N); returns how many. */
static int read_lines(const char *file, char lines[][256], int n)
{
	FILE *f = fopen(file, "r");
	int k = 0;
	assert_non_null(f);
	while (k < n && fgets(lines[k], 256, f))
		k++;
	fclose(f);
	return k;
}

static uint64_t field(const char *line, const char *key)
{
	char pat[40];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(line, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

/* The plugin's per-block sequence, as on_block runs it. */
static void block(struct vpmu_report *r, uint32_t n)
{
	if (page(0)->total[VPMU_EV_INSTRUCTIONS] >= r->iv[0].next)
		vpmu_report_interval(r, &model, 0);
	vpmu_model_insns(&model, 0, n);
}

static void interval_lines_sum_to_the_totals(void **s)
{
	(void)s;
	char path[] = "/tmp/vpmu-report-XXXXXX", args[64], lines[8][256];
	struct vpmu_config c;
	struct vpmu_report r;
	close(mkstemp(path));
	small("", 1);
	snprintf(args, sizeof args, "interval=100,out=%s", path);
	assert_int_equal(parse(args, &c), 0);	/* after small(): c points into parse()'s buffer */
	assert_null(vpmu_report_open(&r, &c, err, sizeof err));
	for (uint64_t i = 0; i < 25; i++) {	/* 25 blocks of 10 instructions, 1 access each */
		block(&r, 10);
		vpmu_model_access(&model, 0, i * 64, i * 64, 8);
	}
	vpmu_report_close(&r, &model);
	assert_int_equal(read_lines(path, lines, 8), 4);
	/* Intervals end at the first block start at or past 100, 200, ...: */
	assert_int_equal(field(lines[0], "interval"), 0);
	assert_int_equal(field(lines[0], "instructions"), 100);
	assert_int_equal(field(lines[0], "l1d_accesses"), 10);
	assert_int_equal(field(lines[1], "interval"), 1);
	assert_int_equal(field(lines[2], "interval"), 2);	/* the partial one, at exit */
	assert_int_equal(field(lines[2], "instructions"), 50);
	assert_null(strstr(lines[3], "interval"));		/* the totals line */
	static const char *const keys[] = {"instructions", "cycles", "l1d_accesses", "l1d_misses",
					   "llc_references", "llc_misses", "dtlb_misses"};
	for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++)
		assert_int_equal(field(lines[0], keys[k]) + field(lines[1], keys[k]) + field(lines[2], keys[k]),
				 field(lines[3], keys[k]));
	assert_int_equal(field(lines[3], "l1d_misses"), 25);
	/* Cycles at exit include the last block's miss penalties. */
	assert_int_equal(field(lines[3], "cycles"), 250 * 3 / 2 + 25 * 100 + 4 * 5);	/* one page: one walk */
	vpmu_model_fini(&model);
	unlink(path);
}

static void unwritable_out_is_refused(void **s)
{
	(void)s;
	struct vpmu_config c;
	struct vpmu_report r;
	assert_int_equal(parse("out=/nonexistent-dir/o.jsonl", &c), 0);
	assert_non_null(vpmu_report_open(&r, &c, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-dir/o.jsonl"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_documented_ones),
		cmocka_unit_test(full_argument_set),
		cmocka_unit_test(bad_arguments_refused_with_reason),
		cmocka_unit_test(counting_mode_and_interval),
		cmocka_unit_test(interval_lines_sum_to_the_totals),
		cmocka_unit_test(unwritable_out_is_refused),
		cmocka_unit_test(header_published),
		cmocka_unit_test(hierarchy_and_cycles),
		cmocka_unit_test(optional_l2),
		cmocka_unit_test(straddling_access_counts_once),
		cmocka_unit_test(pieces_of_one_access_count_once),
		cmocka_unit_test(nested_paging_walks_cost_more),
		cmocka_unit_test(shared_llc_attributes_evictions),
		cmocka_unit_test(tags_split_occupancy_per_guest_vcpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
