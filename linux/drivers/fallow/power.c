// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off, halt, restart and panic end the guest through FALLOW_HC_EXIT.
 * Fallow does not restart guests, so a restart ends it too.
 *
 * The status: fallow.exit_status=N on the command line, or at run time
 *   echo N > /sys/module/fallow/parameters/exit_status; poweroff
 * (default 0). A panic ends the guest with fallow.panic_status (default
 * FALLOW_PANIC_STATUS_DEFAULT) once the panic message is out.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <fallow/fallow.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "fallow."

#define FALLOW_PANIC_STATUS_DEFAULT 250

static int exit_status;
module_param(exit_status, int, 0644);
MODULE_PARM_DESC(exit_status, "status the guest ends with at power-off, halt or restart");

static int panic_status = FALLOW_PANIC_STATUS_DEFAULT;
module_param(panic_status, int, 0644);
MODULE_PARM_DESC(panic_status, "status the guest ends with on a panic");

static void __noreturn fallow_end(const char *how, int status)
{
	pr_emerg("fallow: %s: guest exits with status %d\n", how, status);
	fallow_exit(status);
}

/* Power-off and restart, after devices were shut down; cb_data names
 * which (sys_off_data's mode is not filled in for every chain). */
static int fallow_sys_off(struct sys_off_data *data)
{
	fallow_end(data->cb_data, READ_ONCE(exit_status));
}

/* Halt has no sys-off hook: the reboot notifier, called last. */
static int fallow_reboot_notify(struct notifier_block *nb, unsigned long code,
				void *cmd)
{
	if (code == SYS_HALT)
		fallow_end("halt", READ_ONCE(exit_status));
	return NOTIFY_DONE;
}

static struct notifier_block fallow_reboot_nb = {
	.notifier_call = fallow_reboot_notify,
	.priority = INT_MIN,
};

static int fallow_panic_notify(struct notifier_block *nb, unsigned long code,
			       void *msg)
{
	fallow_end("panic", READ_ONCE(panic_status));
}

static struct notifier_block fallow_panic_nb = {
	.notifier_call = fallow_panic_notify,
	.priority = INT_MIN, /* after every other panic notifier */
};

static int __init fallow_power_init(void)
{
	struct sys_off_handler *h;

	if (!fallow_present())
		return 0;
	h = register_sys_off_handler(SYS_OFF_MODE_POWER_OFF,
				     SYS_OFF_PRIO_FIRMWARE, fallow_sys_off,
				     "power off");
	if (IS_ERR(h))
		return PTR_ERR(h);
	h = register_sys_off_handler(SYS_OFF_MODE_RESTART_PREPARE,
				     SYS_OFF_PRIO_FIRMWARE, fallow_sys_off,
				     "restart");
	if (IS_ERR(h))
		return PTR_ERR(h);
	register_reboot_notifier(&fallow_reboot_nb);
	atomic_notifier_chain_register(&panic_notifier_list, &fallow_panic_nb);
	return 0;
}
device_initcall(fallow_power_init);
