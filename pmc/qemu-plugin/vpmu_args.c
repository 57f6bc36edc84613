/* Argument parsing for the vPMU plugin: see vpmu_config.h.
 *
 * Defaults approximate a Sandy Bridge core (the CPU of the Quest-V papers'
 * measurements): 32 KiB 8-way L1D, no separate L2 unless asked for (so the
 * hierarchy matches cachegrind's two levels, our validation reference),
 * 8 MiB 16-way shared LLC, 64-entry 4-way DTLB of 4 KiB pages. Latencies are
 * rough load-to-use figures for that generation; they only shape the cycle
 * estimate, never the miss counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pmc/qemu-plugin/vpmu_config.h"

const char vpmu_usage[] =
	"vpmu arguments (all optional, comma-separated key=value):\n"
	"  l1d=SIZE:WAYS:LINE   per-vCPU L1 data cache      (default 32K:8:64)\n"
	"  l2=SIZE:WAYS:LINE    per-vCPU L2, or l2=none     (default none)\n"
	"  llc=SIZE:WAYS:LINE   shared last-level cache     (default 8M:16:64)\n"
	"  dtlb=ENTRIES:WAYS[:PAGE]  per-vCPU data TLB      (default 64:4:4K)\n"
	"  cpi=X.YYY            base cycles per instruction (default 1.0)\n"
	"  lat_l2=N lat_llc=N lat_mem=N lat_walk=N  cycles added per access served\n"
	"                       by L2 / LLC / memory, per page-walk reference\n"
	"                       (defaults 12, 40, 200, 20)\n"
	"  shm=PATH             publish counters in PATH (layout: include/questv/vpmu.h)\n"
	"  out=FILE             write per-vCPU totals as JSON lines at exit\n"
	"  count=all|guest      all: every vCPU counts every event from its first\n"
	"                       instruction; guest: memory events only once a guest\n"
	"                       enables a counter (default guest)\n"
	"  doorbell=SOCK        serve QEMU's ivshmem server protocol on the UNIX socket\n"
	"                       SOCK, so an ivshmem-doorbell device maps shm= and\n"
	"                       delivers each vCPU's overflow interrupt (needs shm=)\n"
	"  interval=N           also write to out=FILE, per vCPU, the counts of each\n"
	"                       N instructions (at the first block end past N)\n"
	"SIZE takes K, M or G; sizes, lines and set counts must be powers of two;\n"
	"all cache levels use one line size.\n";

static void defaults(struct vpmu_config *c)
{
	*c = (struct vpmu_config){
		.l1d = {32u << 10, 8, 64},
		.l2 = {0, 0, 0},
		.llc = {8u << 20, 16, 64},
		.dtlb_entries = 64, .dtlb_ways = 4, .page_size = 4096,
		.cpi_milli = 1000,
		.lat_l2 = 12, .lat_llc = 40, .lat_mem = 200, .lat_walk_ref = 20,
	};
}

/* Parse a decimal unsigned with an optional K/M/G suffix; *END gets the
 * first character after it. Returns 0 on success. */
static int parse_size(const char *s, uint64_t *out, const char **end)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *e;
	unsigned long long v = strtoull(s, &e, 10);
	int shift = 0;
	switch (*e) {
	case 'K': case 'k': shift = 10; e++; break;
	case 'M': case 'm': shift = 20; e++; break;
	case 'G': case 'g': shift = 30; e++; break;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	*end = e;
	return 0;
}

/* Parse "A:B:C" (C optional when OPTIONAL_THIRD) of sizes into V[3]. */
static int parse_triple(const char *s, uint64_t v[3], int optional_third)
{
	const char *e;
	for (int i = 0; i < 3; i++) {
		if (parse_size(s, &v[i], &e))
			return -1;
		if (i == 2 || (i == 1 && optional_third && *e == 0)) {
			return *e == 0 ? 0 : -1;
		}
		if (*e != ':')
			return -1;
		s = e + 1;
	}
	return -1;
}

static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	const char *e;
	if (parse_size(s, &v, &e) || *e || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* "1", "1.5", "0.875": thousandths without floating point, so the value is
 * exact and the model stays integer-only. */
static int parse_milli(const char *s, uint32_t *out)
{
	uint64_t whole = 0, frac = 0;
	int digits = 0;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > 1000000)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++digits > 3)
				return -1;
			frac = frac * 10 + (uint64_t)(*s - '0');
		}
		if (digits == 0)
			return -1;
	}
	if (*s)
		return -1;
	for (; digits < 3; digits++)
		frac *= 10;
	*out = (uint32_t)(whole * 1000 + frac);
	return *out ? 0 : -1;
}

static int parse_cache(const char *val, struct cache_geometry *g, const char **why)
{
	uint64_t v[3];
	if (parse_triple(val, v, 0) || v[1] > UINT32_MAX || v[2] > UINT32_MAX) {
		*why = "expected SIZE:WAYS:LINE, e.g. 32K:8:64";
		return -1;
	}
	*g = (struct cache_geometry){v[0], (uint32_t)v[1], (uint32_t)v[2]};
	*why = cache_geometry_check(g);
	return *why ? -1 : 0;
}

static int parse_one(struct vpmu_config *c, const char *key, const char *val, const char **why)
{
	uint64_t v[3] = {0, 0, 4096};
	struct cache_geometry tlb;

	*why = "bad value";
	if (!strcmp(key, "l1d"))
		return parse_cache(val, &c->l1d, why);
	if (!strcmp(key, "l2")) {
		if (!strcmp(val, "none")) {
			c->l2 = (struct cache_geometry){0, 0, 0};
			return 0;
		}
		return parse_cache(val, &c->l2, why);
	}
	if (!strcmp(key, "llc"))
		return parse_cache(val, &c->llc, why);
	if (!strcmp(key, "dtlb")) {
		if (parse_triple(val, v, 1) || v[0] > UINT32_MAX || v[1] > UINT32_MAX || v[2] > UINT32_MAX) {
			*why = "expected ENTRIES:WAYS[:PAGE], e.g. 64:4 or 32:4:2M";
			return -1;
		}
		*why = tlb_geometry((uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], &tlb);
		if (*why)
			return -1;
		c->dtlb_entries = (uint32_t)v[0], c->dtlb_ways = (uint32_t)v[1], c->page_size = (uint32_t)v[2];
		return 0;
	}
	if (!strcmp(key, "cpi")) {
		*why = "expected a positive decimal with at most 3 decimals, e.g. 1.25";
		return parse_milli(val, &c->cpi_milli);
	}
	if (!strcmp(key, "lat_l2"))
		return parse_u32(val, &c->lat_l2);
	if (!strcmp(key, "lat_llc"))
		return parse_u32(val, &c->lat_llc);
	if (!strcmp(key, "lat_mem"))
		return parse_u32(val, &c->lat_mem);
	if (!strcmp(key, "lat_walk"))
		return parse_u32(val, &c->lat_walk_ref);
	if (!strcmp(key, "shm") || !strcmp(key, "out") || !strcmp(key, "doorbell")) {
		if (!*val) {
			*why = "empty path";
			return -1;
		}
		*(key[0] == 's' ? &c->shm : key[0] == 'o' ? &c->out : &c->doorbell) = val;
		return 0;
	}
	if (!strcmp(key, "count")) {
		*why = "expected all or guest";
		if (strcmp(val, "all") && strcmp(val, "guest"))
			return -1;
		c->count_all = val[0] == 'a';
		return 0;
	}
	if (!strcmp(key, "interval")) {
		const char *e;
		*why = "expected a positive instruction count, e.g. 1000000 or 10M";
		return parse_size(val, &c->interval, &e) || *e || c->interval == 0 ? -1 : 0;
	}
	*why = "unknown argument";
	return -1;
}

int vpmu_parse_args(int argc, char **argv, struct vpmu_config *c, char *err, size_t errlen)
{
	defaults(c);
	for (int i = 0; i < argc; i++) {
		char key[16];
		const char *eq = strchr(argv[i], '='), *why = "expected key=value";
		size_t klen = eq ? (size_t)(eq - argv[i]) : 0;
		if (!eq || klen == 0 || klen >= sizeof key) {
			snprintf(err, errlen, "vpmu: bad argument '%s': %s\n%s", argv[i], why, vpmu_usage);
			return -1;
		}
		memcpy(key, argv[i], klen);
		key[klen] = 0;
		if (parse_one(c, key, eq + 1, &why)) {
			snprintf(err, errlen, "vpmu: bad argument '%s': %s\n%s", argv[i], why, vpmu_usage);
			return -1;
		}
	}
	if (c->l1d.line != c->llc.line || (c->l2.size && c->l2.line != c->llc.line)) {
		snprintf(err, errlen, "vpmu: all cache levels must use one line size (l1d %u, l2 %u, llc %u)\n%s",
			 c->l1d.line, c->l2.line, c->llc.line, vpmu_usage);
		return -1;
	}
	if (c->doorbell && !c->shm) {
		snprintf(err, errlen, "vpmu: doorbell=%s needs shm=FILE: the device maps that file\n%s",
			 c->doorbell, vpmu_usage);
		return -1;
	}
	if (c->interval && !c->out) {
		snprintf(err, errlen, "vpmu: interval=%llu needs out=FILE to write its lines to\n%s",
			 (unsigned long long)c->interval, vpmu_usage);
		return -1;
	}
	return 0;
}
