/*
 * A sandbox's RAM as the monitor sees it. An uncoloured sandbox's region is
 * contiguous and identity mapped already. A coloured sandbox's pages are
 * scattered through the colour pool, so they are mapped in guest-physical
 * order into a window of the monitor's own address space (PML4 slot 1 + id,
 * above the identity-mapped 4 GiB, with the nested-table builder: x86-64
 * page-table entries are NPT's format), and loading the kernel, the boot
 * information, hypercall buffers and checksums work on it unchanged.
 */
#include "monitor/sandbox.h"
#include "monitor/colour_map.h"
#include "monitor/page_pool.h"
#include "lib/x86.h"

#define VIEW_AT(id) ((uint64_t)((id) + 1) << 39)

int sandbox_view(struct sandbox *sb, const struct system_config *cfg, const char **why)
{
	uint64_t cr3 = read_cr3() & ~0xFFFull;
	struct nested_pt own = { .fmt = &npt_format, .alloc = &pool_pt_alloc,
				 .root = (uint64_t *)cr3, .root_pa = cr3 };

	if (!cfg->sandbox[sb->id].ncolours) {
		sb->view = (uint8_t *)sb->base;
		return 0;
	}
	*why = "out of monitor pages for the view of a coloured sandbox";
	if (colour_map(&own, VIEW_AT(sb->id), cfg, sb->id, PT_R | PT_W | PT_X, PT_WB))
		return -1;
	sb->view = (uint8_t *)VIEW_AT(sb->id);
	return 0;
}
