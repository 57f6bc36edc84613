/*
 * Fuzz target "taskset": the task-set parser (sched/taskset.c), which checks
 * every policy line's KEY=VALUE against the policy parameters
 * (sched/params.c). Input: the task-set text (NUL-terminated here, as the
 * kernel and the config parser hand it over).
 * Checked beyond the sanitizers: an error always has a NUL-terminated
 * message; a parsed set keeps its counts in bounds and every thread on a
 * VCPU that exists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sched/taskset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	static struct taskset ts;
	char err[160];
	memset(err, 0x5a, sizeof err);
	if (taskset_parse(text, &ts, err, sizeof err)) {
		if (!memchr(err, 0, sizeof err))
			abort();
	} else {
		if (ts.nvcpus > TS_MAX_VCPUS || ts.nthreads > TS_MAX_THREADS || ts.nparams > TS_MAX_PARAMS)
			abort();
		for (unsigned i = 0; i < ts.nthreads; i++)
			if (ts.thread[i].vcpu >= ts.nvcpus)
				abort();
	}
	free(text);
	return 0;
}
