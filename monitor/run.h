/* Running sandboxes: the per-core exit loop and the end of the run. */
#ifndef QUESTV_RUN_H
#define QUESTV_RUN_H
#include "monitor/sandbox.h"

extern const struct virt_ops *virt;

/* Enter the sandbox assigned to core index and serve its exits; never returns. */
__attribute__((noreturn)) void run_core(unsigned core_index);

/* Mark sb ended (HC_END_RUN) or stopped (fault); the last one ends the run. */
__attribute__((noreturn)) void sandbox_finish(struct sandbox *sb, enum sandbox_state how,
					      unsigned status, const char *reason);

/* Stop sb from another core (it missed a deadline): it counts as failed,
 * its core is kicked out of guest mode and parks. */
void sandbox_stop(struct sandbox *sb, const char *reason);

/* "nested_fault", "hypercall", ...: names used in records. */
const char *exit_reason_name(enum exit_reason reason);

/* Serve one hypercall; sets the guest's RAX. Defined in hypercall.c. */
void hypercall(struct sandbox *sb);
#endif
