/* Building sandboxes, and the table of them (the type: sandbox_types.h). */
#ifndef QUESTV_SANDBOX_H
#define QUESTV_SANDBOX_H
#include <stdbool.h>
#include <stdint.h>
#include "monitor/config.h"
#include "monitor/sandbox_types.h"
#include "monitor/virt.h"

/* What every sandbox's boot information shares. */
struct boot_env {
	uint64_t tsc_hz, lapic_hz;
	const void *kernel;
	size_t kernel_len;
	uint64_t monitor_probe_addr;  /* a monitor word the probe aims at */
};

extern struct sandbox sandboxes[CFG_MAX_SANDBOXES];
extern unsigned nsandboxes;

/* The start of every sandbox's kernel code (guest-physical, its ELF load
 * address) and how much of it the monitor checks at the end of the run
 * for writes from outside (integrity records): where the fault campaign
 * aims bad DMA, and what no wild write may change. */
#define SANDBOX_CODE_GPA  0x100000ull
#define SANDBOX_CODE_LEN  0x10000ull

/* Where guest-physical shared region i is mapped in every member. */
#define SHARED_GPA_BASE 0x80000000ull

/*
 * Build sandbox id of a placed config: copy the kernel into its region,
 * write its boot information, grant its ports and build its nested page
 * table (RAM, LAPIC page, shared regions, the PCI devices devices.c grants
 * it). Returns 0, or -1 with *why;
 * nothing runs yet.
 */
int sandbox_build(struct sandbox *sb, const struct system_config *cfg, unsigned id,
		  const struct machine *m, const struct boot_env *env,
		  const struct virt_ops *virt, const char **why);

/* Where shared region i is mapped in every member; is id a member of sh? */
uint64_t shared_gpa(const struct system_config *cfg, unsigned i);
bool is_member(const struct shared_config *sh, unsigned id);

/* Audit sb's built nested table (npt_audit.h): one npt_audit record; -1 if
 * any leaf is stray (monitor/sandbox_audit.c). */
int sandbox_audit(const struct sandbox *sb, const struct system_config *cfg);

/* Is [gpa, gpa+len) inside the sandbox's RAM? */
bool sandbox_owns(const struct sandbox *sb, uint64_t gpa, uint64_t len);

/* Set sb->view: sb->base, or for a coloured sandbox a window of the
 * monitor's address space mapping its pages in order. 0, or -1 with *why. */
int sandbox_view(struct sandbox *sb, const struct system_config *cfg, const char **why);
#endif
