/*
 * Policy parameters as the task set declares them:
 *
 *     policy NAME KEY=VALUE ...
 *
 * This table is the one list of what each policy accepts, with units and
 * ranges. The monitor links it (through taskset.c) without linking any
 * policy, so it refuses a bad value at config time; the kernel converts
 * the values to the units the policy's set_param() takes and hands over
 * those for the policy linked into its image (lines naming another policy
 * are checked and otherwise ignored, so one config serves every image).
 */
#ifndef SCHED_PARAMS_H
#define SCHED_PARAMS_H

#include <stdint.h>

enum sched_param_unit {
	SCHED_UNIT_COUNT,  /* a plain integer */
	SCHED_UNIT_US,     /* microseconds; set_param() takes TSC cycles */
	SCHED_UNIT_MILLI,  /* a decimal with up to 3 decimals; set_param() takes x1000 */
};

struct sched_param_spec {
	const char *policy;   /* its policy, or 0: every policy */
	const char *key;      /* as written in the task set */
	const char *param;    /* the name sched_core_set_param() takes */
	enum sched_param_unit unit;
	uint64_t min, max;    /* inclusive, in the written unit (MILLI: x1000) */
	uint64_t dflt;        /* applied when the task set does not say (0: none) */
	const char *help;     /* what a valid value is, for error messages */
};

/* Index of policy `name` among the policies this tree has, or -1. */
int sched_param_policy(const char *name);

/* Name of policy index i (from sched_param_policy), or 0 past the last. */
const char *sched_param_policy_name(unsigned i);

/* The spec of `key` for policy index `policy`, or 0 if it has no such key. */
const struct sched_param_spec *sched_param_find(unsigned policy, const char *key);

/* The i-th spec of the table (i = 0, 1, ...), or 0 past the last. */
const struct sched_param_spec *sched_param_at(unsigned i);

/* Does spec s apply to policy `name`? */
int sched_param_applies(const struct sched_param_spec *s, const char *name);

/* Parse `text` as a value of spec s into *out (MILLI: x1000). 0, or -1 if
 * it is malformed or outside [min, max]. */
int sched_param_value(const struct sched_param_spec *s, const char *text, uint64_t *out);

#endif
