/* Rate-monotonic VCPU scheduling, Quest's default: the shorter the period
 * the higher the priority; an I/O VCPU runs at the priority of the period it
 * inherited from the Main VCPU that caused its I/O.
 *
 * Admission.  Each Main VCPU (sporadic server, sporadic.c) is no worse for
 * lower-priority VCPUs than a periodic task (C, T) (Sprunt, Sha, Lehoczky,
 * "Aperiodic task scheduling for hard real-time systems", Real-Time Systems
 * 1(1), 1989); utilization C/T.
 *
 * A PIBS I/O VCPU with utilization U and inherited period T (pibs.c): its
 * activations s_0 < s_1 < ... satisfy s_{i+1} >= s_i + u_i/U, each consumes
 * u_i <= U*T.  In a window of length T, if its last activation starts x
 * after the first, the earlier ones consumed at most U*x and the last at
 * most min(U*T, T - x); the maximum over x, at x = T(1-U), is
 *     U*T(1-U) + U*T = (2 - U)*U*T,
 * and for a window of length t = mT + y the same argument gives at most
 * U*t + U(1-U)T, below what a periodic task ((2-U)U*T, T) can execute.  So
 * an I/O VCPU counts as a periodic task of utilization (2 - U)U; this is the
 * I/O term of the bound recalled for Quest (Danish, Li, West, RTAS 2011):
 *     sum C_i/T_i + sum (2 - U_j)U_j <= n(2^{1/n} - 1).
 * (Assumption, as in that analysis: an I/O VCPU's inherited period does not
 * change within a busy period of the VCPUs it interferes with.)
 *
 * Instead of the Liu & Layland bound we apply the hyperbolic bound of Bini,
 * Buttazzo and Buttazzo ("Rate monotonic analysis: the hyperbolic bound",
 * IEEE Trans. Computers 52(7), 2003) to the same per-VCPU utilizations:
 *     prod_i (1 + U_i) <= 2.
 * It rests on the same periodic-task model, accepts every set Liu & Layland
 * accepts and more, and is a comparison of rationals: cross-multiplied into
 * big integers it is exact at the boundary (a set with product exactly 2 is
 * admitted, one cycle more of budget is not).  With U = u/10^6:
 *     prod (T_i + C_i) * prod (10^12 + (2*10^6 - u_j) u_j)
 *         <= 2 * prod T_i * (10^12)^{n_io}. */
#include <stddef.h>

#include "sched/core.h"

/* Multiply the inequality's sides by v's factors. */
static uint64_t rm_key(const struct vcpu *v)
{
	return v->kind == VCPU_BE ? sched_be_key(v) : v->period;
}

static struct vcpu *rm_pick_next(struct sched_core *c, uint64_t now)
{
	(void)now;
	return sched_pick_min(c, rm_key);
}

const struct sched_policy sched_policy_rm = {
	.name = "rm",
	.admit = sched_admit_rm,
	.pick_next = rm_pick_next,
};
