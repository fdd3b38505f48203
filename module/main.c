// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor: late-launch a thin VT-x hypervisor beneath the running Linux.
 *
 * Load: check the platform (changing nothing), build the pool, the root
 * side's page tables and the rich OS's EPT view, then launch every online CPU through a CPU-hotplug
 * state, whose rollback devirtualizes the CPUs already launched when one
 * fails. Unload: devirtualize every CPU, free the pool.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/suspend.h>
#include <linux/workqueue.h>
#include "gv_core.h"

#define GV_LOG_DRAIN_INTERVAL	(HZ)
#define GV_LOG_LINE_MAX		256

struct gv_state gv;

static bool vtd_test_mode;
module_param(vtd_test_mode, bool, 0444);
MODULE_PARM_DESC(vtd_test_mode,
		 "TEST ONLY: launch no hypervisor, drive the VT-d units from Linux (QEMU rig); NOT a protection mode");

static DEFINE_MUTEX(gv_log_lock);
static char gv_log_line[GV_LOG_LINE_MAX];
static unsigned int gv_log_len;

bool gv_cpu_is_virtualized(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpumask_test_cpu(cpu, &gv.virtualized);
}

unsigned int gv_nr_virtualized(void)
{
	return cpumask_weight(&gv.virtualized);
}

static void log_flush_line(void)
{
	gv_log_line[gv_log_len] = '\0';
	pr_info("root: %s\n", gv_log_line);
	gv_log_len = 0;
}

static void log_drain_cpu(unsigned int cpu)
{
	char chunk[48];
	int n, i;

	while ((n = gv_hc_log_read(cpu, chunk, sizeof(chunk))) > 0) {
		for (i = 0; i < n; i++) {
			if (chunk[i] == '\n' || gv_log_len == GV_LOG_LINE_MAX - 1)
				log_flush_line();
			if (chunk[i] != '\n')
				gv_log_line[gv_log_len++] = chunk[i];
		}
	}
	if (gv_log_len)
		log_flush_line();
}

/* Print what the root side logged; any virtualized CPU can read any ring. */
static void gv_log_drain(void)
{
	unsigned int cpu;

	mutex_lock(&gv_log_lock);
	preempt_disable();
	if (gv_cpu_is_virtualized(smp_processor_id())) {
		for_each_possible_cpu(cpu)
			log_drain_cpu(cpu);
	}
	preempt_enable();
	mutex_unlock(&gv_log_lock);
}

static void gv_log_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(gv_log_work, gv_log_work_fn);

static void gv_log_work_fn(struct work_struct *work)
{
	gv_log_drain();
	schedule_delayed_work(&gv_log_work, GV_LOG_DRAIN_INTERVAL);
}

static int gv_cpu_online(unsigned int cpu)
{
	int err;

	if (READ_ONCE(gv.shutting_down))
		return 0;
	err = gv_launch_this_cpu(&gv);
	if (err)
		pr_err("CPU %u: launch failed (%d)\n", cpu, err);
	return err;
}

static int gv_cpu_offline(unsigned int cpu)
{
	int err;

	if (!gv_cpu_is_virtualized(cpu))
		return 0;
	gv_log_drain();
	gv_events_drain();
	err = gv_devirt_this_cpu(&gv);
	if (err == -EBUSY)
		pr_err("CPU %u cannot go offline while memory is lent to the green partition\n",
		       cpu);
	return err;
}

static void devirt_ipi(void *unused)
{
	if (gv_cpu_is_virtualized(smp_processor_id()))
		gv_devirt_this_cpu(&gv);
}

/* Reboot and kexec: leave VMX on every CPU first, so nothing hangs. */
static int gv_reboot_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	gv_hypapp_unregister_all();
	gv_green_return_all();
	cpus_read_lock();
	WRITE_ONCE(gv.shutting_down, true);
	gv_log_drain();
	on_each_cpu(devirt_ipi, NULL, 1);
	cpus_read_unlock();
	pr_info("devirtualized all CPUs for %s\n",
		action == SYS_RESTART ? "restart" : "shutdown");
	return NOTIFY_DONE;
}

static struct notifier_block gv_reboot_nb = {
	.notifier_call = gv_reboot_notify,
};

/*
 * Suspend and hibernation would lose the VMX state of every CPU; refuse
 * them while loaded rather than resume into a broken hypervisor.
 */
static int gv_pm_notify(struct notifier_block *nb, unsigned long action,
			void *data)
{
	switch (action) {
	case PM_SUSPEND_PREPARE:
	case PM_HIBERNATION_PREPARE:
		pr_err("refusing suspend/hibernation while greenvisor is loaded; run 'rmmod greenvisor' first\n");
		return notifier_from_errno(-EBUSY);
	default:
		return NOTIFY_DONE;
	}
}

static struct notifier_block gv_pm_nb = {
	.notifier_call = gv_pm_notify,
};

static int gv_launch_all(void)
{
	int ret;

	cpumask_clear(&gv.virtualized);
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "greenvisor:online",
				gv_cpu_online, gv_cpu_offline);
	if (ret < 0)
		return ret;
	gv.cpuhp_state = ret;
	return 0;
}

static int __init gv_init(void)
{
	int err;

	if (vtd_test_mode)
		return gv_vtd_test_init();
	/* pr_debug steps: insmod greenvisor.ko dyndbg=+p shows them. */
	pr_debug("init: checks\n");
	err = gv_check_platform(&gv.vmx);
	err = err ?: gv_check_no_other_vmx_user();
	if (err)
		return err;
	pr_debug("init: pool\n");
	err = gv_pool_alloc(&gv);
	if (err)
		return err;
	err = gv_pool_init(&gv);
	err = err ?: gv_hc_shared_alloc();
	pr_debug("init: host page tables and EPT\n");
	err = err ?: gv_hostpt_build(&gv);
	err = err ?: gv_ept_setup(&gv);
	if (err)
		goto free;
	pr_debug("init: launch\n");
	err = gv_launch_all();
	if (err) {
		pr_err("launch failed (%d); every CPU is back as it was\n", err);
		goto free;
	}
	err = gv_genl_init();
	if (err)
		goto devirt;
	gv_events_start(gv_nr_virtualized());
	register_reboot_notifier(&gv_reboot_nb);
	register_pm_notifier(&gv_pm_nb);
	schedule_delayed_work(&gv_log_work, GV_LOG_DRAIN_INTERVAL);
	pr_info("greenvisor ABI %u.%u running on %u CPUs (pool %u chunks, %u host page-table pages)\n",
		GV_ABI_MAJOR, GV_ABI_MINOR, gv_nr_virtualized(), gv.nr_chunks,
		gv.nr_pt_pages);
	return 0;
devirt:
	cpuhp_remove_state(gv.cpuhp_state);
free:
	gv_hc_shared_free();
	gv_pool_free(&gv);
	return err;
}

static void __exit gv_exit(void)
{
	if (vtd_test_mode) {
		gv_vtd_test_exit();
		return;
	}
	pr_debug("exit: control plane\n");
	gv_events_stop(gv_nr_virtualized());
	gv_genl_exit();
	unregister_pm_notifier(&gv_pm_nb);
	unregister_reboot_notifier(&gv_reboot_nb);
	cancel_delayed_work_sync(&gv_log_work);
	pr_debug("exit: green memory\n");
	gv_green_return_all();
	gv_log_drain();
	pr_debug("exit: devirtualize\n");
	cpuhp_remove_state(gv.cpuhp_state);
	if (gv_nr_virtualized()) {
		pr_crit("%u CPUs still virtualized; leaking the pool\n",
			gv_nr_virtualized());
	} else {
		gv_hc_shared_free();
		gv_pool_free(&gv);
	}
	pr_info("unloaded; all CPUs devirtualized\n");
}

module_init(gv_init);
module_exit(gv_exit);

MODULE_DESCRIPTION("greenvisor: late-launch thin VT-x hypervisor");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
