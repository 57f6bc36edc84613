/* 16550 UART, polled: the sandbox's console for records. */
#ifndef QUESTV_UART_H
#define QUESTV_UART_H
#include <stddef.h>
#include <stdint.h>
void uart_init(uint16_t base);
void uart_write(const char *s, size_t len);
/* Wait until the last byte has left the transmitter (before ending a run). */
void uart_drain(void);
#endif
