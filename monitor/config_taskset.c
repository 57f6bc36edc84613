/*
 * A sandbox's VCPUs and threads in the system config, checked with the
 * scheduler's own task-set parser so that the monitor refuses a bad set
 * before anything boots and the kernel never meets one.
 */
#include "monitor/config.h"
#include "sched/taskset.h"

static struct taskset scratch;  /* 20 KiB: too big for a monitor stack */

int config_taskset_append(char *taskset, const char *kind, const char *value,
			  size_t vlen, char *msg, size_t msglen)
{
	size_t len = 0, klen = 0, i;
	char err[CFG_MSG_MAX + 16];
	const char *m;

	while (taskset[len])
		len++;
	while (kind[klen])
		klen++;
	if (len + klen + 1 + vlen + 2 > CFG_TASKSET_MAX) {
		m = "too many vcpu/thread lines for one sandbox";
		goto fail;
	}
	for (i = 0; i < klen; i++)
		taskset[len + i] = kind[i];
	taskset[len + klen] = ' ';
	for (i = 0; i < vlen; i++)
		taskset[len + klen + 1 + i] = value[i];
	taskset[len + klen + 1 + vlen] = '\n';
	taskset[len + klen + 2 + vlen] = '\0';
	if (taskset_parse(taskset, &scratch, err, sizeof err) == 0)
		return 0;
	taskset[len] = '\0';
	/* Everything before parsed, so the new line is at fault: drop the
	 * parser's "line N: " (N counts task-set lines, not config lines). */
	for (m = err; *m && *m != ':'; m++)
		;
	m = *m ? m + 2 : err;
fail:
	for (i = 0; i + 1 < msglen && m[i]; i++)
		msg[i] = m[i];
	msg[i] = '\0';
	return -1;
}
