/* Fault containment for driver code (see contain.h). */
#include <stddef.h>
#include "kernel/contain.h"
#include "lib/lapic.h"
#include "lib/x86.h"

#define VEC_NMI   2
#define RFLAGS_IF (1u << 9)

_Static_assert(offsetof(struct contain, rip) == 56 && offsetof(struct contain, armed) == 64,
	       "contain_enter.S stores at these offsets");

struct contain *volatile contain_active;

void contain_leave(void)
{
	contain_active = 0;
}

void contain_arm(void)
{
	if (contain_active) {
		contain_active->arm_seq++;
		contain_active->armed = true;
	}
}

void contain_disarm(void)
{
	if (contain_active)
		contain_active->armed = false;
}

/* Is an interrupt handler running (in service, not yet EOI'd)? Then the
 * probe stopped that handler, not the driver code it interrupted: one that
 * waits on the emulator (an MMIO access) with interrupts off is no hang. */
static bool irq_in_service(void)
{
	for (unsigned n = 1; n < 8; n++)
		if (lapic_read(LAPIC_ISR(n)))
			return true;
	return false;
}

void contain_probe_init(struct contain *c, struct contain_probe *p, uint64_t min_run_tsc)
{
	c->probe = p;
	watchdog_judge_init(&c->judge, CONTAIN_PROBES_IF_OFF, CONTAIN_PROBES_IF_ON, min_run_tsc);
}

/* Answer a watchdog's probe; true when it confirms a hang (contain.h). */
static bool probe_confirms(struct contain *c, const struct trap_frame *f)
{
	bool irq = irq_in_service();
	bool confirms;

	c->probe->where = irq ? CONTAIN_AT_IRQ : c->armed ? CONTAIN_AT_ARMED : CONTAIN_AT_UNARMED;
	/* arm_seq is 1 or more once armed: 0 is "no suspect spot". */
	confirms = watchdog_judge(&c->judge, c->probe->seq, c->armed && !irq ? c->arm_seq : 0,
				  (f->rflags & RFLAGS_IF) != 0, rdtsc());
	c->probe->found = c->judge.found;
	__atomic_store_n(&c->probe->ack, c->probe->seq, __ATOMIC_RELEASE);
	if (!confirms && c->judge.found)
		lapic_send_from_nmi(c->wake_apic, c->wake_vector);
	watchdog_answered(&c->judge, rdtsc());
	return confirms;
}

bool contain_trap(struct trap_frame *f)
{
	struct contain *c = contain_active;

	if (!c)
		return false;
	if (f->vector == VEC_NMI ? !c->probe || !probe_confirms(c, f) : !c->armed)
		return false;
	c->armed = false;
	c->vector = (unsigned)f->vector;
	c->fault_rip = f->rip;
	c->fault_tsc = rdtsc();
	f->rbx = c->rbx;
	f->rbp = c->rbp;
	f->r12 = c->r12;
	f->r13 = c->r13;
	f->r14 = c->r14;
	f->r15 = c->r15;
	f->rsp = c->rsp;
	f->rip = c->rip;
	f->rax = 1;
	f->rflags |= RFLAGS_IF;   /* a hang spun with interrupts off */
	return true;
}
