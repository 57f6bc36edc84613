/* The plugin's JSON-lines output: see vpmu_report.h.
 *
 * A totals line has exactly the keys the harness reads (vcpu, instructions,
 * cycles, l1d_accesses, l1d_misses, llc_references, llc_misses,
 * dtlb_misses); an interval line has the same keys for the interval's
 * counts plus "interval" (its index), so a reader tells them apart by that
 * key. Each line is one fprintf on a stream glibc locks, so vCPU threads
 * writing at once never interleave within a line. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "pmc/qemu-plugin/vpmu_report.h"

static void write_line(FILE *f, uint32_t vcpu, const char *interval, const uint64_t *t)
{
	fprintf(f,
		"{\"vcpu\":%" PRIu32 "%s,\"instructions\":%" PRIu64 ",\"cycles\":%" PRIu64
		",\"l1d_accesses\":%" PRIu64 ",\"l1d_misses\":%" PRIu64 ",\"llc_references\":%" PRIu64
		",\"llc_misses\":%" PRIu64 ",\"dtlb_misses\":%" PRIu64 "}\n",
		vcpu, interval, t[VPMU_EV_INSTRUCTIONS], t[VPMU_EV_CYCLES], t[VPMU_EV_L1D_ACCESSES],
		t[VPMU_EV_L1D_MISSES], t[VPMU_EV_LLC_REFERENCES], t[VPMU_EV_LLC_MISSES],
		t[VPMU_EV_DTLB_MISSES]);
}

const char *vpmu_report_open(struct vpmu_report *r, const struct vpmu_config *cfg, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->every = cfg->interval;
	for (uint32_t i = 0; i < VPMU_MAX_VCPUS; i++)
		r->iv[i].next = r->every ? r->every : UINT64_MAX;
	if (!cfg->out)
		return NULL;
	/* Opened now, not at exit: a path that cannot be written fails the
	 * start instead of losing a whole run's counts. */
	r->f = fopen(cfg->out, "w");
	if (!r->f) {
		snprintf(err, errlen, "vpmu: cannot write out=%s: %s", cfg->out, strerror(errno));
		return err;
	}
	return NULL;
}

void vpmu_report_interval(struct vpmu_report *r, struct vpmu_model *m, uint32_t vcpu)
{
	struct vpmu_interval *iv = &r->iv[vcpu];
	uint64_t now[VPMU_EV_COUNT], delta[VPMU_EV_COUNT];
	char key[40];

	vpmu_model_refresh_cycles(m, vcpu);
	for (uint32_t e = 0; e < VPMU_EV_COUNT; e++) {
		now[e] = vpmu_model_total(m, vcpu, (enum vpmu_event)e);
		delta[e] = now[e] - iv->start[e];
		iv->start[e] = now[e];
	}
	snprintf(key, sizeof key, ",\"interval\":%" PRIu64, iv->index++);
	write_line(r->f, vcpu, key, delta);
	iv->next = now[VPMU_EV_INSTRUCTIONS] + r->every;
}

void vpmu_report_close(struct vpmu_report *r, struct vpmu_model *m)
{
	if (!r->f)
		return;
	for (uint32_t i = 0; r->every && i < m->n_vcpus; i++)
		if (vpmu_model_total(m, i, VPMU_EV_INSTRUCTIONS) > r->iv[i].start[VPMU_EV_INSTRUCTIONS])
			vpmu_report_interval(r, m, i);
	for (uint32_t i = 0; i < m->n_vcpus; i++) {
		vpmu_model_refresh_cycles(m, i);
		write_line(r->f, i, "", m->cpu[i].page->total);
	}
	if (fclose(r->f))
		fprintf(stderr, "vpmu: writing out= failed: %s\n", strerror(errno));
	r->f = NULL;
}
