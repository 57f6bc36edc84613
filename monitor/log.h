/* Monitor log: JSON-lines records on the debug console (port 0xE9). */
#ifndef QUESTV_LOG_H
#define QUESTV_LOG_H
#include "lib/record.h"

/* Route records to the debug console; one line at a time across cores. */
void log_init(void);

/* Record {"ev":"run_end","status":S} and end the run with that status. */
__attribute__((noreturn)) void monitor_end_run(unsigned status);

/* Record an error {"ev":ev,"msg":msg} and end the run with status. */
__attribute__((noreturn)) void monitor_fail(const char *ev, const char *msg, unsigned status);

/* Park this core for good. */
__attribute__((noreturn)) void core_park(void);
#endif
