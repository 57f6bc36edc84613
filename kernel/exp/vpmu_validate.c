/*
 * Experiment "vpmu-validate": every validation workload (or wl=NAME,NAME...)
 * over wl_bytes (default 2 MiB) for wl_passes (default 2) passes, stride
 * wl_stride (default 64; 256 for stride_walk), each a measured region
 * (kernel/pmc/vpmu_region.h), one "vpmu_region" record with role
 * "validate" per workload. Without a vPMU the kernel says so
 * ({"ev":"pmc","backend":"none",...}); the workloads then still run,
 * recording "counted":false and no counts (plain-TCG timing for make
 * bench-vpmu), and the experiment fails.
 */
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "kernel/pmc/vpmu_region.h"
#include "lib/string.h"

/* Is NAME (N chars) an item of LIST, "a,b,c" up to a space or the end? */
static bool listed(const char *list, const char *name, size_t n)
{
	while (*list && *list != ' ') {
		size_t len = 0;
		while (list[len] && list[len] != ',' && list[len] != ' ')
			len++;
		if (len == n && !strncmp(list, name, n))
			return true;
		list += len + (list[len] == ',');
	}
	return false;
}

static bool exp_vpmu_validate_run(void)
{
	const char *only = arg_value("wl");
	struct pmc *p = vpmu_region_open("vpmu-validate");
	uint64_t most = arg_u64("wl_bytes", VPMU_REGION_ALIGN);
	uint8_t *mem = vpmu_region_buffer(most);
	unsigned i, ran = 0;

	if (!mem || most < 4096) {
		experiment_error("vpmu-validate", "wl_bytes must be >= 4096 and fit in free RAM, 2 MiB aligned");
		return false;
	}
	for (i = 0; workload_at(i); i++) {
		const struct workload *w = workload_at(i);
		size_t n = strlen(w->name);
		struct wl_params wp = vpmu_region_params(w, VPMU_REGION_ALIGN, 2);
		if (only && !listed(only, w->name, n))
			continue;
		w->prepare(mem, &wp);
		vpmu_region_measure(p, "validate", w, mem, &wp);
		ran++;
	}
	if (!ran)
		experiment_error("vpmu-validate", "wl=NAME names no workload (pmc/workloads/registry.c)");
	return ran > 0 && p;
}

EXPERIMENT("vpmu-validate", exp_vpmu_validate_run);
