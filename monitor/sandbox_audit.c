/* A sandbox's nested table against what it is due (see sandbox.h). */
#include "monitor/sandbox.h"
#include "monitor/devices.h"
#include "monitor/npt_audit.h"
#include "lib/lapic.h"
#include "lib/record.h"

#define MAX_WINDOWS (2 + CFG_MAX_SHARED + DEVICES_MAX_WINDOWS)

int sandbox_audit(const struct sandbox *sb, const struct system_config *cfg)
{
	struct npt_window w[MAX_WINDOWS];
	struct npt_audit a;
	struct record r;
	unsigned n = 0, i;
	bool clean;

	w[n++] = (struct npt_window){ 0, sb->base, sb->size, NPT_RAM, PT_R | PT_W | PT_X };
	w[n++] = (struct npt_window){ LAPIC_BASE, LAPIC_BASE, 4096, NPT_LAPIC, PT_R | PT_W };
	for (i = 0; i < cfg->nshared; i++)
		if (is_member(&cfg->shared[i], sb->id))
			w[n++] = (struct npt_window){ shared_gpa(cfg, i), cfg->shared[i].base,
						      (cfg->shared[i].size + 0xFFF) & ~0xFFFull,
						      NPT_SHARED, PT_R | PT_W };
	n += devices_windows(sb, w + n, MAX_WINDOWS - n);
	clean = npt_audit(&sb->npt, w, n, &a);

	rec_begin(&r, "npt_audit");
	rec_u64(&r, "sandbox", sb->id);
	rec_u64(&r, "leaves", a.leaves);
	rec_obj_begin(&r, "pages");
	for (i = 0; i < NPT_NKINDS; i++)
		rec_u64(&r, npt_kind_name[i], a.pages[i]);
	rec_obj_end(&r);
	if (!clean)
		rec_hex(&r, "first_stray_gpa", a.first_stray_gpa);
	rec_bool(&r, "clean", clean);
	rec_end(&r);
	return clean ? 0 : -1;
}
