/*
 * Containment of a fault in driver code (issue 8): the network loop sets a
 * point to return to (contain_enter, like setjmp); driver code marks where
 * it may be unwound (contain_arm / contain_disarm); a fault while armed -
 * an exception reflected by the monitor (a wild write's nested page fault
 * arrives as #GP), or the NMI a watchdog sends to a hung core - makes the
 * trap handler resume at contain_enter returning 1 with the cause,
 * instead of ending the sandbox's run.
 *
 * Only driver code that holds no other component's half-updated state may
 * be armed: unwinding through lwIP (the transmit path is called from inside
 * it) would leave the stack's lists inconsistent, so a fault there still
 * ends the sandbox's run, as every unarmed fault does.
 */
#ifndef QUESTV_CONTAIN_H
#define QUESTV_CONTAIN_H
#include <stdbool.h>
#include <stdint.h>
#include "lib/trap.h"

struct contain {
	/* The context contain_enter saved (offsets used by contain.S). */
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
	volatile bool armed;
	/* Nonzero when a watchdog asked for the NMI that follows (shared
	 * memory, rescue.h); 0 = no NMI unwinds. */
	volatile uint32_t *nmi_request;
	/* Filled when a fault unwound it. */
	volatile unsigned vector;
	volatile uint64_t fault_rip, fault_tsc;
};

/* Save the caller's context in c and make c the active containment (not
 * armed); returns 0, and 1 again when a fault unwound to it. The caller's
 * frame must stay live while c is active. */
int contain_enter(struct contain *c) __attribute__((returns_twice));

/* No active containment any more (its frame is about to go). */
void contain_leave(void);

/* Mark the start and end of unwindable driver code (no-ops without an
 * active containment). */
void contain_arm(void);
void contain_disarm(void);

/* From trap(): a fault with vector f->vector. If the active containment is
 * armed, rewrite f to resume at its contain_enter (returning 1) and return
 * true; else false (the fault is the caller's to handle). An NMI unwinds
 * only when *nmi_request is set (and clears it). */
bool contain_trap(struct trap_frame *f);
#endif
