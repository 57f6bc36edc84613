/* Monitor log and run termination. */
#include "monitor/log.h"
#include "monitor/spinlock.h"
#include "lib/x86.h"

#define DEBUGCON_PORT   0xE9
#define DEBUG_EXIT_PORT 0xF4    /* QEMU isa-debug-exit: exit code = 2*status+1 */
#define BOCHS_SHUTDOWN  0x8900  /* Bochs: "Shutdown" written here stops it */

static struct spinlock lock;

static void debugcon_write(const char *line, size_t len)
{
	spin_lock(&lock);
	while (len--)
		outb(DEBUGCON_PORT, (uint8_t)*line++);
	spin_unlock(&lock);
}

void log_init(void) { record_set_sink(debugcon_write); }

void core_park(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void monitor_end_run(unsigned status)
{
	static const char bochs[] = "Shutdown";
	struct record r;
	const char *p;

	rec_begin(&r, "run_end");
	rec_u64(&r, "status", status);
	rec_end(&r);
	outl(DEBUG_EXIT_PORT, status);
	for (p = bochs; *p; p++)
		outb(BOCHS_SHUTDOWN, (uint8_t)*p);
	core_park();
}

void monitor_fail(const char *ev, const char *msg, unsigned status)
{
	struct record r;
	rec_begin(&r, ev);
	rec_str(&r, "msg", msg);
	rec_end(&r);
	monitor_end_run(status);
}
