/* Fault containment for driver code (see contain.h). */
#include <stddef.h>
#include "kernel/contain.h"
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
	if (contain_active)
		contain_active->armed = true;
}

void contain_disarm(void)
{
	if (contain_active)
		contain_active->armed = false;
}

bool contain_trap(struct trap_frame *f)
{
	struct contain *c = contain_active;

	bool nmi = f->vector == VEC_NMI;

	if (!c || !c->armed || (nmi && !(c->nmi_request && *c->nmi_request)))
		return false;
	if (nmi)
		*c->nmi_request = 0;
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
