// SPDX-License-Identifier: GPL-2.0
/*
 * Memory lent to the green partition, Linux side. The root side moves the
 * pages between the EPT views and is the one that checks every request
 * (ept/ept_lend.h); this file drives the continuation of long calls,
 * undoes a lend that failed halfway, and records every lent range so that
 * unload and reboot return (scrub) all of it before any CPU leaves VMX.
 *
 * Callers own the memory they lend (a hypapp's or test's pages, or pages
 * the control plane allocated): Linux must not use lent pages, every
 * access faults.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/export.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "gv_core.h"
#include "../include/greenvisor/greenvisor.h"

struct gv_lent {
	struct list_head node;
	u64 pa, size;
};

static LIST_HEAD(gv_lent_list);
static DEFINE_MUTEX(gv_green_lock);

/* Issue a lend/return until it is complete: GV_HC_RETRY means "go on". */
static int mem_call(u32 nr, u64 pa, u64 size, u64 *done)
{
	long ret;

	for (;;) {
		ret = gv_hc_mem_step(nr, pa, size, done);
		if (ret != GV_HC_RETRY)
			return ret;
		cond_resched();
	}
}

static struct gv_lent *find_lent(u64 pa, u64 size)
{
	struct gv_lent *l;

	list_for_each_entry(l, &gv_lent_list, node) {
		if (l->pa == pa && l->size == size)
			return l;
	}
	return NULL;
}

/**
 * gv_green_lend - lend [@pa, @pa + @size) to the green partition.
 *
 * Return: 0; -ENOMEM; or the root side's refusal (-EINVAL, -ERANGE, -EBUSY,
 * -EPERM, -ENOSPC; uapi GV_HC_MEM_LEND), after which nothing is lent.
 */
int gv_green_lend(u64 pa, u64 size)
{
	struct gv_lent *l = kzalloc(sizeof(*l), GFP_KERNEL);
	u64 done = 0, undone;
	int err;

	if (!l)
		return -ENOMEM;
	mutex_lock(&gv_green_lock);
	err = mem_call(GV_HC_MEM_LEND, pa, size, &done);
	if (err && done && mem_call(GV_HC_MEM_RETURN, pa, done, &undone))
		pr_err("lend %#llx+%#llx failed (%d) and %#llx bytes could not be returned\n",
		       pa, size, err, done);
	if (!err) {
		l->pa = pa;
		l->size = size;
		list_add_tail(&l->node, &gv_lent_list);
		l = NULL;
	}
	mutex_unlock(&gv_green_lock);
	kfree(l);
	return err;
}

static int return_locked(struct gv_lent *l)
{
	u64 done = 0;
	int err = mem_call(GV_HC_MEM_RETURN, l->pa, l->size, &done);

	if (err) {
		pr_err("return %#llx+%#llx failed (%d) after %#llx bytes\n",
		       l->pa, l->size, err, done);
		return err;
	}
	list_del(&l->node);
	kfree(l);
	return 0;
}

/**
 * gv_green_return - scrub and return a range lent by gv_green_lend(),
 * given exactly as it was lent.
 *
 * Return: 0; -ENOENT when no such range is lent; the root side's error.
 */
int gv_green_return(u64 pa, u64 size)
{
	struct gv_lent *l;
	int err = -ENOENT;

	mutex_lock(&gv_green_lock);
	l = find_lent(pa, size);
	if (l)
		err = return_locked(l);
	mutex_unlock(&gv_green_lock);
	return err;
}

/* Unload and reboot: nothing lent may outlive the hypervisor unscrubbed. */
void gv_green_return_all(void)
{
	struct gv_lent *l, *tmp;

	mutex_lock(&gv_green_lock);
	list_for_each_entry_safe(l, tmp, &gv_lent_list, node) {
		pr_info("returning %#llx+%#llx from the green partition (scrubbed)\n",
			l->pa, l->size);
		return_locked(l);
	}
	mutex_unlock(&gv_green_lock);
}

/**
 * greenvisor_mem_lend - lend memory the caller owns to the green partition.
 * @pa:   physical address, page aligned.
 * @size: bytes, a multiple of the page size.
 *
 * Until greenvisor_mem_return(), every access of Linux (CPU) to the range
 * faults; unloading greenvisor returns it zeroed.
 *
 * Return: 0 or a negative errno (see gv_green_lend()).
 */
int greenvisor_mem_lend(phys_addr_t pa, size_t size)
{
	return gv_green_lend(pa, size);
}
EXPORT_SYMBOL_GPL(greenvisor_mem_lend);

/**
 * greenvisor_mem_return - zero and return a range given to
 * greenvisor_mem_lend(), exactly as it was given.
 *
 * Return: 0 or a negative errno (-ENOENT when not lent).
 */
int greenvisor_mem_return(phys_addr_t pa, size_t size)
{
	return gv_green_return(pa, size);
}
EXPORT_SYMBOL_GPL(greenvisor_mem_return);
