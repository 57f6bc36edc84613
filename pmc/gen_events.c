/* Build-time event table generator (host tool, linked with libpfm4).
 *
 *   gen_events PMU LIST OUT
 *
 * Encodes every event of LIST (lines "NAME [LIBPFM4_STRING]", # comments)
 * for the libpfm4 PMU model PMU (e.g. snb) and writes OUT, a C file defining
 * pmc_event_table (pmc/pmc_events.h). The model need not be the host's CPU:
 * LIBPFM_FORCE_PMU makes libpfm4 encode for it anyway (the development
 * machine has no PMU at all). An event the model does not have fails the
 * build, naming the closest events the model does have. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <perfmon/pfmlib.h>
#include "pmc/event_match.h"

#define SUGGEST 5

static void usage(void)
{
	fprintf(stderr, "usage: gen_events PMU LIST OUT (e.g. gen_events snb pmc/events/intel.list build/pmc_events.c)\n");
	exit(2);
}

/* The libpfm4 PMU called NAME, with its info, or exit naming the closest
 * models libpfm4 knows. */
static pfm_pmu_info_t find_pmu(const char *name)
{
	static char names[PFM_PMU_MAX][EVENT_MATCH_MAX + 1];
	const char *best[SUGGEST];
	unsigned dist[SUGGEST];
	struct event_match m = {.want = name, .best = best, .dist = dist, .n = SUGGEST, .count = 0};
	pfm_pmu_info_t info;

	for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX; p++) {
		memset(&info, 0, sizeof info);
		info.size = sizeof info;
		if (pfm_get_pmu_info((pfm_pmu_t)p, &info) != PFM_SUCCESS || !info.name)
			continue;
		if (!strcmp(info.name, name))
			return info;
		snprintf(names[p], sizeof names[p], "%s", info.name);
		event_match_offer(&m, names[p]);
	}
	fprintf(stderr, "gen_events: libpfm4 has no PMU model '%s' (PMC_CPU); closest:", name);
	for (unsigned i = 0; i < m.count; i++)
		fprintf(stderr, " %s", best[i]);
	fprintf(stderr, "\n");
	exit(1);
}

/* Print the model's events nearest to the event part of STR. */
static void suggest(const pfm_pmu_info_t *pmu, const char *str)
{
	static char names[4096][EVENT_MATCH_MAX + 1];
	const char *best[SUGGEST];
	unsigned dist[SUGGEST], n = 0;
	char want[EVENT_MATCH_MAX + 1];
	snprintf(want, sizeof want, "%.*s", (int)strcspn(str, ":"), str);
	struct event_match m = {.want = want, .best = best, .dist = dist, .n = SUGGEST, .count = 0};

	for (int idx = pmu->first_event; idx != -1 && n < 4096; idx = pfm_get_event_next(idx)) {
		pfm_event_info_t ev;
		memset(&ev, 0, sizeof ev);
		ev.size = sizeof ev;
		if (pfm_get_event_info(idx, PFM_OS_NONE, &ev) != PFM_SUCCESS || ev.pmu != pmu->pmu)
			continue;
		snprintf(names[n], sizeof names[n], "%s", ev.name);
		event_match_offer(&m, names[n++]);
	}
	fprintf(stderr, "gen_events:   closest %s events:", pmu->name);
	for (unsigned i = 0; i < m.count; i++)
		fprintf(stderr, " %s", best[i]);
	fprintf(stderr, "\n");
}

/* Encode "PMU::STR"; returns 0 and the code, or prints why and returns -1. */
static int encode(const pfm_pmu_info_t *pmu, const char *str, uint64_t *code)
{
	char full[256];
	uint64_t codes[4] = {0};
	pfm_pmu_encode_arg_t arg;
	memset(&arg, 0, sizeof arg);
	arg.size = sizeof arg;
	arg.codes = codes;
	arg.count = 4;
	snprintf(full, sizeof full, "%s::%s", pmu->name, str);
	int ret = pfm_get_os_event_encoding(full, PFM_PLM0 | PFM_PLM3, PFM_OS_NONE, &arg);
	if (ret != PFM_SUCCESS) {
		fprintf(stderr, "gen_events: cannot encode '%s' for %s: %s\n", str, pmu->name, pfm_strerror(ret));
		suggest(pmu, str);
		return -1;
	}
	if (arg.count != 1) {
		fprintf(stderr, "gen_events: '%s' needs %d registers on %s; only single-register events are supported\n",
			str, arg.count, pmu->name);
		return -1;
	}
	*code = codes[0];
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		usage();
	const char *model = argv[1];
	/* Must be set before pfm_initialize(): it decides which PMU tables are
	 * activated. */
	setenv("LIBPFM_FORCE_PMU", model, 1);
	int ret = pfm_initialize();
	if (ret != PFM_SUCCESS) {
		fprintf(stderr, "gen_events: libpfm4 initialisation failed: %s\n", pfm_strerror(ret));
		return 1;
	}
	pfm_pmu_info_t pmu = find_pmu(model);
	FILE *in = fopen(argv[2], "r");
	if (!in) {
		perror(argv[2]);
		return 1;
	}
	char line[512], body[1 << 15];
	size_t used = 0;
	unsigned n = 0, lineno = 0, errors = 0;
	while (fgets(line, sizeof line, in)) {
		char name[128], str[256];
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		int fields = sscanf(line, "%127s %255s", name, str);
		if (fields <= 0)
			continue;
		if (fields == 1)
			strcpy(str, name);
		uint64_t code;
		if (encode(&pmu, str, &code)) {
			fprintf(stderr, "gen_events: %s:%u: event %s not available for PMC_CPU=%s\n", argv[2], lineno, name, model);
			errors++;
			continue;
		}
		used += (size_t)snprintf(body + used, sizeof body - used, "\t{\"%s\", 0x%" PRIx64 "},\t/* %s::%s */\n",
					 name, code, model, str);
		n++;
		if (used >= sizeof body) {
			fprintf(stderr, "gen_events: %s: too many events\n", argv[2]);
			return 1;
		}
	}
	fclose(in);
	if (errors)
		return 1;
	FILE *out = fopen(argv[3], "w");
	if (!out) {
		perror(argv[3]);
		return 1;
	}
	fprintf(out, "/* Generated by pmc/gen_events.c from %s for PMC_CPU=%s: do not edit. */\n"
		     "#include \"pmc/pmc_events.h\"\n\n"
		     "static const struct pmc_event_def events[] = {\n%s};\n\n"
		     "const struct pmc_event_table pmc_event_table = {\"%s\", events, %u};\n",
		argv[2], model, body, model, n);
	return fclose(out) ? 1 : 0;
}
