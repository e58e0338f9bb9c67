#include "arch/x86_64/uart.h"

#include "arch/x86_64/cpu.h"

#define COM1_BASE 0x3f8
/* 16550 registers, offsets from the base port. */
#define UART_DATA 0     /* THR/RBR; divisor low byte when DLAB is set */
#define UART_IER 1      /* interrupt enable; divisor high byte with DLAB */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07   /* FIFOs on, both cleared */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LSR_ABSENT 0xff

#define UART_CLOCK_DIV_115200 1 /* 1.8432 MHz / 16 / 115200 */
/* Polls of LSR before writing anyway: a missing or stuck UART must slow
 * the console down, not hang the hypervisor. */
#define UART_TX_SPINS 100000

void uart_init(void)
{
	outb(COM1_BASE + UART_IER, 0); /* polled: no interrupts */
	outb(COM1_BASE + UART_LCR, LCR_DLAB);
	outb(COM1_BASE + UART_DATA, UART_CLOCK_DIV_115200 & 0xff);
	outb(COM1_BASE + UART_IER, UART_CLOCK_DIV_115200 >> 8);
	outb(COM1_BASE + UART_LCR, LCR_8N1);
	outb(COM1_BASE + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1_BASE + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void uart_putc(char c)
{
	for (int i = 0; i < UART_TX_SPINS; i++) {
		if (inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_pause();
	}
	outb(COM1_BASE + UART_DATA, (uint8_t)c);
}

void uart_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

int uart_getc(void)
{
	uint8_t lsr = inb(COM1_BASE + UART_LSR);

	/* No UART at all reads as all ones: that is not a byte waiting. */
	if (lsr == LSR_ABSENT || !(lsr & LSR_DATA_READY))
		return -1;
	return inb(COM1_BASE + UART_DATA);
}
