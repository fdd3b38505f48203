// SPDX-License-Identifier: GPL-2.0
/*
 * Hypapp registration, Linux side (include/greenvisor/hypapp.h,
 * docs/hypapps.md). Checks what it can without the root side (and says
 * why in dmesg), describes the hypapp in one page for
 * GV_HC_HYPAPP_REGISTER, and keeps a reference to the hypapp's module
 * while it is registered. The root side decides everything else.
 *
 * Unregistration: greenvisor_hypapp_unregister() (a hypapp's own path),
 * or, because a registered hypapp's module cannot be removed,
 *   echo NAME > /sys/module/greenvisor/parameters/hypapp_unregister
 * which unregisters it so that `rmmod` can then unload it.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "gv_core.h"
#include "../include/greenvisor/vmcall.h"
#include "../hvcore/hv_hypapp.h"

/* Registered hypapps by id (1 .. GV_HYPAPP_MAX). */
static struct gv_hypapp *gv_hypapps[GV_HYPAPP_MAX + 1];
static DEFINE_MUTEX(gv_hypapp_lock);

static const char *const gv_hev_names[GV_HEV_NR] = {
	"init", "hypercall", "ept", "cpuid", "nmi", "shutdown",
	"port", "mtrr", "db", "bp",
};

static void ops_to_array(const struct gv_hypapp_ops *ops, u64 fn[GV_HEV_NR])
{
	fn[GV_HEV_INIT] = (u64)ops->init;
	fn[GV_HEV_HYPERCALL] = (u64)ops->hypercall;
	fn[GV_HEV_EPT] = (u64)ops->ept;
	fn[GV_HEV_CPUID] = (u64)ops->cpuid;
	fn[GV_HEV_NMI] = (u64)ops->nmi;
	fn[GV_HEV_SHUTDOWN] = (u64)ops->shutdown;
	fn[GV_HEV_PORT] = (u64)ops->port;
	fn[GV_HEV_MTRR] = (u64)ops->mtrr;
	fn[GV_HEV_DB] = (u64)ops->db;
	fn[GV_HEV_BP] = (u64)ops->bp;
}

/* In @app's module's core image (its init part goes away after init). */
static bool in_owner(const struct gv_hypapp *app, unsigned long addr)
{
	return within_module_core(addr, app->owner);
}

/* What can be checked here; the root side checks it all again. */
static int check_app(const struct gv_hypapp *app, const u64 fn[GV_HEV_NR])
{
	unsigned long start = (unsigned long)app->text_start;
	unsigned long end = (unsigned long)app->text_end;
	unsigned int i;

	for (i = GV_HEV_DISPATCHED; i < GV_HEV_NR; i++) {
		if (fn[i]) {
			pr_err("hypapp %s: the %s event is not dispatched yet\n",
			       app->name, gv_hev_names[i]);
			return -EOPNOTSUPP;
		}
	}
	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end) || end <= start ||
	    (end - start) / PAGE_SIZE > GV_HYPAPP_TEXT_PAGES ||
	    !in_owner(app, start) || !in_owner(app, end - 1)) {
		pr_err("hypapp %s: root text %p-%p is not 1..%u whole pages of a module (hypapps/hypapp.lds)\n",
		       app->name, app->text_start, app->text_end,
		       GV_HYPAPP_TEXT_PAGES);
		return -EINVAL;
	}
	for (i = 0; i < GV_HEV_DISPATCHED; i++) {
		if (fn[i] && (fn[i] < start || fn[i] >= end)) {
			pr_err("hypapp %s: %s callback %pS is not in its root text\n",
			       app->name, gv_hev_names[i], (void *)fn[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static void fill_desc(struct gv_hypapp_desc *d, const struct gv_hypapp *app,
		      const u64 fn[GV_HEV_NR])
{
	unsigned long va = (unsigned long)app->text_start;
	unsigned int i;

	d->magic = GV_HYPAPP_DESC_MAGIC;
	strscpy(d->name, app->name, sizeof(d->name));
	d->hc_base = app->hc_base;
	d->hc_count = app->hc_count;
	d->hc_user = app->hc_user;
	d->cpuid_base = app->cpuid_base;
	d->cpuid_count = app->cpuid_count;
	d->quiesce = app->quiesce;
	d->data_pages = app->data_pages;
	d->nr_text = ((unsigned long)app->text_end - va) / PAGE_SIZE;
	d->text_va = va;
	memcpy(d->ops, fn, sizeof(d->ops));
	for (i = 0; i < d->nr_text; i++)
		d->text_pa[i] = PFN_PHYS(vmalloc_to_pfn((void *)(va + i * PAGE_SIZE)));
}

static const char *errname(long err)
{
	switch (err) {
	case -EBUSY:	return "a range, its text or its name is taken by a registered hypapp";
	case -EPERM:	return "its text is not plain rich-OS memory";
	case -ENOSPC:	return "no free hypapp slot or pool page";
	case -EINVAL:	return "malformed description";
	default:	return "refused";
	}
}

/* One vmcall on a virtualized CPU; -ENODEV when this CPU is not one. */
static long hypapp_vmcall(u32 nr, unsigned long io[6])
{
	long ret = -ENODEV;

	preempt_disable();
	if (gv_cpu_is_virtualized(smp_processor_id()))
		ret = gv_vmcall6(nr, io);
	preempt_enable();
	return ret;
}

static int register_locked(struct gv_hypapp *app, const u64 fn[GV_HEV_NR])
{
	struct gv_hypapp_desc *d;
	unsigned long io[6] = { };
	long ret;

	d = (struct gv_hypapp_desc *)get_zeroed_page(GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	fill_desc(d, app, fn);
	io[0] = virt_to_phys(d);
	ret = hypapp_vmcall(GV_HC_HYPAPP_REGISTER, io);
	free_page((unsigned long)d);
	if (ret) {
		pr_err("hypapp %s: registration refused: %s (%ld)\n",
		       app->name, errname(ret), ret);
		return ret;
	}
	app->id = io[0];
	gv_hypapps[app->id] = app;
	pr_info("hypapp %s registered: id %u, calls %#x+%u, cpuid %#x+%u, root text %p-%p\n",
		app->name, app->id, app->hc_base, app->hc_count,
		app->cpuid_base, app->cpuid_count, app->text_start,
		app->text_end);
	return 0;
}

int greenvisor_hypapp_register(struct gv_hypapp *app)
{
	u64 fn[GV_HEV_NR];
	int err;

	if (!app || !app->ops || !app->name || !app->name[0] ||
	    strlen(app->name) >= GV_HYPAPP_NAME_LEN || !app->owner)
		return -EINVAL;
	ops_to_array(app->ops, fn);
	err = check_app(app, fn);
	if (err)
		return err;
	mutex_lock(&gv_hypapp_lock);
	if (app->id && app->id <= GV_HYPAPP_MAX && gv_hypapps[app->id] == app) {
		err = -EEXIST;
	} else if (!try_module_get(app->owner)) {
		err = -ENODEV;
	} else {
		err = register_locked(app, fn);
		if (err)
			module_put(app->owner);
	}
	mutex_unlock(&gv_hypapp_lock);
	return err;
}
EXPORT_SYMBOL_GPL(greenvisor_hypapp_register);

/* A callback running on another CPU makes the root side say -EBUSY. */
static int unregister_locked(struct gv_hypapp *app)
{
	unsigned int tries;
	long ret;

	for (tries = 0; tries < 100; tries++) {
		unsigned long io[6] = { app->id };

		ret = hypapp_vmcall(GV_HC_HYPAPP_UNREGISTER, io);
		if (ret != -EBUSY)
			break;
		usleep_range(1000, 2000);
	}
	if (ret) {
		pr_err("hypapp %s: unregistration failed (%ld)\n", app->name, ret);
		return ret;
	}
	pr_info("hypapp %s (id %u) unregistered\n", app->name, app->id);
	gv_hypapps[app->id] = NULL;
	app->id = 0;
	module_put(app->owner);
	return 0;
}

int greenvisor_hypapp_unregister(struct gv_hypapp *app)
{
	int err = -ENOENT;

	mutex_lock(&gv_hypapp_lock);
	if (app && app->id && app->id <= GV_HYPAPP_MAX &&
	    gv_hypapps[app->id] == app)
		err = unregister_locked(app);
	mutex_unlock(&gv_hypapp_lock);
	return err;
}
EXPORT_SYMBOL_GPL(greenvisor_hypapp_unregister);

/* Reboot: every hypapp's shutdown runs before the CPUs leave VMX. */
void gv_hypapp_unregister_all(void)
{
	unsigned int id;

	mutex_lock(&gv_hypapp_lock);
	for (id = 1; id <= GV_HYPAPP_MAX; id++) {
		if (gv_hypapps[id])
			unregister_locked(gv_hypapps[id]);
	}
	mutex_unlock(&gv_hypapp_lock);
}

/* /sys/module/greenvisor/parameters/hypapp_unregister: write a name. */
/*
 * The registered hypapp with the lowest id >= @from (GV_CMD_HYPAPP_GET):
 * what the Linux side knows and what GV_HC_HYPAPP_INFO says. -ENOENT when
 * there is none.
 */
int gv_hypapp_info_next(u32 from, struct gv_hypapp_info *out)
{
	unsigned long io[6];
	u64 fn[GV_HEV_NR];
	int err = -ENOENT;
	unsigned int i;
	u32 id;

	mutex_lock(&gv_hypapp_lock);
	for (id = max(from, 1u); id <= GV_HYPAPP_MAX; id++) {
		struct gv_hypapp *app = gv_hypapps[id];

		if (!app)
			continue;
		memset(out, 0, sizeof(*out));
		memset(io, 0, sizeof(io));
		io[0] = id;
		err = hypapp_vmcall(GV_HC_HYPAPP_INFO, io);
		if (err)
			break;
		out->id = id;
		strscpy(out->name, app->name, sizeof(out->name));
		strscpy(out->module, app->owner ? module_name(app->owner) : "",
			sizeof(out->module));
		out->hc_base = (u32)io[0];
		out->hc_count = io[0] >> 32;
		out->cpuid_base = io[1];
		out->cpuid_count = (u32)io[2];
		out->data_pages = io[2] >> 32;
		out->text_pages = io[3];
		out->calls = io[4];
		out->quiesce = io[5];
		ops_to_array(app->ops, fn);
		for (i = 0; i < GV_HEV_NR; i++)
			if (fn[i])
				out->events |= BIT(i);
		break;
	}
	mutex_unlock(&gv_hypapp_lock);
	return err;
}

static int hypapp_unregister_set(const char *val, const struct kernel_param *kp)
{
	char buf[GV_HYPAPP_NAME_LEN + 1], *name;
	unsigned int id;
	int err = -ENOENT;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	name = strim(buf);
	mutex_lock(&gv_hypapp_lock);
	for (id = 1; id <= GV_HYPAPP_MAX; id++) {
		if (gv_hypapps[id] && !strcmp(gv_hypapps[id]->name, name)) {
			err = unregister_locked(gv_hypapps[id]);
			break;
		}
	}
	mutex_unlock(&gv_hypapp_lock);
	if (err == -ENOENT)
		pr_err("hypapp_unregister: no registered hypapp '%s'\n", name);
	return err;
}

static const struct kernel_param_ops hypapp_unregister_ops = {
	.set = hypapp_unregister_set,
};
module_param_cb(hypapp_unregister, &hypapp_unregister_ops, NULL, 0200);
MODULE_PARM_DESC(hypapp_unregister,
		 "Write a registered hypapp's name to unregister it (then its module can be removed); write-only");
