/* Earliest-deadline-first VCPU scheduling.  A VCPU's deadline is the end of
 * its open activation: act + T for a Main VCPU (sporadic server), act + the
 * inherited T for an I/O VCPU (PIBS).
 *
 * Admission: sum C_i/T_i + sum U_j <= 1, exact.  Why this is exact for these
 * servers (Liu & Layland 1973 for implicit-deadline tasks under EDF; here by
 * the demand bound function): activations of a sporadic server stamped in any
 * window of length T repay at most C (sporadic.c), so the work with release
 * and deadline inside [0, t] is <= floor(t/T) C <= (C/T) t.  A PIBS server's
 * activations satisfy s_{i+1} >= s_i + u_i/U and u_i <= U T, so the work of
 * activations with s_i + T <= t is <= U (s_k) + U T <= U t.  Total demand
 * <= t whenever the sum is <= 1.  Compared as rationals in big integers, so
 * a set at exactly 1 is admitted and one cycle more is not. */
#include <stddef.h>

#include "sched/bignum.h"
#include "sched/core.h"

/* num/den += n/d, keeping num/den unreduced. */
static int add_ratio(struct sched_big *num, struct sched_big *den, uint64_t n, uint64_t d)
{
	struct sched_big t = *den;

	return sched_big_mul(num, d) | sched_big_mul(&t, n) | sched_big_add(num, &t) |
	       sched_big_mul(den, d);
}

static int edf_admit(const struct sched_core *c, const struct vcpu *cand,
		     struct sched_verdict *why)
{
	struct sched_big num, den;
	uint64_t io_ppm = 0;
	int err = 0;

	if (cand->kind == VCPU_BE)
		return 0;           /* no reservation to test */
	if (c->count + 1 > SCHED_ADMIT_MAX) {
		why->reason = "edf: too many VCPUs for the exact admission test";
		return -1;
	}
	sched_big_set(&num, 0);
	sched_big_set(&den, 1);
	for (unsigned i = 0; i <= c->count; i++) {
		const struct vcpu *v = i < c->count ? c->slot[i] : cand;

		if (v->kind == VCPU_BE)
			continue;
		if (v->kind == VCPU_IO)
			io_ppm += v->s.io.u_ppm;
		else
			err |= add_ratio(&num, &den, v->s.main.capacity, v->period);
	}
	err |= add_ratio(&num, &den, io_ppm, SCHED_PPM);
	if (err) {
		why->reason = "edf: admission arithmetic overflow";
		return -1;
	}
	if (sched_big_cmp(&num, &den) > 0) {
		why->reason = "edf: total utilization exceeds 1";
		return -1;
	}
	return 0;
}

static uint64_t edf_key(const struct vcpu *v)
{
	return v->kind == VCPU_BE ? sched_be_key(v) : vcpu_deadline(v);
}

static struct vcpu *edf_pick_next(struct sched_core *c, uint64_t now)
{
	(void)now;
	return sched_pick_min(c, edf_key);
}

const struct sched_policy sched_policy_edf = {
	.name = "edf",
	.admit = edf_admit,
	.pick_next = edf_pick_next,
};
