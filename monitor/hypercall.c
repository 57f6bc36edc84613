/*
 * Hypercall dispatch (ABI in include/questv/hypercall.h). The calls that
 * touch only the caller's RAM are checked and served by hypercall_args.c
 * (every pointer a guest-physical address checked against the caller's RAM,
 * so no argument makes the monitor read or write outside that sandbox);
 * the ones that change the run's state are served here.
 */
#include "monitor/hypercall_args.h"
#include "monitor/iommu.h"
#include "monitor/run.h"
#include "monitor/probe.h"

void hypercall(struct sandbox *sb)
{
	struct guest_regs *r = &sb->vcpu.regs;
	struct hc_caller c = { .id = sb->id, .ram = sandbox_ptr(sb, 0), .size = sb->size,
			       .log_lines = &sb->log_lines, .exits = &sb->exits[0][0] };
	long ret;

	if (!hc_answer(&c, r->rax, r->rdi, r->rsi, &ret)) {
		switch (r->rax) {
		case HC_END_RUN:
			sandbox_finish(sb, SB_ENDED, (unsigned)r->rdi, "end_run");
		case HC_PROBE_BEGIN:
			ret = probe_begin(sb);
			break;
		case HC_PROBE_END:
			ret = probe_end(sb);
			break;
		default:        /* HC_DMA_FAULTS, the last one hc_answer leaves */
			ret = iommu_take_faults(sb->id);
		}
	}
	r->rax = (uint64_t)ret;
}
