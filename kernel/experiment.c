/* The table of in-guest experiment workloads (see experiment.h). */
#include "experiment.h"
#include "exp_cache.h"
#include "exp_hcall.h"
#include "exp_ipc.h"
#include "exp_schedbench.h"
#include "exp_tlb.h"
#include "exp_vpmu.h"
#include "kernel.h"
#include "../lib/record.h"
#include "../lib/string.h"

static const struct experiment experiments[] = {
	{ "hcall", exp_hcall_run },
	{ "tlb", exp_tlb_run },
	{ "schedbench", exp_schedbench_run },
	{ "ipc", exp_ipc_run },
	{ "vpmu-validate", exp_vpmu_validate_run },
	{ "vpmu-xcore", exp_vpmu_xcore_run },
	{ "cache-interference", exp_cache_interference_run },
	{ 0, 0 },
};

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
	for (e = experiments; e->name; e++)
		if (strlen(e->name) == n && !strncmp(e->name, name, n))
			return e->run();
	return experiment_error(0, "unknown experiment (kernel arg exp=NAME)");
}
