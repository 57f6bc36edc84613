/*
 * Experiment "vpmu-xcore": the cross-core interference pair.
 * role=reuse (the victim) walks wl_bytes (half the LLC) wl_passes times
 * after one warm-up pass; role=stream (the aggressor) walks wl_bytes
 * (twice the LLC) wl_passes times; one "vpmu_region" record each
 * (kernel/pmc/vpmu_region.h) with the role. Run the victim alone and
 * beside a streamer on another core: its LLC misses rise, and the
 * streamer's llc_cross_evictions count the victim's lines it evicted. A
 * shared region named "xcore" in both sandboxes makes the pair overlap
 * exactly. Without a vPMU it fails at once.
 */
#include "kernel/experiment.h"
#include "kernel/cmdline.h"
#include "include/questv/vpmu.h"
#include "kernel/pmc/vpmu_region.h"
#include "lib/string.h"

static bool exp_vpmu_xcore_run(void)
{
	const char *role = arg_value("role");
	bool stream = role && !strncmp(role, "stream", 6);
	const struct workload *w = workload_find("seq_walk");
	struct pmc *p = vpmu_region_open("vpmu-xcore");
	struct wl_params wp;
	uint64_t llc;
	uint8_t *mem;

	if (!p)
		return false;
	if (!role || (!stream && strncmp(role, "reuse", 5))) {
		experiment_error("vpmu-xcore", "needs role=stream or role=reuse");
		return false;
	}
	/* Default sizes from the plugin's geometry: half the LLC for the
	 * victim, twice it for the streamer. */
	llc = ((volatile struct vpmu_header *)p->vpmu)->llc_size;
	wp = vpmu_region_params(w, stream ? 2 * llc : llc / 2, 8);
	if (!(mem = vpmu_region_buffer(wp.bytes))) {
		experiment_error("vpmu-xcore", "wl_bytes does not fit in free RAM");
		return false;
	}
	w->prepare(mem, &wp);
	if (!stream) {
		/* Warm: the victim's working set is in the LLC before the region. */
		struct wl_params once = wp;
		once.passes = 1;
		w->run(mem, &once);
	}
	vpmu_region_measure(p, stream ? "stream" : "reuse", w, mem, &wp);
	return true;
}

EXPERIMENT("vpmu-xcore", exp_vpmu_xcore_run);
