/* Mapping a sandbox's RAM page by colour (see colour_map.h). */
#include "monitor/colour_map.h"
#include "monitor/colour.h"

int colour_map(struct nested_pt *t, uint64_t at, const struct system_config *cfg,
	       unsigned i, unsigned perm, unsigned memtype)
{
	uint64_t size = cfg->sandbox[i].mem_bytes, start = 0, gpa;

	/* A run [start, gpa) of guest pages on consecutive host pages. */
	for (gpa = CFG_PAGE; gpa <= size; gpa += CFG_PAGE) {
		uint64_t run_hpa = config_hpa(cfg, i, start);
		int rc;

		if (gpa < size && config_hpa(cfg, i, gpa) == run_hpa + (gpa - start))
			continue;
		rc = npt_map(t, at + start, run_hpa, gpa - start, perm, memtype);
		if (rc != NPT_OK)
			return rc;
		start = gpa;
	}
	return NPT_OK;
}
