/* A sandbox's nested table against what it is due (see sandbox.h). */
#include "monitor/sandbox.h"
#include "monitor/devices.h"
#include "monitor/npt_audit.h"
#include "monitor/colour.h"
#include "lib/lapic.h"
#include "lib/record.h"

#define MAX_WINDOWS (2 + CFG_MAX_SHARED + DEVICES_MAX_WINDOWS)

struct coloured_ram {
	const struct system_config *cfg;
	unsigned id;
};

/* A coloured sandbox's RAM: each page where its colours put it. */
static bool maps_own_colours(const void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	const struct coloured_ram *c = ctx;

	for (uint64_t off = 0; off < size; off += CFG_PAGE)
		if (config_hpa(c->cfg, c->id, gpa + off) != hpa + off)
			return false;
	return true;
}

int sandbox_audit(const struct sandbox *sb, const struct system_config *cfg)
{
	struct npt_window w[MAX_WINDOWS];
	struct npt_audit a;
	struct record r;
	unsigned n = 0, i;
	bool clean;
	struct coloured_ram own = { cfg, sb->id };

	w[n++] = (struct npt_window){ .gpa = 0, .hpa = sb->base, .size = sb->size, .kind = NPT_RAM,
				      .perm = PT_R | PT_W | PT_X,
				      .maps_own = sb->cfg->ncolours ? maps_own_colours : 0, .ctx = &own };
	w[n++] = (struct npt_window){ .gpa = LAPIC_BASE, .hpa = LAPIC_BASE, .size = 4096,
				      .kind = NPT_LAPIC, .perm = PT_R | PT_W };
	for (i = 0; i < cfg->nshared; i++)
		if (is_member(&cfg->shared[i], sb->id))
			w[n++] = (struct npt_window){ .gpa = shared_gpa(cfg, i),
						      .hpa = cfg->shared[i].base,
						      .size = (cfg->shared[i].size + 0xFFF) & ~0xFFFull,
						      .kind = NPT_SHARED, .perm = PT_R | PT_W };
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
