#include "arch/x86_64/tsc.h"

#include "arch/x86_64/cpu.h"

#define HZ_PER_MHZ 1000000ull

/* PIT (8254) channel 2, whose gate and output are wired to port 0x61. */
#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_CMD 0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0 /* channel 2, lo/hi byte, one-shot */
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CALIBRATE_MS 10
#define PIT_TICKS (PIT_HZ * CALIBRATE_MS / 1000)
/* Polls of OUT2 before giving up: no PIT must not hang the boot. */
#define PIT_MAX_POLLS 50000000u

/* CPUID 0x15: TSC/crystal ratio EBX/EAX and the crystal's Hz in ECX. */
static uint64_t tsc_from_leaf_15(void)
{
	struct cpuid_regs r = cpuid(CPUID_LEAF_TSC, 0);

	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax;
}

/* CPUID 0x16: the processor's base frequency in MHz. */
static uint64_t tsc_from_leaf_16(void)
{
	return (uint64_t)(cpuid(CPUID_LEAF_FREQ, 0).eax & 0xffff) * HZ_PER_MHZ;
}

static uint64_t tsc_from_pit(void)
{
	uint8_t b = inb(PORT_B);

	/* Gate low (speaker off) while the count is loaded, then high. */
	outb(PORT_B, (uint8_t)(b & ~(PORT_B_GATE2 | PORT_B_SPEAKER)));
	outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2_DATA, PIT_TICKS & 0xff);
	outb(PIT_CH2_DATA, (PIT_TICKS >> 8) & 0xff);
	outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));

	uint64_t start = rdtsc();
	uint32_t polls = 0;

	while (!(inb(PORT_B) & PORT_B_OUT2) && ++polls < PIT_MAX_POLLS)
		;
	uint64_t delta = rdtsc() - start;

	outb(PORT_B, b);
	if (polls >= PIT_MAX_POLLS)
		return 0;
	return delta * PIT_HZ / PIT_TICKS;
}

void tsc_init(struct tsc_info *out)
{
	uint32_t max_leaf = cpuid(0, 0).eax;

	out->hz = max_leaf >= CPUID_LEAF_TSC ? tsc_from_leaf_15() : 0;
	out->source = "CPUID leaf 0x15";
	if (!out->hz && max_leaf >= CPUID_LEAF_FREQ) {
		out->hz = tsc_from_leaf_16();
		out->source = "CPUID leaf 0x16";
	}
	if (!out->hz) {
		out->hz = tsc_from_pit();
		out->source = out->hz ? "calibrated against the PIT for 10 ms"
				      : "unknown: PIT did not count";
	}
}
