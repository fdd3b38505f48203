// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU shared page (uapi/linux/greenvisor.h GV_HC_SHARED_PAGE): a
 * page of rich-OS RAM, registered by guest-physical address, through which
 * calls pass data that does not fit in six registers.
 *
 * The root side never keeps a pointer into it: every use looks the page up
 * in the rich view again (under ept_lock) and reaches it through the CPU's
 * map window, so a page that has since become hypervisor-only or been
 * protected by a hypapp is refused, not written. A registered page cannot
 * be lent (gv_shared_page_in_range(), checked by the lend step under the
 * same lock), so the root side never writes rich-OS data into green memory.
 */
#include "hv_root.h"

#define RICH_RW		(GV_EPT_R | GV_EPT_W)

/*
 * 0 when the 4 KiB page at @gpa is System RAM the rich view maps with at
 * least @perm (GV_EPT_R/W); else -GV_EPERM. Caller holds ept_lock.
 */
long gv_rich_ram_check(struct gv_hv *hv, u64 gpa, u32 perm)
{
	struct gv_ept_leaf leaf;

	gpa &= ~(u64)(GV_PAGE_SIZE - 1);
	if (!gv_ram_map_covers(&hv->ram, gpa, gpa + GV_PAGE_SIZE))
		return -GV_EPERM;
	if (gv_ept_lookup(&hv->rich, gpa, &leaf))
		return -GV_EPERM;
	return (leaf.perm & perm) == perm ? GV_OK : -GV_EPERM;
}

/* Some CPU has @gpa as its shared page (caller holds ept_lock). */
static bool shared_elsewhere(struct gv_cpu *c, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < c->hv->nr_cpus; i++)
		if (c->hv->cpus[i] != c && READ_ONCE(c->hv->cpus[i]->shared_gpa) == gpa)
			return true;
	return false;
}

/* Whether [@start, @end) holds any CPU's shared page (caller holds ept_lock). */
bool gv_shared_page_in_range(struct gv_hv *hv, u64 start, u64 end)
{
	unsigned int i;
	u64 gpa;

	for (i = 0; i < hv->nr_cpus; i++) {
		gpa = READ_ONCE(hv->cpus[i]->shared_gpa);
		if (gpa && gpa < end && gpa + GV_PAGE_SIZE > start)
			return true;
	}
	return false;
}

/* GV_HC_SHARED_PAGE: register (or with 0, drop) the calling CPU's page. */
long gv_hc_shared_page(struct gv_cpu *c, struct gv_regs *regs)
{
	u64 gpa = regs->rdi, old = c->shared_gpa;
	long err = GV_OK;

	if (gpa & (GV_PAGE_SIZE - 1))
		return -GV_EINVAL;
	gv_spin_lock(&c->hv->ept_lock);
	if (gpa) {
		err = gv_rich_ram_check(c->hv, gpa, RICH_RW);
		if (!err && shared_elsewhere(c, gpa))
			err = -GV_EBUSY;
	}
	if (!err)
		WRITE_ONCE(c->shared_gpa, gpa);
	gv_spin_unlock(&c->hv->ept_lock);
	if (!err)
		regs->rdi = old;
	return err;
}

/*
 * The calling CPU's shared page, mapped in its window, or NULL with *@err.
 * Takes ept_lock; gv_shared_page_unmap() drops it: the page cannot change
 * hands (lend, hypapp protection) while the root side writes it.
 */
void *gv_shared_page_map(struct gv_cpu *c, long *err)
{
	gv_spin_lock(&c->hv->ept_lock);
	*err = c->shared_gpa ? gv_rich_ram_check(c->hv, c->shared_gpa, RICH_RW) : -GV_ENOENT;
	if (!*err)
		return gv_window_map(c, c->shared_gpa);
	gv_spin_unlock(&c->hv->ept_lock);
	return NULL;
}

void gv_shared_page_unmap(struct gv_cpu *c)
{
	gv_window_unmap(c);
	gv_spin_unlock(&c->hv->ept_lock);
}

/* GV_HC_EXIT_COUNTS_ALL: every exit count of one CPU, in the shared page. */
long gv_hc_exit_counts_all(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_cpu *target = gv_cpu_by_index(c->hv, regs->rdi);
	u64 *page;
	unsigned int i;
	long err;

	if (!target)
		return -GV_EINVAL;
	page = gv_shared_page_map(c, &err);
	if (!page)
		return err;
	for (i = 0; i < GV_EXIT_REASON_MAX; i++)
		page[i] = READ_ONCE(target->exit_counts[i]);
	gv_shared_page_unmap(c);
	regs->rdi = GV_EXIT_REASON_MAX;
	return GV_OK;
}
