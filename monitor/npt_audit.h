/*
 * Auditing a built nested page table as a whole: every leaf must lie in a
 * window the sandbox is due (its RAM, its LAPIC page, a shared region it
 * is a member of, a BAR it was granted), inside that window's host range
 * and with no more than its permissions. The windows come from the config
 * and the device policy, not from the calls that built the table, so a
 * builder bug or a stray entry shows.
 *
 * Portable C: the host unit tests audit tables built on malloc'd pages.
 */
#ifndef QUESTV_NPT_AUDIT_H
#define QUESTV_NPT_AUDIT_H
#include "monitor/nested_pt.h"

enum npt_kind { NPT_RAM, NPT_LAPIC, NPT_SHARED, NPT_BAR, NPT_STRAY, NPT_NKINDS };

/* "ram", "lapic", "shared", "bar", "stray": the record's keys. */
extern const char *const npt_kind_name[NPT_NKINDS];

struct npt_window {
	uint64_t gpa, hpa, size;    /* guest range and the host range it may map to */
	enum npt_kind kind;
	unsigned perm;              /* most a leaf here may allow (PT_R|PT_W|PT_X) */
	/* Non-NULL for RAM that is not one host range (LLC colours): whether
	 * [gpa, gpa+size) -> hpa is that RAM's own mapping, page by page;
	 * hpa above is then unused. */
	bool (*maps_own)(const void *ctx, uint64_t gpa, uint64_t hpa, uint64_t size);
	const void *ctx;
};

struct npt_audit {
	uint64_t pages[NPT_NKINDS]; /* 4 KiB pages mapped, per kind */
	uint64_t leaves;            /* leaf entries (2 MiB or 4 KiB) */
	uint64_t first_stray_gpa;   /* valid when pages[NPT_STRAY] */
};

/* Walk every leaf of t against the windows; fills *out. True if no stray. */
bool npt_audit(const struct nested_pt *t, const struct npt_window *w, unsigned n,
	       struct npt_audit *out);
#endif
