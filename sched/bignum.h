/* Exact unsigned big integers for admission tests.  Utilization bounds are
 * compared as products/sums of rationals C/T with T in cycles; doing that in
 * fixed point would make "exactly at the bound" undecidable, so admission
 * cross-multiplies into big integers instead.  Caller-provided storage only. */
#ifndef SCHED_BIGNUM_H
#define SCHED_BIGNUM_H

#include <stdint.h>

/* Largest VCPU set an admission test can evaluate: each factor adds at most
 * 65 bits, so 2 limbs per VCPU plus headroom for the constant factor 2. */
#define SCHED_ADMIT_MAX 64
#define SCHED_BIG_LIMBS (2 * SCHED_ADMIT_MAX + 4)

struct sched_big {
	uint32_t len;                     /* limbs in use; 0 means the value 0 */
	uint32_t limb[SCHED_BIG_LIMBS];   /* little-endian base 2^32 */
};

/* Set b to v. */
void sched_big_set(struct sched_big *b, uint64_t v);

/* b *= k.  Returns 0, or -1 (b unspecified) if the result needs more than
 * SCHED_BIG_LIMBS limbs. */
int sched_big_mul(struct sched_big *b, uint64_t k);

/* a += b.  Returns 0, or -1 on capacity overflow. */
int sched_big_add(struct sched_big *a, const struct sched_big *b);

/* Three-way compare: <0, 0, >0 as a is less than, equal to, greater than b. */
int sched_big_cmp(const struct sched_big *a, const struct sched_big *b);

#endif
