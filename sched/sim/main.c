/* sched-sim --policy NAME --taskset FILE --until MICROSECONDS [--seed S]
 * FILE may be "-" for standard input.  Exit status: 0 after a run, 2 for bad
 * arguments or a bad task-set file (nothing is simulated then). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sim/sim.h"

#define MAX_FILE (1u << 20)

static int usage(const char *why)
{
	const struct sched_policy *p;

	fprintf(stderr, "sched-sim: %s\nusage: sched-sim --policy NAME --taskset FILE "
		"--until MICROSECONDS [--seed S]\npolicies:", why);
	for (unsigned i = 0; (p = sched_policy_at(i)) != NULL; i++)
		fprintf(stderr, " %s", p->name);
	fputc('\n', stderr);
	return 2;
}

static int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	*out = strtoull(s, &end, 10);
	return *end ? -1 : 0;
}

/* Read all of `path` (or stdin for "-") into a NUL-terminated buffer. */
static char *slurp(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(MAX_FILE + 1);
	n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
	if (f != stdin)
		fclose(f);
	if (!buf || n > MAX_FILE) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	const char *policy_name = NULL, *path = NULL;
	unsigned long long until = 0, seed = 1;
	const struct sched_policy *policy;
	static struct taskset ts;
	struct sim_result res;
	char err[320], *text;
	int have_until = 0;

	for (int i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--policy") == 0 && val)
			policy_name = val;
		else if (strcmp(argv[i], "--taskset") == 0 && val)
			path = val;
		else if (strcmp(argv[i], "--until") == 0 && parse_u64(val, &until) == 0)
			have_until = 1;
		else if (!(strcmp(argv[i], "--seed") == 0 && parse_u64(val, &seed) == 0))
			return usage("bad or missing argument");
		i++;
	}
	if (!policy_name || !path || !have_until)
		return usage("--policy, --taskset and --until are required");
	if (until > TS_MAX_US)
		return usage("--until too large");
	if (!(policy = sched_policy_lookup(policy_name)))
		return usage("unknown policy");
	if (!(text = slurp(path))) {
		fprintf(stderr, "sched-sim: cannot read %s (missing, or over %u bytes)\n", path, MAX_FILE);
		return 2;
	}
	if (taskset_parse(text, &ts, err, sizeof(err))) {
		fprintf(stderr, "sched-sim: %s: %s\n", path, err);
		free(text);
		return 2;
	}
	free(text);
	sim_run(&ts, policy, until, seed, stdout, &res);
	return 0;
}
