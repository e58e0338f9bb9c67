/* The 16550 UART on COM1: the hypervisor's console. */
#ifndef FALLOW_ARCH_UART_H
#define FALLOW_ARCH_UART_H

#include <stddef.h>

void uart_init(void);
/* Writes bytes as they are, except "\n" which becomes "\r\n". */
void uart_write(const char *s, size_t len);

/* One received byte, or -1 when none is waiting. Polled and never
 * blocking: the hypervisor runs with interrupts off. */
int uart_getc(void);

#endif
