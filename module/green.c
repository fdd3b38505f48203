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
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "gv_compat.h"
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

/* Append the lent ranges to @out (n used of @max) for the memory map. */
int gv_green_lent_collect(struct gv_map_range *out, int n, int max)
{
	struct gv_lent *l;

	mutex_lock(&gv_green_lock);
	list_for_each_entry(l, &gv_lent_list, node) {
		if (n == max)
			break;
		out[n++] = (struct gv_map_range){ l->pa, l->pa + l->size,
						  GV_MEM_OWNER_GREEN };
	}
	mutex_unlock(&gv_green_lock);
	return n;
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

/*
 * Memory the control plane lends (DESIGN.md "Control plane": user space
 * asks for a size, the module allocates, pins and lends the pages): one
 * set of physically contiguous blocks per request, with an id.
 */
#define GV_SET_MAX_ORDER	GV_MAX_PAGE_ORDER

struct gv_lend_set {
	struct list_head node;
	u32 id;
	u64 size;
	u32 nr_blocks;
	struct {
		struct page *page;
		unsigned int order;
	} blk[];
};

static LIST_HEAD(gv_set_list);		/* by increasing id */
static DEFINE_MUTEX(gv_set_lock);	/* outside gv_green_lock */
static u32 gv_set_next_id = 1;

/* Blocks a set may use: the 4 MiB ones plus some slack for fragmentation. */
static unsigned int set_max_blocks(u64 size)
{
	return DIV_ROUND_UP(size, PAGE_SIZE << GV_SET_MAX_ORDER) + 64;
}

/* Return (scrub) and free the first @n blocks of @set. */
static void set_release(struct gv_lend_set *set, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 len = PAGE_SIZE << set->blk[i].order;

		/* A block that cannot be returned stays lent: never free it. */
		if (gv_green_return(page_to_phys(set->blk[i].page), len))
			continue;
		__free_pages(set->blk[i].page, set->blk[i].order);
	}
}

/* Allocate @size in the largest blocks the buddy allocator gives, lent. */
static int set_fill(struct gv_lend_set *set, u64 size)
{
	unsigned int order = GV_SET_MAX_ORDER, max = set_max_blocks(size);
	u64 left = size;
	int err;

	while (left) {
		struct page *page;

		while ((PAGE_SIZE << order) > left)
			order--;
		if (set->nr_blocks == max)
			return -ENOMEM;	/* too fragmented for this size */
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
		if (!page) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		err = gv_green_lend(page_to_phys(page), PAGE_SIZE << order);
		if (err) {
			__free_pages(page, order);
			return err;
		}
		set->blk[set->nr_blocks].page = page;
		set->blk[set->nr_blocks++].order = order;
		left -= PAGE_SIZE << order;
	}
	return 0;
}

/**
 * gv_green_set_lend - allocate @size bytes, lend them, record them.
 * @size: a positive multiple of PAGE_SIZE, at most green_max_mib.
 * @out:  the new set's id, size, number of blocks and first address.
 *
 * Return: 0; -EINVAL; -ENOMEM (nothing allocated is left behind); the
 * root side's refusal (-ENOSPC when the EPT table reserve is used up).
 */
int gv_green_set_lend(u64 size, struct gv_lend_info *out)
{
	struct gv_lend_set *set;
	int err;

	if (!size || !PAGE_ALIGNED(size))
		return -EINVAL;
	/* More than all of RAM can never be lent: refuse before allocating. */
	if (size >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	set = kvzalloc(struct_size(set, blk, set_max_blocks(size)),
		       GFP_KERNEL | __GFP_NOWARN);
	if (!set)
		return -ENOMEM;
	err = set_fill(set, size);
	if (err) {
		set_release(set, set->nr_blocks);
		kvfree(set);
		return err;
	}
	set->size = size;
	mutex_lock(&gv_set_lock);
	set->id = gv_set_next_id++;
	list_add_tail(&set->node, &gv_set_list);
	mutex_unlock(&gv_set_lock);
	out->id = set->id;
	out->size = size;
	out->nr_blocks = set->nr_blocks;
	out->first_pa = page_to_phys(set->blk[0].page);
	return 0;
}

/* Scrub, return and free the set @id. Return: 0 or -ENOENT. */
int gv_green_set_return(u32 id)
{
	struct gv_lend_set *set, *found = NULL;

	mutex_lock(&gv_set_lock);
	list_for_each_entry(set, &gv_set_list, node) {
		if (set->id == id) {
			found = set;
			list_del(&set->node);
			break;
		}
	}
	mutex_unlock(&gv_set_lock);
	if (!found)
		return -ENOENT;
	set_release(found, found->nr_blocks);
	kvfree(found);
	return 0;
}

/* The first set with an id >= @id, in *@out; -ENOENT when none is left. */
int gv_green_set_next(u32 id, struct gv_lend_info *out)
{
	struct gv_lend_set *set;
	int err = -ENOENT;

	mutex_lock(&gv_set_lock);
	list_for_each_entry(set, &gv_set_list, node) {
		if (set->id >= id) {
			out->id = set->id;
			out->size = set->size;
			out->nr_blocks = set->nr_blocks;
			out->first_pa = page_to_phys(set->blk[0].page);
			err = 0;
			break;
		}
	}
	mutex_unlock(&gv_set_lock);
	return err;
}

static void return_all_sets(void)
{
	struct gv_lend_set *set, *tmp;
	LIST_HEAD(all);

	mutex_lock(&gv_set_lock);
	list_splice_init(&gv_set_list, &all);
	mutex_unlock(&gv_set_lock);
	list_for_each_entry_safe(set, tmp, &all, node) {
		set_release(set, set->nr_blocks);
		kvfree(set);
	}
}

/* Unload and reboot: nothing lent may outlive the hypervisor unscrubbed. */
void gv_green_return_all(void)
{
	struct gv_lent *l, *tmp;

	return_all_sets();
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
