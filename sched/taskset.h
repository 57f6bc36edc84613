/* Task sets: the VCPUs and threads of one core, as the host simulator reads
 * them from files and the system config declares them per sandbox.  One item per line, '#' starts a
 * comment, times in microseconds:
 *     vcpu NAME main C T
 *     vcpu NAME io U                      (0 < U <= 1, up to 6 decimals)
 *     vcpu NAME be                        (best effort: no reservation)
 *     thread NAME VCPU periodic C T       (hard periodic job, deadline = T)
 *     thread NAME VCPU io-burst C MEAN_GAP   (VCPU must be an I/O VCPU)
 *     thread NAME VCPU busy               (never blocks)
 * A thread's VCPU must be declared on an earlier line. */
#ifndef SCHED_TASKSET_H
#define SCHED_TASKSET_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

#define TS_MAX_VCPUS 64
#define TS_MAX_THREADS 256
#define TS_NAME_MAX 32
#define TS_MAX_US 1000000000000ull /* 10^12 us: keeps cycle products in range */

enum ts_thread_kind { TS_PERIODIC, TS_IO_BURST, TS_BUSY };

struct ts_vcpu {
	char name[TS_NAME_MAX];
	enum vcpu_kind kind;
	uint64_t c_us, t_us;  /* Main */
	uint32_t u_ppm;       /* I/O */
};

struct ts_thread {
	char name[TS_NAME_MAX];
	unsigned vcpu;        /* index into taskset.vcpu */
	enum ts_thread_kind kind;
	uint64_t c_us;        /* job cost or burst cost */
	uint64_t t_us;        /* period or mean gap */
};

struct taskset {
	unsigned nvcpus, nthreads;
	struct ts_vcpu vcpu[TS_MAX_VCPUS];
	struct ts_thread thread[TS_MAX_THREADS];
};

/* Parse the NUL-terminated `text` into *ts.  Returns 0, or -1 with a message
 * naming the offending line ("line N: ...") in err (errlen bytes); *ts is
 * then unspecified. */
int taskset_parse(const char *text, struct taskset *ts, char *err, size_t errlen);

#endif
