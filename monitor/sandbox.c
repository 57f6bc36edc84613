/* Building a sandbox before its first entry (see sandbox.h). */
#include "monitor/sandbox.h"
#include "monitor/hypercall_args.h"
#include "monitor/iommu.h"
#include "monitor/checksum.h"
#include "monitor/devices.h"
#include "monitor/elf_load.h"
#include "monitor/page_pool.h"
#include "include/questv/bootinfo.h"
#include "lib/lapic.h"
#include "lib/record.h"
#include "lib/string.h"
#include "monitor/colour.h"
#include "monitor/colour_map.h"

struct sandbox sandboxes[CFG_MAX_SANDBOXES];
unsigned nsandboxes;

bool sandbox_owns(const struct sandbox *sb, uint64_t gpa, uint64_t len)
{
	return gpa_range_inside(sb->size, gpa, len);
}

static void copy_name(char *dst, size_t cap, const char *src)
{
	size_t i;
	for (i = 0; i + 1 < cap && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

static void grant_ports(struct sandbox *sb)
{
	unsigned i;
	uint32_t p;
	memset(sb->io_granted, 0, sizeof sb->io_granted);
	for (i = 0; i < sb->cfg->nports; i++)
		for (p = sb->cfg->ports[i].first; p <= sb->cfg->ports[i].last; p++)
			sb->io_granted[p / 8] |= (uint8_t)(1u << (p % 8));
}

static void add_target(struct bootinfo *bi, const char *name, uint64_t addr)
{
	if (bi->ntargets < BOOTINFO_MAX_TARGETS) {
		copy_name(bi->target[bi->ntargets].name, sizeof bi->target[0].name, name);
		bi->target[bi->ntargets++].addr = addr;
	}
}

uint64_t shared_gpa(const struct system_config *cfg, unsigned i)
{
	uint64_t gpa = SHARED_GPA_BASE;
	for (unsigned j = 0; j < i; j++)
		gpa += (cfg->shared[j].size + 0xFFF) & ~0xFFFull;
	return gpa;
}

bool is_member(const struct shared_config *sh, unsigned id)
{
	unsigned j;
	for (j = 0; j < sh->nmembers; j++)
		if (sh->members[j] == id)
			return true;
	return false;
}

static void write_bootinfo(struct sandbox *sb, const struct system_config *cfg,
			   const struct machine *m, const struct boot_env *env,
			   const struct virt_ops *virt)
{
	struct bootinfo *bi = sandbox_ptr(sb, BOOTINFO_GPA);
	unsigned i, j;

	memset(bi, 0, sizeof *bi);
	bi->magic = BOOTINFO_MAGIC;
	bi->size = sizeof *bi;
	bi->sandbox = sb->id;
	bi->nsandboxes = cfg->nsandboxes;
	bi->apic_id = m->apic_ids[sb->core];
	bi->console = sb->cfg->console;
	copy_name(bi->virt, sizeof bi->virt, virt->name);
	bi->mem_bytes = sb->size;
	/* Behind an IOMMU devices see guest-physical addresses; the base
	 * would only help aim outside the sandbox. 0 too when coloured: no
	 * DMA there (config.c). */
	bi->host_base = iommu_active() ? 0 : sb->base;
	bi->ram_leaf_2m = !sb->cfg->ncolours;
	bi->tsc_hz = env->tsc_hz;
	bi->lapic_hz = env->lapic_hz;
	for (i = 0; i < cfg->nsandboxes && i < BOOTINFO_MAX_PEERS; i++)
		bi->peer_apic[i] = cfg->sandbox[i].core;
	/* The probe aims at the real host-physical addresses of the others. */
	for (i = 0; i < cfg->nsandboxes; i++) {
		char name[16] = "sandbox:";
		if (i == sb->id)
			continue;
		fmt_u64(name + 8, i);
		add_target(bi, name, config_hpa(cfg, i, SANDBOX_CODE_GPA));
	}
	add_target(bi, "monitor", env->monitor_probe_addr);
	add_target(bi, "monitor:pool", pool_start());   /* its page tables and VMCBs/VMCSs */
	/* A channel this sandbox is not a party to is as foreign as a sandbox. */
	for (i = 0; i < cfg->nshared; i++) {
		char name[16] = "shared:";
		if (is_member(&cfg->shared[i], sb->id))
			continue;
		copy_name(name + 7, sizeof name - 7, cfg->shared[i].name);
		add_target(bi, name, cfg->shared[i].base);
	}
	for (i = 0; i < cfg->nshared; i++) {
		const struct shared_config *sh = &cfg->shared[i];
		for (j = 0; j < sh->nmembers; j++) {
			if (sh->members[j] != sb->id || bi->nshared == BOOTINFO_MAX_SHARED)
				continue;
			copy_name(bi->shared[bi->nshared].name, sizeof bi->shared[0].name, sh->name);
			bi->shared[bi->nshared].gpa = shared_gpa(cfg, i);
			bi->shared[bi->nshared].size = sh->size;
			bi->shared[bi->nshared].nmembers = sh->nmembers;
			memcpy(bi->shared[bi->nshared++].members, sh->members,
			       sh->nmembers * sizeof sh->members[0]);
		}
	}
	copy_name(bi->args, sizeof bi->args, sb->cfg->args);
	copy_name(bi->taskset, sizeof bi->taskset, sb->cfg->taskset);
}

_Static_assert(CFG_TASKSET_MAX <= BOOTINFO_TASKSET_MAX, "task set must fit the boot info");


static int build_npt(struct sandbox *sb, const struct system_config *cfg,
		     const struct virt_ops *virt, const char **why)
{
	unsigned i;

	*why = "out of monitor pages for nested page tables";
	if (npt_init(&sb->npt, virt->pt_format, &pool_pt_alloc))
		return -1;
	if (colour_map(&sb->npt, 0, cfg, sb->id, PT_R | PT_W | PT_X, PT_WB))
		return -1;
	/* The LAPIC is passed through: IPIs and timer need no exits. */
	if (npt_map(&sb->npt, LAPIC_BASE, LAPIC_BASE, 4096, PT_R | PT_W, PT_UC))
		return -1;
	for (i = 0; i < cfg->nshared; i++) {
		const struct shared_config *sh = &cfg->shared[i];
		uint64_t size = (sh->size + 0xFFF) & ~0xFFFull;
		if (is_member(sh, sb->id) &&
		    npt_map(&sb->npt, shared_gpa(cfg, i), sh->base, size, PT_R | PT_W, PT_WB))
			return -1;
	}
	return 0;
}

int sandbox_build(struct sandbox *sb, const struct system_config *cfg, unsigned id,
		  const struct machine *m, const struct boot_env *env,
		  const struct virt_ops *virt, const char **why)
{
	uint64_t entry;
	unsigned i;

	memset(sb, 0, sizeof *sb);
	sb->id = id;
	sb->cfg = &cfg->sandbox[id];
	sb->base = sb->cfg->base;
	sb->size = sb->cfg->mem_bytes;
	for (i = 0; i < m->ncores; i++) {
		if (m->apic_ids[i] == sb->cfg->core)
			sb->core = i;
		if (m->apic_ids[i] < sb->cfg->core)
			sb->vcpu_index++;
	}
	if (sandbox_view(sb, cfg, why))
		return -1;
	memset(sandbox_ptr(sb, 0), 0, sb->size);
	if (elf_load(env->kernel, env->kernel_len, sandbox_ptr(sb, 0), sb->size, &entry, why))
		return -1;
	sb->code_sum = mem_checksum(sandbox_ptr(sb, SANDBOX_CODE_GPA), SANDBOX_CODE_LEN);
	if (build_npt(sb, cfg, virt, why))
		return -1;
	grant_ports(sb);
	write_bootinfo(sb, cfg, m, env, virt);
	if (devices_grant(sb, sandbox_ptr(sb, BOOTINFO_GPA), why))
		return -1;
	sb->entry = (struct guest_entry){ (uint32_t)entry, BOOTINFO_MAGIC, BOOTINFO_GPA };
	sb->vcpu.sandbox = id;
	sb->vcpu.asid = id + 1;
	sb->state = SB_BUILT;
	return 0;
}
