// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall round trip timed from inside Linux (make bench-linux):
 * writing N to /sys/module/fallow/parameters/hc_bench makes N null calls
 * (FALLOW_HC_ABI_VERSION) back to back, interrupts off, timed with RDTSC;
 * reading it gives the last run's mean TSC cycles per call (0 before
 * any). The loop lives in the kernel because Fallow refuses VMCALL from
 * user mode (guest-abi/ABI.md). Without Fallow the write fails with
 * -ENODEV and nothing else happens.
 */
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <asm/msr.h>
#include <fallow/fallow.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "fallow."

/* Bounds the time spent with interrupts off (each call is an exit). */
#define HC_BENCH_MAX_CALLS 100000

static unsigned long hc_bench_cycles;

static int hc_bench_run(const char *val, const struct kernel_param *kp)
{
	unsigned long n, i, bad = 0, flags;
	u64 t0, t1;
	int err = kstrtoul(val, 0, &n);

	if (err)
		return err;
	if (!n || n > HC_BENCH_MAX_CALLS)
		return -EINVAL;
	if (!fallow_present())
		return -ENODEV;
	local_irq_save(flags);
	t0 = rdtsc_ordered();
	for (i = 0; i < n; i++)
		if (fallow_hypercall0(FALLOW_HC_ABI_VERSION) != FALLOW_ABI_VERSION)
			bad++;
	t1 = rdtsc_ordered();
	local_irq_restore(flags);
	if (bad)
		return -EIO;
	hc_bench_cycles = (unsigned long)((t1 - t0) / n);
	return 0;
}

static int hc_bench_show(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%lu\n", hc_bench_cycles);
}

static const struct kernel_param_ops hc_bench_ops = {
	.set = hc_bench_run,
	.get = hc_bench_show,
};
module_param_cb(hc_bench, &hc_bench_ops, NULL, 0644);
MODULE_PARM_DESC(hc_bench, "write N: time N null hypercalls; read: TSC cycles per call");
