/* Test-and-set spinlock; the monitor runs with interrupts off throughout. */
#ifndef QUESTV_SPINLOCK_H
#define QUESTV_SPINLOCK_H

struct spinlock { volatile int held; };

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
		while (l->held)
			__asm__ volatile("pause");
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}
#endif
