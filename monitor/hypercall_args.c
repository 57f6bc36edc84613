/* The hypercalls answered from the caller alone (see hypercall_args.h). */
#include "monitor/hypercall_args.h"
#include "lib/record.h"
#include "lib/string.h"

static long hc_log(struct hc_caller *c, uint64_t gpa, uint64_t len)
{
	char line[HC_LOG_MAX + 1];
	struct record r;
	if (len > HC_LOG_MAX)
		return HC_EINVAL;
	if (!gpa_range_inside(c->size, gpa, len))
		return HC_EFAULT;
	if (*c->log_lines >= HC_LOG_LINES)
		return HC_ELIMIT;
	(*c->log_lines)++;
	memcpy(line, c->ram + gpa, len);
	line[len] = 0;
	rec_begin(&r, "sandbox_log");
	rec_u64(&r, "sandbox", c->id);
	rec_str(&r, "text", line);
	rec_end(&r);
	return (long)len;
}

static long hc_exit_counts(struct hc_caller *c, uint64_t gpa)
{
	struct hc_exit_counts out;
	unsigned w, x;
	if (!gpa_range_inside(c->size, gpa, sizeof out))
		return HC_EFAULT;
	for (w = 0; w < EXIT_NWINDOWS; w++)
		for (x = 0; x < EXIT_NREASONS; x++)
			out.count[w][x] = c->exits[w * EXIT_NREASONS + x];
	/* One copy: the guest's buffer need not be aligned. */
	memcpy(c->ram + gpa, &out, sizeof out);
	return 0;
}

bool hc_answer(struct hc_caller *c, uint64_t nr, uint64_t a0, uint64_t a1, long *ret)
{
	switch (nr) {
	case HC_VERSION:
		*ret = HC_ABI_VERSION;
		return true;
	case HC_LOG:
		*ret = hc_log(c, a0, a1);
		return true;
	case HC_EXIT_COUNTS:
		*ret = hc_exit_counts(c, a0);
		return true;
	case HC_END_RUN:
	case HC_PROBE_BEGIN:
	case HC_PROBE_END:
	case HC_DMA_FAULTS:
		return false;
	default:
		*ret = HC_ENOSYS;
		return true;
	}
}
