#include "sched/cycles.h"

uint64_t sched_us_to_cycles(uint64_t us, uint32_t cycles_per_us)
{
	if (cycles_per_us != 0 && us > UINT64_MAX / cycles_per_us)
		return SCHED_NEVER;
	return us * cycles_per_us;
}

uint64_t sched_cycles_to_us(uint64_t cycles, uint32_t cycles_per_us)
{
	return cycles / cycles_per_us;
}

/* 64x64 -> 128 multiply from 32-bit halves (portable C, no __int128). */
static void mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

	*lo = (mid << 32) | (ll & 0xffffffffu);
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

uint64_t sched_muldiv(uint64_t a, uint64_t b, uint64_t c, int round_up)
{
	uint64_t hi, lo, q = 0, r = 0;
	int i;

	mul128(a, b, &hi, &lo);
	if (hi >= c)
		return UINT64_MAX; /* quotient does not fit in 64 bits */
	if (!hi) {
		/* The product fits in 64 bits (the common case): one native
		 * 64-bit division, no helper needed. */
		q = lo / c;
		r = lo % c;
	} else {
		/* Restoring long division (~1k instructions); the quotient fits
		 * in 64 bits, so only the low word's bits produce quotient bits
		 * once hi has been folded in. */
		r = hi;
		for (i = 63; i >= 0; i--) {
			uint64_t carry = r >> 63;

			r = (r << 1) | ((lo >> i) & 1);
			q <<= 1;
			if (carry || r >= c) {
				r -= c;
				q |= 1;
			}
		}
	}
	if (round_up && r != 0) {
		if (q == UINT64_MAX)
			return UINT64_MAX;
		q++;
	}
	return q;
}
