/*
 * Hypercall dispatch (ABI in include/questv/hypercall.h). Every pointer is
 * a guest-physical address checked against the caller's RAM before use, so
 * no argument can make the monitor read or write outside that sandbox.
 */
#include "monitor/run.h"
#include "monitor/probe.h"
#include "monitor/log.h"
#include "lib/string.h"

static long hc_log(struct sandbox *sb, uint64_t gpa, uint64_t len)
{
	char line[HC_LOG_MAX + 1];
	struct record r;
	if (len > HC_LOG_MAX)
		return HC_EINVAL;
	if (!sandbox_owns(sb, gpa, len))
		return HC_EFAULT;
	if (sb->log_lines >= HC_LOG_LINES)
		return HC_ELIMIT;
	sb->log_lines++;
	memcpy(line, sandbox_ptr(sb, gpa), len);
	line[len] = 0;
	rec_begin(&r, "sandbox_log");
	rec_u64(&r, "sandbox", sb->id);
	rec_str(&r, "text", line);
	rec_end(&r);
	return (long)len;
}

static long hc_exit_counts(struct sandbox *sb, uint64_t gpa)
{
	struct hc_exit_counts *out;
	unsigned w, x;
	if (!sandbox_owns(sb, gpa, sizeof *out))
		return HC_EFAULT;
	out = sandbox_ptr(sb, gpa);
	for (w = 0; w < EXIT_NWINDOWS; w++)
		for (x = 0; x < EXIT_NREASONS; x++)
			out->count[w][x] = sb->exits[w][x];
	return 0;
}

void hypercall(struct sandbox *sb)
{
	struct guest_regs *r = &sb->vcpu.regs;
	long ret;

	switch (r->rax) {
	case HC_VERSION:
		ret = HC_ABI_VERSION;
		break;
	case HC_LOG:
		ret = hc_log(sb, r->rdi, r->rsi);
		break;
	case HC_EXIT_COUNTS:
		ret = hc_exit_counts(sb, r->rdi);
		break;
	case HC_END_RUN:
		sandbox_finish(sb, SB_ENDED, (unsigned)r->rdi, "end_run");
	case HC_PROBE_BEGIN:
		ret = probe_begin(sb);
		break;
	case HC_PROBE_END:
		ret = probe_end(sb);
		break;
	default:
		ret = HC_ENOSYS;
	}
	r->rax = (uint64_t)ret;
}
