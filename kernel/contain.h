/*
 * Containment of a fault in driver code (issue 8): the network loop sets a
 * point to return to (contain_enter, like setjmp); driver code marks where
 * it may be unwound (contain_arm / contain_disarm); a fault while armed -
 * an exception reflected by the monitor (a wild write's nested page fault
 * arrives as #GP), or a hang the watchdog's probes confirm - makes the
 * trap handler resume at contain_enter returning 1 with the cause,
 * instead of ending the sandbox's run.
 *
 * Only driver code that holds no other component's half-updated state may
 * be armed. The driver's send runs armed because it is never called from
 * inside lwIP: lwIP's output only queues frames, and the queue is flushed
 * from the network loop (kernel/net/netif_glue.h).
 *
 * Hangs: a watchdog on another core (lib/watchdog.h) sends an NMI probe
 * when this core's heartbeat stalls, numbered in a shared struct
 * contain_probe. Each probe is answered; the probe unwinds only when it
 * finds the same armed stretch of driver code (the same contain_arm), no
 * interrupt handler in service, as the previous CONTAIN_PROBES_IF_OFF - 1
 * probes, interrupts off at each (a spin with interrupts off: no healthy
 * driver code runs armed with them off), or as the previous
 * CONTAIN_PROBES_IF_ON - 1 otherwise.
 * The watchdog sends each probe only after the previous was answered and
 * a gap passed, so a vCPU the host did not run (it answers nothing) or
 * that waited once on the emulator (an MMIO access) is not taken for hung;
 * and a probe counts only when the driver ran a while since it answered
 * the last (lib/watchdog.h: watchdog_judge), so probes that queue behind
 * an answer given slowly do not count as more finds.
 */
#ifndef QUESTV_CONTAIN_H
#define QUESTV_CONTAIN_H
#include <stdbool.h>
#include <stdint.h>
#include "lib/trap.h"
#include "lib/watchdog.h"

#define CONTAIN_PROBES_IF_OFF 3
#define CONTAIN_PROBES_IF_ON  10

/* A watchdog's probes (shared memory: the watchdog writes seq, then sends
 * the NMI; the handler answers ack = seq, with found: the probes in a row
 * that found the same armed stretch, 0 if not armed, and where: what it
 * found, written before ack).
 * An answer with found > 0 also wakes the watchdog's core (wake_apic,
 * wake_vector of struct contain) so that it can probe again soon. */
enum contain_where { CONTAIN_AT_ARMED, CONTAIN_AT_UNARMED, CONTAIN_AT_IRQ };
struct contain_probe {
	volatile uint32_t seq, ack, found, where;
};

struct contain {
	/* The context contain_enter saved (offsets used by contain.S). */
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
	volatile bool armed;
	volatile uint64_t arm_seq;        /* contain_arm calls */
	/* The watchdog's probes, or 0: no NMI unwinds. */
	struct contain_probe *probe;
	uint32_t wake_apic, wake_vector;
	/* The probes' judgement (lib/watchdog.h), spots being arm_seq, the
	 * clock the TSC: contain_probe_init. */
	struct watchdog_judge judge;
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

/* Have c answer the watchdog's probes in p; a probe counts only once the
 * driver ran min_run_tsc since the last answer (lib/watchdog.h). */
void contain_probe_init(struct contain *c, struct contain_probe *p, uint64_t min_run_tsc);

/* Mark the start and end of unwindable driver code (no-ops without an
 * active containment). Not nested. */
void contain_arm(void);
void contain_disarm(void);

/* From trap(): a fault with vector f->vector. If the active containment is
 * armed, rewrite f to resume at its contain_enter (returning 1) and return
 * true; else false (the fault is the caller's to handle). An NMI is
 * answered as a probe and unwinds only as described above. */
bool contain_trap(struct trap_frame *f);
#endif
