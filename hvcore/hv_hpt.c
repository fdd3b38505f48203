// SPDX-License-Identifier: GPL-2.0
/*
 * The hypapp EPT API (include/greenvisor/hypapp_ept.h), root side: each
 * call checks the wall (ept/ept_lend.c gv_ept_change_allowed()), changes
 * the view under the EPT lock, and runs the shootdown before returning;
 * and the dispatch of EPT violations to the hypapp owning the range.
 * EXPORT_SYMBOL_GPL only emits symbol-table entries (no code, no call into
 * Linux): hypapps' root callbacks call these directly.
 */
#include <linux/export.h>
#include "hv_root.h"
#include "hv_vmx.h"
#include "../include/greenvisor/hypapp_ept.h"

#define NO_HPA	(~0ull)

static struct gv_ept_view *view_of(struct gv_hv *hv, u32 view)
{
	if (view == GV_VIEW_RICH)
		return &hv->rich;
	if (view == GV_VIEW_GREEN)
		return &hv->green;
	return NULL;
}

int gv_hpt_lookup(struct gv_cpu *c, u32 view, u64 gpa,
		  struct gv_ept_leaf *leaf)
{
	struct gv_ept_view *v = view_of(c->hv, view);
	int err;

	if (!v)
		return -GV_EINVAL;
	gv_spin_lock(&c->hv->ept_lock);
	err = gv_ept_lookup(v, gpa, leaf);
	gv_spin_unlock(&c->hv->ept_lock);
	return err;
}
EXPORT_SYMBOL_GPL(gv_hpt_lookup);

int gv_hpt_walk(struct gv_cpu *c, u32 view, u64 gpa, u64 size,
		gv_ept_walk_fn fn, void *arg)
{
	struct gv_ept_view *v = view_of(c->hv, view);
	int err;

	if (!v)
		return -GV_EINVAL;
	gv_spin_lock(&c->hv->ept_lock);
	err = gv_ept_walk(v, gpa, size, fn, arg);
	gv_spin_unlock(&c->hv->ept_lock);
	return err;
}
EXPORT_SYMBOL_GPL(gv_hpt_walk);

/* One change of a view: the wall's check, the change, the shootdown. */
struct hpt_change {
	u32 view;
	u64 gpa, size, hpa;	/* hpa: NO_HPA unless the change maps one */
	u32 perm, mt;
	int (*apply)(struct gv_ept_view *v, const struct hpt_change *ch);
};

static int hpt_apply(struct gv_cpu *c, const struct hpt_change *ch)
{
	struct gv_hv *hv = c->hv;
	struct gv_ept_view *v = view_of(hv, ch->view);
	int err;

	if (!v)
		return -GV_EINVAL;
	gv_ept_update_begin(c);
	gv_spin_lock(&hv->ept_lock);
	err = gv_ept_change_allowed(&hv->guard, &hv->green,
				    ch->view == GV_VIEW_GREEN, ch->gpa,
				    ch->size, ch->hpa);
	if (!err)
		err = ch->apply(v, ch);
	gv_spin_unlock(&hv->ept_lock);
	gv_ept_update_end(c);
	return err;
}

static int apply_map(struct gv_ept_view *v, const struct hpt_change *ch)
{
	return gv_ept_map_4k(v, ch->gpa, ch->hpa, ch->perm, ch->mt);
}

static int apply_prot(struct gv_ept_view *v, const struct hpt_change *ch)
{
	return gv_ept_set_prot(v, ch->gpa, ch->size, ch->perm);
}

static int apply_memtype(struct gv_ept_view *v, const struct hpt_change *ch)
{
	return gv_ept_set_memtype(v, ch->gpa, ch->size, ch->mt);
}

static int apply_addr(struct gv_ept_view *v, const struct hpt_change *ch)
{
	return gv_ept_set_addr(v, ch->gpa, ch->hpa);
}

static int apply_remove(struct gv_ept_view *v, const struct hpt_change *ch)
{
	return gv_ept_remove(v, ch->gpa, ch->size);
}

int gv_hpt_map(struct gv_cpu *c, u32 view, u64 gpa, u64 hpa, u32 perm, u32 mt)
{
	const struct hpt_change ch = {
		.view = view, .gpa = gpa, .size = GV_PAGE_SIZE, .hpa = hpa,
		.perm = perm, .mt = mt, .apply = apply_map,
	};

	return hpt_apply(c, &ch);
}
EXPORT_SYMBOL_GPL(gv_hpt_map);

int gv_hpt_set_prot(struct gv_cpu *c, u32 view, u64 gpa, u64 size, u32 perm)
{
	const struct hpt_change ch = {
		.view = view, .gpa = gpa, .size = size, .hpa = NO_HPA,
		.perm = perm, .apply = apply_prot,
	};

	return hpt_apply(c, &ch);
}
EXPORT_SYMBOL_GPL(gv_hpt_set_prot);

int gv_hpt_set_memtype(struct gv_cpu *c, u32 view, u64 gpa, u64 size, u32 mt)
{
	const struct hpt_change ch = {
		.view = view, .gpa = gpa, .size = size, .hpa = NO_HPA,
		.mt = mt, .apply = apply_memtype,
	};

	return hpt_apply(c, &ch);
}
EXPORT_SYMBOL_GPL(gv_hpt_set_memtype);

int gv_hpt_set_addr(struct gv_cpu *c, u32 view, u64 gpa, u64 hpa)
{
	const struct hpt_change ch = {
		.view = view, .gpa = gpa, .size = GV_PAGE_SIZE, .hpa = hpa,
		.apply = apply_addr,
	};

	return hpt_apply(c, &ch);
}
EXPORT_SYMBOL_GPL(gv_hpt_set_addr);

int gv_hpt_remove(struct gv_cpu *c, u32 view, u64 gpa, u64 size)
{
	const struct hpt_change ch = {
		.view = view, .gpa = gpa, .size = size, .hpa = NO_HPA,
		.apply = apply_remove,
	};

	return hpt_apply(c, &ch);
}
EXPORT_SYMBOL_GPL(gv_hpt_remove);

void gv_hpt_sync(struct gv_cpu *c)
{
	gv_ept_sync_all(c);
}
EXPORT_SYMBOL_GPL(gv_hpt_sync);

int gv_hpt_claim(struct gv_cpu *c, u32 owner, u32 view, u64 gpa, u64 size,
		 gv_ept_fault_fn fn, void *arg)
{
	struct gv_hv *hv = c->hv;
	int err;

	if (!owner || owner >= GV_EPT_HANDLERS_MAX || !fn)
		return -GV_EINVAL;
	gv_spin_lock(&hv->ept_lock);
	err = gv_ept_owner_claim(&hv->owners, view, gpa, size, owner);
	if (!err) {
		hv->ept_handlers[owner].fn = fn;
		hv->ept_handlers[owner].arg = arg;
	}
	gv_spin_unlock(&hv->ept_lock);
	return err;
}
EXPORT_SYMBOL_GPL(gv_hpt_claim);

int gv_hpt_release(struct gv_cpu *c, u32 owner, u32 view, u64 gpa, u64 size)
{
	int err;

	gv_spin_lock(&c->hv->ept_lock);
	err = gv_ept_owner_release(&c->hv->owners, view, gpa, size, owner);
	gv_spin_unlock(&c->hv->ept_lock);
	return err;
}
EXPORT_SYMBOL_GPL(gv_hpt_release);

void gv_hpt_release_all(struct gv_cpu *c, u32 owner)
{
	gv_spin_lock(&c->hv->ept_lock);
	gv_ept_owner_release_all(&c->hv->owners, owner);
	if (owner < GV_EPT_HANDLERS_MAX) {
		c->hv->ept_handlers[owner].fn = NULL;
		c->hv->ept_handlers[owner].arg = NULL;
	}
	gv_spin_unlock(&c->hv->ept_lock);
}
EXPORT_SYMBOL_GPL(gv_hpt_release_all);

/* The view the CPU runs in now, from the VMCS's EPTP. */
static u32 current_view(struct gv_cpu *c)
{
	return gv_vmread(VMCS_EPT_POINTER) == c->hv->green_eptp ?
	       GV_VIEW_GREEN : GV_VIEW_RICH;
}

/*
 * An EPT violation the views do not allow: the owner of the range, if
 * any, decides; GV_EPT_BLOCK (or no owner) keeps the default semantics.
 */
enum gv_ept_verdict gv_ept_dispatch(struct gv_cpu *c,
				    const struct gv_ept_violation *v)
{
	struct gv_hv *hv = c->hv;
	struct gv_ept_fault f = {
		.view = current_view(c),
		.gpa = v->gpa,
		.gva = v->gva,
		.qualification = v->qualification,
		.access = v->qualification & GV_EPT_RWX,
	};
	gv_ept_fault_fn fn = NULL;
	void *arg = NULL;
	u32 owner;

	gv_spin_lock(&hv->ept_lock);
	owner = gv_ept_owner_find(&hv->owners, f.view, f.gpa);
	if (owner && owner < GV_EPT_HANDLERS_MAX) {
		fn = hv->ept_handlers[owner].fn;
		arg = hv->ept_handlers[owner].arg;
	}
	gv_spin_unlock(&hv->ept_lock);
	if (!fn)
		return GV_EPT_BLOCK;
	hv->ept_dispatched++;
	return fn(c, &f, arg);
}
