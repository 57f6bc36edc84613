/* The rate-monotonic admission test (derivation in policy_rm.c's header):
 * the hyperbolic bound prod(1 + U_i) <= 2 with U = C/T for Main VCPUs and
 * (2 - U)U for I/O VCPUs, in exact big-integer arithmetic. Shared by every
 * policy that schedules reservations rate-monotonically (rm, memguard). */
#include "sched/bignum.h"
#include "sched/core.h"

#define PPM2 1000000000000ull /* 10^12 = (10^6)^2 */

static int factor(struct sched_big *lhs, struct sched_big *rhs, const struct vcpu *v)
{
	if (v->kind == VCPU_BE)
		return 0;           /* no reservation: a factor of 1 */
	if (v->kind == VCPU_MAIN)
		return sched_big_mul(lhs, v->period + v->s.main.capacity) |
		       sched_big_mul(rhs, v->period);
	uint64_t u = v->s.io.u_ppm;
	return sched_big_mul(lhs, PPM2 + (2 * SCHED_PPM - u) * u) | sched_big_mul(rhs, PPM2);
}

int sched_admit_rm(const struct sched_core *c, const struct vcpu *cand,
		   struct sched_verdict *why)
{
	struct sched_big lhs, rhs;
	int err = 0;

	if (cand->kind == VCPU_BE)
		return 0;
	if (c->count + 1 > SCHED_ADMIT_MAX) {
		why->reason = "rm: too many VCPUs for the exact admission test";
		return -1;
	}
	sched_big_set(&lhs, 1);
	sched_big_set(&rhs, 2);
	for (unsigned i = 0; i < c->count; i++)
		err |= factor(&lhs, &rhs, c->slot[i]);
	err |= factor(&lhs, &rhs, cand);
	if (err) {
		why->reason = "rm: admission arithmetic overflow";
		return -1;
	}
	if (sched_big_cmp(&lhs, &rhs) > 0) {
		why->reason = "rm: hyperbolic bound exceeded: prod(1+U_i) > 2 "
			      "(Main U=C/T, I/O U'=(2-U)U)";
		return -1;
	}
	return 0;
}
