/* PIT channel 0 as a masked periodic tick (see pit_tick.h; Intel 8254). */
#include "monitor/pit_tick.h"
#include "lib/x86.h"

#define PIT_CH0       0x40
#define PIT_CMD       0x43
#define CH0_RATE_GEN  0x34      /* channel 0, lobyte/hibyte, mode 2 */
#define DIVISOR_8KHZ  149       /* 1193182 / 149 = 8008 Hz */

void pit_tick_start(void)
{
	outb(PIT_CMD, CH0_RATE_GEN);
	outb(PIT_CH0, DIVISOR_8KHZ & 0xFF);
	outb(PIT_CH0, DIVISOR_8KHZ >> 8);
}
