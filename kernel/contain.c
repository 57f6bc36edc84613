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

/* Answer a watchdog's probe; true when it confirms a hang (contain.h). */
static bool probe_confirms(struct contain *c, const struct trap_frame *f)
{
	bool confirms = false;
	uint64_t entry = rdtsc();
	bool irq = irq_in_service();

	c->probe->where = irq ? CONTAIN_AT_IRQ : c->armed ? CONTAIN_AT_ARMED : CONTAIN_AT_UNARMED;
	if (!c->armed || irq) {
		c->suspect_probes = 0;
	} else {
		if (c->suspect != c->arm_seq || !c->suspect_probes) {
			c->suspect = c->arm_seq;
			c->suspect_probes = 0;
			c->suspect_if_on = false;
			c->suspect_first = c->probe->seq;
			c->suspect_tsc = entry;
			c->suspect_min_gap = UINT64_MAX;
		} else if (entry - c->answered_tsc < c->suspect_min_gap) {
			c->suspect_min_gap = entry - c->answered_tsc;
		}
		c->suspect_last = c->probe->seq;
		c->suspect_probes++;
		c->suspect_if_on |= (f->rflags & RFLAGS_IF) != 0;
		confirms = c->suspect_probes >= (c->suspect_if_on ? CONTAIN_PROBES_IF_ON
								  : CONTAIN_PROBES_IF_OFF);
	}
	c->probe->found = c->suspect_probes;
	__atomic_store_n(&c->probe->ack, c->probe->seq, __ATOMIC_RELEASE);
	if (confirms)
		c->suspect_probes = 0;
	else if (c->suspect_probes)
		lapic_send_from_nmi(c->wake_apic, c->wake_vector);
	c->answered_tsc = rdtsc();
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
