#include "sched/bignum.h"

static void trim(struct sched_big *b)
{
	while (b->len > 0 && b->limb[b->len - 1] == 0)
		b->len--;
}

void sched_big_set(struct sched_big *b, uint64_t v)
{
	b->limb[0] = (uint32_t)v;
	b->limb[1] = (uint32_t)(v >> 32);
	b->len = 2;
	trim(b);
}

/* b *= k where k < 2^32; the carry never exceeds 32 bits. */
static int mul32(struct sched_big *b, uint32_t k)
{
	uint64_t carry = 0;
	uint32_t i;

	for (i = 0; i < b->len; i++) {
		uint64_t p = (uint64_t)b->limb[i] * k + carry;

		b->limb[i] = (uint32_t)p;
		carry = p >> 32;
	}
	if (carry) {
		if (b->len == SCHED_BIG_LIMBS)
			return -1;
		b->limb[b->len++] = (uint32_t)carry;
	}
	trim(b);
	return 0;
}

int sched_big_mul(struct sched_big *b, uint64_t k)
{
	struct sched_big hi = *b;

	/* b*k = b*lo(k) + (b*hi(k)) << 32 */
	if (mul32(b, (uint32_t)k) || mul32(&hi, (uint32_t)(k >> 32)))
		return -1;
	if (hi.len == 0)
		return 0;
	if (hi.len + 1 > SCHED_BIG_LIMBS)
		return -1;
	for (uint32_t i = hi.len; i > 0; i--)
		hi.limb[i] = hi.limb[i - 1];
	hi.limb[0] = 0;
	hi.len++;
	return sched_big_add(b, &hi);
}

int sched_big_add(struct sched_big *a, const struct sched_big *b)
{
	uint32_t n = a->len > b->len ? a->len : b->len;
	uint64_t carry = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t s = carry;

		s += i < a->len ? a->limb[i] : 0;
		s += i < b->len ? b->limb[i] : 0;
		a->limb[i] = (uint32_t)s;
		carry = s >> 32;
	}
	a->len = n;
	if (carry) {
		if (n == SCHED_BIG_LIMBS)
			return -1;
		a->limb[a->len++] = (uint32_t)carry;
	}
	return 0;
}

int sched_big_cmp(const struct sched_big *a, const struct sched_big *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	for (uint32_t i = a->len; i > 0; i--)
		if (a->limb[i - 1] != b->limb[i - 1])
			return a->limb[i - 1] < b->limb[i - 1] ? -1 : 1;
	return 0;
}
