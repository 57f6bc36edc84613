/* 16550 UART driver (polled, 115200 8N1). */
#include "kernel/uart.h"
#include "lib/x86.h"

#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static uint16_t port;

void uart_init(uint16_t base)
{
	port = base;
	if (!port)
		return;
	outb(port + IER, 0);
	outb(port + LCR, 0x80);    /* divisor latch */
	outb(port + 0, 1);         /* 115200 baud */
	outb(port + 1, 0);
	outb(port + LCR, 0x03);    /* 8N1 */
	outb(port + FCR, 0x07);    /* FIFO on, cleared */
	outb(port + MCR, 0x03);
}

void uart_write(const char *s, size_t len)
{
	if (!port)
		return;
	while (len--) {
		while (!(inb(port + LSR) & LSR_THRE))
			cpu_relax();
		outb(port + THR, (uint8_t)*s++);
	}
}

void uart_drain(void)
{
	if (port)
		while (!(inb(port + LSR) & LSR_TEMT))
			cpu_relax();
}
