/* Task sets: the VCPUs and threads of one core, as the host simulator reads
 * them from files and the system config declares them per sandbox.  One item per line, '#' starts a
 * comment, times in microseconds:
 *     vcpu NAME main C T
 *     vcpu NAME io U                      (0 < U <= 1, up to 6 decimals)
 *     vcpu NAME be                        (best effort: no reservation)
 *     thread NAME VCPU periodic C T       (hard periodic job, deadline = T)
 *     thread NAME VCPU io-burst C MEAN_GAP   (VCPU must be an I/O VCPU)
 *     thread NAME VCPU busy               (never blocks)
 *     policy NAME KEY=VALUE ...           (parameters of policy NAME, see
 *                                          params.c; one line per policy)
 * A thread's VCPU must be declared on an earlier line. Periodic and busy
 * threads may end with work=KIND:PCT[:PASSES]: instead of spinning they
 * run a memory workload over PCT percent of the LLC (1..1000), KIND one of
 * reuse (walks a working set it keeps reusing), stream (the same walk, sized
 * to miss), compute (tiled matrix multiply: cache-friendly). A periodic
 * job then is PASSES passes (default 1) and ends when they are done,
 * whatever C says (C stays the cost the job is budgeted for); a busy thread
 * repeats passes forever. */
#ifndef SCHED_TASKSET_H
#define SCHED_TASKSET_H

#include <stddef.h>
#include <stdint.h>

#include "sched/params.h"
#include "sched/vcpu.h"

#define TS_MAX_VCPUS 64
#define TS_MAX_THREADS 256
#define TS_NAME_MAX 32
#define TS_MAX_US 1000000000000ull /* 10^12 us: keeps cycle products in range */

#define TS_MAX_PARAMS 16

enum ts_thread_kind { TS_PERIODIC, TS_IO_BURST, TS_BUSY };
enum ts_work { TS_WORK_SPIN, TS_WORK_REUSE, TS_WORK_STREAM, TS_WORK_COMPUTE };

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
	enum ts_work work;    /* what it runs (TS_WORK_SPIN: nothing but time) */
	uint32_t ws_pct;      /* working set, percent of the LLC */
	uint32_t passes;      /* per periodic job */
};

/* One KEY=VALUE of a policy line, checked against params.c. */
struct ts_param {
	unsigned policy;                      /* sched_param_policy() index */
	const struct sched_param_spec *spec;
	uint64_t value;                       /* in the written unit (MILLI: x1000) */
};

struct taskset {
	unsigned nvcpus, nthreads, nparams;
	struct ts_vcpu vcpu[TS_MAX_VCPUS];
	struct ts_thread thread[TS_MAX_THREADS];
	struct ts_param param[TS_MAX_PARAMS];
};

/* Parse the NUL-terminated `text` into *ts.  Returns 0, or -1 with a message
 * naming the offending line ("line N: ...") in err (errlen bytes); *ts is
 * then unspecified. */
int taskset_parse(const char *text, struct taskset *ts, char *err, size_t errlen);

#endif
