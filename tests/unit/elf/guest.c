/* A real ELF image for test_elf: linked by the host compiler with the
 * guest linker script (guest-abi/guest.ld) as every Fallow guest is, with
 * text, read-only data, initialized data and bss, so the loader meets the
 * segments a linker really makes. It is loaded, never run. */
#include <stdint.h>

const char fixture_rodata[] = "fallow elf fixture";
uint64_t fixture_data[64] = { 0x0123456789abcdefull, 42 };
uint8_t fixture_bss[3 * 4096];

__attribute__((section(".text.entry"), noreturn)) void _start(void);

void _start(void)
{
	fixture_bss[0] = (uint8_t)fixture_rodata[(uintptr_t)fixture_data[1] % 8];
	for (;;)
		__asm__ volatile("hlt");
}
