/* End of a sandbox, and of the run when the last sandbox is done. */
#include "monitor/run.h"
#include "monitor/checksum.h"
#include "monitor/log.h"
#include "monitor/spinlock.h"
#include "monitor/nmi.h"
#include "lib/lapic.h"

#define ICR_INIT_ASSERT 0x4500u     /* INIT, level assert, physical destination */

static const char *const reason_name[] = {
#define EXIT_NAME(id, name) name,
	EXIT_REASONS(EXIT_NAME)
#undef EXIT_NAME
};

static const char *const window_name[] = {
#define WINDOW_NAME(id, name) name,
	EXIT_WINDOWS(WINDOW_NAME)
#undef WINDOW_NAME
};

const char *exit_reason_name(enum exit_reason reason)
{
	return reason < EXIT_NREASONS ? reason_name[reason] : "unknown";
}

static struct spinlock lock;
static unsigned finished;

static void report_exits(const struct sandbox *sb)
{
	unsigned w, x;
	for (w = 0; w < EXIT_NWINDOWS; w++) {
		struct record r;
		uint64_t total = 0;
		for (x = 0; x < EXIT_NREASONS; x++)
			total += sb->exits[w][x];
		rec_begin(&r, "vm_exits");
		rec_u64(&r, "sandbox", sb->id);
		rec_str(&r, "window", window_name[w]);
		rec_u64(&r, "count", total);
		rec_obj_begin(&r, "by_reason");
		for (x = 0; x < EXIT_NREASONS; x++)
			if (sb->exits[w][x])
				rec_u64(&r, reason_name[x], sb->exits[w][x]);
		rec_obj_end(&r);
		rec_end(&r);
	}
}

/* Is the sandbox's kernel code as loaded? A change means something outside
 * the kernel wrote it (the kernel never does): a DMA or another core. */
static bool report_integrity(const struct sandbox *sb)
{
	struct record r;
	bool same = mem_checksum(sandbox_ptr(sb, SANDBOX_CODE_GPA), SANDBOX_CODE_LEN) == sb->code_sum;
	rec_begin(&r, "integrity");
	rec_u64(&r, "sandbox", sb->id);
	rec_str(&r, "region", "kernel_code");
	rec_bool(&r, "unchanged", same);
	rec_end(&r);
	return same;
}

/* Record sb's end and count it, once; true when it was the last. */
static bool mark_end(struct sandbox *sb, enum sandbox_state how, unsigned status,
		     const char *reason)
{
	struct record r;
	unsigned done;

	spin_lock(&lock);
	if (sb->state == SB_ENDED || sb->state == SB_STOPPED) {
		spin_unlock(&lock);     /* stopped from another core already */
		return false;
	}
	rec_begin(&r, "sandbox_end");
	rec_u64(&r, "sandbox", sb->id);
	rec_str(&r, "how", how == SB_ENDED ? "ended" : "stopped");
	rec_str(&r, "reason", reason);
	rec_u64(&r, "status", status);
	rec_end(&r);
	sb->end_status = status;
	sb->state = how;
	done = ++finished;
	spin_unlock(&lock);
	return done == nsandboxes;
}

static __attribute__((noreturn)) void end_of_run(void)
{
	unsigned i, run_status = monitor_integrity_report() ? STATUS_OK : STATUS_SANDBOX;

	for (i = 0; i < nsandboxes; i++) {
		report_exits(&sandboxes[i]);
		if (!report_integrity(&sandboxes[i]) || sandboxes[i].state != SB_ENDED ||
		    sandboxes[i].end_status != RUN_OK)
			run_status = STATUS_SANDBOX;
	}
	nmi_report();
	monitor_end_run(run_status);
}

void sandbox_finish(struct sandbox *sb, enum sandbox_state how, unsigned status,
		    const char *reason)
{
	if (!mark_end(sb, how, status, reason))
		core_park();
	end_of_run();
}

void sandbox_stop(struct sandbox *sb, const char *reason)
{
	if (mark_end(sb, SB_STOPPED, RUN_FAILED, reason))
		end_of_run();
	/* Out of guest mode: INIT exits on both backends, and its core then parks. */
	lapic_send(sb->cfg->core, ICR_INIT_ASSERT);
}
