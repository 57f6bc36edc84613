/* The table of in-guest experiment workloads (see experiment.h). */
#include "kernel/experiment.h"
#include "kernel/kinfo.h"
#include "lib/record.h"
#include "lib/string.h"

/* Bounds of the .experiments section (kernel/linker.ld). */
extern const struct experiment __experiments_start[], __experiments_end[];

bool experiment_error(const char *exp, const char *msg)
{
	struct record r;
	rec_begin(&r, "experiment_error");
	rec_u64(&r, "sandbox", kinfo.sandbox);
	if (exp)
		rec_str(&r, "exp", exp);
	rec_str(&r, "msg", msg);
	rec_end(&r);
	return false;
}

bool experiment_run(const char *name)
{
	const struct experiment *e;
	size_t n = 0;

	while (name[n] && name[n] != ' ')
		n++;
	for (e = __experiments_start; e < __experiments_end; e++)
		if (strlen(e->name) == n && !strncmp(e->name, name, n))
			return e->run();
	return experiment_error(0, "unknown experiment (kernel arg exp=NAME)");
}
