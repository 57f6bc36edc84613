/* A sandbox: one core, its RAM (one contiguous region, or pages of its LLC
 * colours), one nested page table. The type alone, for code that reads a sandbox's state without
 * building or running one (sandbox.h). */
#ifndef QUESTV_SANDBOX_TYPES_H
#define QUESTV_SANDBOX_TYPES_H
#include <stdbool.h>
#include <stdint.h>
#include "monitor/config.h"
#include "monitor/virt.h"

enum sandbox_state { SB_BUILT, SB_RUNNING, SB_ENDED, SB_STOPPED };

struct sandbox {
	unsigned id;
	const struct sandbox_config *cfg;
	uint64_t base, size;        /* host-physical region (base 0: coloured) */
	uint8_t *view;              /* its guest-physical 0 in the monitor (sandbox_view.c) */
	unsigned core;              /* core index (smp.h): start-up order */
	/* QEMU's CPU index of its core: the rank of its APIC ID among the
	 * machine's (QEMU numbers possible CPUs in APIC-ID order). Whatever
	 * order the cores started in, with or without icount. */
	unsigned vcpu_index;
	struct nested_pt npt;
	uint8_t io_granted[8192];   /* bit set = port granted */
	struct vcpu vcpu;
	struct guest_entry entry;
	volatile enum sandbox_state state;
	unsigned end_status;        /* HC_END_RUN status or why it stopped */
	enum exit_window window;
	uint64_t exits[EXIT_NWINDOWS][EXIT_NREASONS];
	unsigned violations_logged;
	bool stamp_entry;           /* write bootinfo.violation_enter_tsc before the next entry */
	uint64_t code_sum;          /* mem_checksum of its kernel's first code, at load */
	unsigned log_lines;         /* HC_LOG lines so far */
};

/* Monitor pointer to guest-physical gpa (only after sandbox_owns): the
 * sandbox's RAM is contiguous there, coloured or not. */
static inline void *sandbox_ptr(const struct sandbox *sb, uint64_t gpa)
{
	return sb->view + gpa;
}
#endif
