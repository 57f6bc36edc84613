/*
 * Thread creation. A thread starts life as a trap frame on its own stack,
 * as if it had been interrupted at the first instruction of its body: the
 * scheduler "returns" into it like into any preempted thread.
 */
#include "kernel/vsched/thread.h"
#include "lib/string.h"

static uint8_t stacks[MAX_THREADS][THREAD_STACK] __attribute__((aligned(16)));

void thread_create(struct thread *t, unsigned index, void (*body)(struct thread *))
{
	uint8_t *top = stacks[index] + THREAD_STACK;
	struct trap_frame *f = (struct trap_frame *)(top - 64) - 1;

	memset(f, 0, sizeof *f);
	f->rip = (uint64_t)body;
	f->rdi = (uint64_t)t;
	f->cs = 0x08;
	f->ss = 0x10;
	f->rflags = 0x202;          /* IF: threads are preemptible */
	f->rsp = (uint64_t)(top - 8); /* as after a call: rsp + 8 is 16-aligned */
	t->frame = f;
}
