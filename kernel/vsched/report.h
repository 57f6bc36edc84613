/*
 * VCPU scheduling in a sandbox, report: after a run, one {"ev":"vcpu",...}
 * record per admitted VCPU, one {"ev":"thread",...} per thread and one
 * {"ev":"sched_run",...}; with the kernel arg "trace", the trace.
 */
#ifndef QUESTV_VSCHED_REPORT_H
#define QUESTV_VSCHED_REPORT_H
#include <stdint.h>

/* Record the run that lasted elapsed TSC cycles. */
void vsched_report(uint64_t elapsed);
#endif
