/*
 * In-guest experiment workloads, chosen by the kernel arg "exp=NAME" and
 * run after the isolation probe, inside the steady window (so the monitor
 * counts their exits as steady-state exits). Each lives in
 * kernel/exp/<name>.c, registers itself with EXPERIMENT(), reads its own
 * parameters from the args ("pages=64 order=random ...") and prints its
 * own records: adding one touches no other kernel file.
 */
#ifndef QUESTV_EXPERIMENT_H
#define QUESTV_EXPERIMENT_H
#include <stdbool.h>

struct experiment {
	const char *name;
	/* Run it; returns false when it failed (the run then ends failed). */
	bool (*run)(void);
};

/* Put experiment NAME (run by RUN) in the linker's table (section
 * .experiments, kernel/linker.ld). */
#define EXPERIMENT(name_, run_)                                                   \
	static const struct experiment experiment_##run_                           \
		__attribute__((used, section(".experiments"), aligned(8))) = { name_, run_ }

/* Record {"ev":"experiment_error","exp":exp,"msg":msg} (no "exp" when exp
 * is 0) for this sandbox; returns false, for `return experiment_error(...)`. */
bool experiment_error(const char *exp, const char *msg);

/* Run experiment name; false if it failed or no experiment has that name. */
bool experiment_run(const char *name);
#endif
