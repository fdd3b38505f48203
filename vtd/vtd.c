// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d takeover and domains: the rich domain, protected ranges, green
 * memory, per-device green domains, faults. Root-side code; see vtd.h.
 */
#include "vtd.h"
#include "../hvcore/hv_root.h"

#define LOG(v, lvl, fmt, ...) do {					\
	const struct gv_vtd *__v = (v);					\
	__v->ops->log(__v->ops->ctx, (lvl), "vtd: " fmt, ##__VA_ARGS__);	\
} while (0)

#define GV_VTD_PA_TOP		BIT_ULL(GV_VTD_PT_PA_BITS)

static bool range_ok(u64 pa, u64 size)
{
	return size && !(pa & 0xfff) && !(size & 0xfff) &&
	       pa + size > pa && pa + size <= GV_VTD_PA_TOP;
}

static bool overlaps(const struct gv_vtd_range *r, u64 pa, u64 size)
{
	return pa < r->start + r->size && r->start < pa + size;
}

static int find_overlap(const struct gv_vtd_range *r, u32 n, u64 pa, u64 size)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (overlaps(&r[i], pa, size))
			return i;
	return -1;
}

static int find_exact(const struct gv_vtd_range *r, u32 n, u64 pa, u64 size)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (r[i].start == pa && r[i].size == size)
			return i;
	return -1;
}

static void range_del(struct gv_vtd_range *r, u32 *n, u32 i)
{
	(*n)--;
	r[i] = r[*n];
	r[*n].start = 0;
	r[*n].size = 0;
}

void gv_vtd_init(struct gv_vtd *v, const struct gv_vtd_ops *ops)
{
	v->ops = ops;
	v->nr_units = 0;
	v->nr_base = 0;
	v->nr_prot = 0;
	v->nr_green = 0;
	v->on = false;
	v->rich.live = false;
}

/**
 * gv_vtd_add_unit - probe one DRHD (nothing is changed on the unit).
 * Return: the unit's index, or a negative GV_E* (the unit is not added).
 */
int gv_vtd_add_unit(struct gv_vtd *v, void *regs, u64 reg_base, u16 segment,
		    u64 max_pa, enum gv_vtd_inval inval)
{
	struct gv_vtd_unit *u;
	int err;

	if (v->nr_units == GV_VTD_MAX_UNITS || v->rich.live)
		return -GV_ENOSPC;
	u = &v->unit[v->nr_units];
	gv_memset(u, 0, sizeof(*u));
	err = gv_vtd_unit_probe(u, v->ops, regs, reg_base, segment,
				v->nr_units, max_pa, inval);
	if (err)
		return err;
	return v->nr_units++;
}

/* A range the rich domain identity-maps (RAM, an RMRR). Before build. */
int gv_vtd_add_base(struct gv_vtd *v, u64 start, u64 size)
{
	if (!range_ok(start, size))
		return -GV_EINVAL;
	if (v->rich.live)
		return -GV_EBUSY;
	if (v->nr_base == GV_VTD_MAX_BASE)
		return -GV_ENOSPC;
	v->base[v->nr_base].start = start;
	v->base[v->nr_base].size = size;
	v->nr_base++;
	return 0;
}

/*
 * After a change to domain @d (used by unit @unit, or by all when -1):
 * invalidate what was removed (page-selective where possible), and with
 * caching mode what was added ([@add, +@add_size)), before returning.
 */
static int dom_sync(struct gv_vtd *v, struct gv_vtd_domain *d, int unit,
		    u64 add, u64 add_size)
{
	bool removed = gv_vtd_pt_flush_needed(&d->pt);
	u64 iova = 0, size = 0;
	int err = 0, e;
	u32 i;

	if (removed)
		gv_vtd_pt_flush_range(&d->pt, &iova, &size);
	for (i = 0; i < v->nr_units; i++) {
		struct gv_vtd_unit *u = &v->unit[i];

		if ((unit >= 0 && i != (u32)unit) || !u->te_on)
			continue;
		e = 0;
		if (removed)
			e = gv_vtd_unit_inv_iotlb_range(u, d->did, iova, size);
		if (!e && add_size && u->caching_mode)
			e = gv_vtd_unit_inv_iotlb_range(u, d->did, add, add_size);
		if (e && !err)
			err = e;
	}
	if (err) {
		v->cnt.inval_errors++;
		LOG(v, GV_VTD_LOG_ERR, "invalidation for domain %u failed (%d)\n",
		    d->did, err);
		return err;
	}
	if (removed)
		gv_vtd_pt_flush_done(&d->pt);
	return 0;
}

/* Map back [@pa, +@size) in the rich domain where a base range covers it. */
static int rich_restore(struct gv_vtd *v, u64 pa, u64 size)
{
	struct gv_vtd_range outside[2] = {
		{ 0, pa }, { pa + size, GV_VTD_PA_TOP - (pa + size) },
	};
	struct gv_vtd_range *holes = outside;
	u32 nr = 2;

	if (!pa) {
		holes++;
		nr--;
	}
	if (pa + size == GV_VTD_PA_TOP)
		nr--;
	return gv_vtd_pt_map_identity(&v->rich.pt, v->base, v->nr_base,
				      nr ? holes : NULL, nr, GV_VTD_RW);
}

static int rich_remove(struct gv_vtd *v, u64 pa, u64 size)
{
	int err;

	if (!v->rich.live)
		return 0;
	err = gv_vtd_pt_unmap(&v->rich.pt, pa, size);
	return err ?: dom_sync(v, &v->rich, -1, 0, 0);
}

static int rich_add(struct gv_vtd *v, u64 pa, u64 size)
{
	int err;

	if (!v->rich.live)
		return 0;
	err = rich_restore(v, pa, size);
	if (err)
		return err;
	/*
	 * Fold back the tables the removal split, once the range is whole
	 * again (an optimisation: a failure leaves valid smaller leaves). The
	 * unlinked tables are freed after dom_sync()'s invalidation.
	 */
	gv_vtd_pt_merge(&v->rich.pt, pa, size);
	return dom_sync(v, &v->rich, -1, pa, size);
}

static int common_levels(struct gv_vtd *v)
{
	unsigned int all = 0x1f, flags = GV_VTD_PT_F_ALL;
	u64 top = 0;
	u32 i;

	for (i = 0; i < v->nr_units; i++) {
		all &= GV_VTD_CAP_SAGAW(v->unit[i].cap);
		flags &= gv_vtd_pt_flags_from_cap(v->unit[i].cap);
	}
	for (i = 0; i < v->nr_base; i++)
		if (v->base[i].start + v->base[i].size > top)
			top = v->base[i].start + v->base[i].size;
	if (all & BIT(2)) {
		v->levels = 4;
	} else if ((all & BIT(1)) && !((top - 1) >> 39)) {
		v->levels = 3;
	} else {
		LOG(v, GV_VTD_LOG_ERR,
		    "units share no table depth (SAGAW 0x%x) for memory up to 0x%llx\n",
		    all, top);
		return -GV_EOPNOTSUPP;
	}
	v->pt_flags = flags;
	for (i = 0; i < v->nr_units; i++)
		v->unit[i].levels = v->levels;
	return 0;
}

static int dom_create(struct gv_vtd *v, struct gv_vtd_domain *d)
{
	int id, err;

	id = gv_vtd_domid_alloc(&v->ids);
	if (id < 0)
		return id;
	err = gv_vtd_pt_init(&d->pt, &v->pt_ops, v->levels, v->pt_flags);
	if (err) {
		gv_vtd_domid_free(&v->ids, id);
		return err;
	}
	d->did = id;
	d->live = true;
	return 0;
}

static void dom_destroy(struct gv_vtd *v, struct gv_vtd_domain *d)
{
	if (!d->live)
		return;
	gv_vtd_pt_destroy(&d->pt);
	gv_vtd_domid_free(&v->ids, d->did);
	d->live = false;
}

/**
 * gv_vtd_build - allocate the units' tables and build the rich domain
 * (base ranges minus protected and green ranges). Nothing is enabled yet.
 */
int gv_vtd_build(struct gv_vtd *v)
{
	unsigned int nd = 6;
	bool coherent = true;
	u32 i;
	int err;

	if (!v->nr_units)
		return -GV_ENODEV;
	err = common_levels(v);
	if (err)
		return err;
	for (i = 0; i < v->nr_units; i++) {
		if (GV_VTD_CAP_ND(v->unit[i].cap) < nd)
			nd = GV_VTD_CAP_ND(v->unit[i].cap);
		coherent &= v->unit[i].coherent;
	}
	v->pt_ops.ctx = v->ops->ctx;
	v->pt_ops.alloc_table = v->ops->alloc_page;
	v->pt_ops.free_table = v->ops->free_page;
	v->pt_ops.pa_to_va = v->ops->pa_to_va;
	v->pt_ops.flush_cache = coherent ? NULL : v->ops->flush_cache;
	gv_vtd_domid_init(&v->ids, nd);
	for (i = 0; i < v->nr_units; i++) {
		err = gv_vtd_unit_alloc(&v->unit[i]);
		if (err)
			goto fail;
	}
	err = dom_create(v, &v->rich);
	if (err)
		goto fail;
	err = gv_vtd_pt_map_identity(&v->rich.pt, v->base, v->nr_base,
				     v->nr_prot ? v->prot : NULL, v->nr_prot,
				     GV_VTD_RW);
	for (i = 0; !err && i < v->nr_green; i++)
		err = gv_vtd_pt_unmap(&v->rich.pt, v->green[i].start,
				      v->green[i].size);
	if (err) {
		LOG(v, GV_VTD_LOG_ERR, "cannot build the rich domain (%d)\n", err);
		goto fail;
	}
	/* Nothing is cached yet: gv_vtd_enable() invalidates globally. */
	gv_vtd_pt_flush_done(&v->rich.pt);
	return 0;
fail:
	dom_destroy(v, &v->rich);
	for (i = 0; i < v->nr_units; i++)
		gv_vtd_unit_free(&v->unit[i]);
	return err;
}

/* Put a device (of unit @unit) in the rich domain. */
int gv_vtd_attach(struct gv_vtd *v, u32 unit, u8 bus, u8 devfn)
{
	u16 did;
	u64 pa;

	if (unit >= v->nr_units || !v->rich.live)
		return -GV_EINVAL;
	if (!gv_vtd_unit_get_context(&v->unit[unit], bus, devfn, &did, &pa))
		return 0;
	return gv_vtd_unit_set_context(&v->unit[unit], bus, devfn,
				       v->rich.did,
				       gv_vtd_pt_root_pa(&v->rich.pt));
}

int gv_vtd_enable(struct gv_vtd *v)
{
	u32 i, j;
	int err;

	for (i = 0; i < v->nr_units; i++) {
		err = gv_vtd_unit_enable(&v->unit[i]);
		if (err) {
			for (j = 0; j < i; j++)
				gv_vtd_unit_disable(&v->unit[j]);
			return err;
		}
	}
	v->on = true;
	return 0;
}

/* Every unit off, then every table freed. */
void gv_vtd_teardown(struct gv_vtd *v)
{
	u32 i;

	for (i = 0; i < v->nr_units; i++)
		gv_vtd_unit_disable(&v->unit[i]);
	v->on = false;
	for (i = 0; i < GV_VTD_MAX_GDEV; i++) {
		dom_destroy(v, &v->gdev[i].dom);
		v->gdev[i].used = false;
	}
	dom_destroy(v, &v->rich);
	for (i = 0; i < v->nr_units; i++)
		gv_vtd_unit_free(&v->unit[i]);
}

/* A new protected or green range must not touch an existing one. */
static int check_new(struct gv_vtd *v, u64 pa, u64 size)
{
	if (!range_ok(pa, size))
		return -GV_EINVAL;
	if (find_overlap(v->prot, v->nr_prot, pa, size) >= 0 ||
	    find_overlap(v->green, v->nr_green, pa, size) >= 0)
		return -GV_EBUSY;
	return 0;
}

/**
 * gv_vtd_protect - remove [@pa, +@size) from the rich domain; no device
 * reaches it once this returns 0. The range must be 4 KiB aligned and not
 * overlap a protected or green range (-GV_EINVAL, -GV_EBUSY: nothing
 * changed). -GV_ETIMEDOUT/-GV_EIO: a unit did not confirm the
 * invalidation; the range is recorded as protected all the same.
 */
int gv_vtd_protect(struct gv_vtd *v, u64 pa, u64 size)
{
	int err = check_new(v, pa, size);

	if (err)
		return err;
	if (v->nr_prot == GV_VTD_MAX_PROT)
		return -GV_ENOSPC;
	if (v->rich.live) {
		err = gv_vtd_pt_unmap(&v->rich.pt, pa, size);
		if (err)
			return err;
		err = dom_sync(v, &v->rich, -1, 0, 0);
	}
	v->prot[v->nr_prot].start = pa;
	v->prot[v->nr_prot].size = size;
	v->nr_prot++;
	v->cnt.protects++;
	return err;
}

/* Give back exactly a range gv_vtd_protect() took (-GV_ENOENT if not). */
int gv_vtd_unprotect(struct gv_vtd *v, u64 pa, u64 size)
{
	int i = find_exact(v->prot, v->nr_prot, pa, size);
	int err;

	if (!range_ok(pa, size))
		return -GV_EINVAL;
	if (i < 0)
		return -GV_ENOENT;
	err = rich_add(v, pa, size);
	if (err && err != -GV_ETIMEDOUT && err != -GV_EIO)
		return err;
	range_del(v->prot, &v->nr_prot, i);
	v->cnt.unprotects++;
	return err;
}

static int green_map_dev(struct gv_vtd *v, struct gv_vtd_gdev *g, u64 pa,
			 u64 size)
{
	struct gv_vtd_range r = { pa, size };
	int err;

	err = gv_vtd_pt_map_identity(&g->dom.pt, &r, 1, NULL, 0, GV_VTD_RW);
	return err ?: dom_sync(v, &g->dom, g->unit, pa, size);
}

static int green_unmap_dev(struct gv_vtd *v, struct gv_vtd_gdev *g, u64 pa,
			   u64 size)
{
	int err = gv_vtd_pt_unmap(&g->dom.pt, pa, size);

	return err ?: dom_sync(v, &g->dom, g->unit, 0, 0);
}

/**
 * gv_vtd_green_add - lend [@pa, +@size) to the green partition: rich
 * unmap (invalidated), then map in every green device's domain. Bad input
 * or a failure midway: nothing changed.
 */
int gv_vtd_green_add(struct gv_vtd *v, u64 pa, u64 size)
{
	int err = check_new(v, pa, size);
	int i, j;

	if (err)
		return err;
	if (v->nr_green == GV_VTD_MAX_GREEN)
		return -GV_ENOSPC;
	err = rich_remove(v, pa, size);
	if (err)
		return err;
	for (i = 0; i < GV_VTD_MAX_GDEV; i++) {
		if (!v->gdev[i].used)
			continue;
		err = green_map_dev(v, &v->gdev[i], pa, size);
		if (err)
			goto undo;
	}
	v->green[v->nr_green].start = pa;
	v->green[v->nr_green].size = size;
	v->nr_green++;
	v->cnt.green_adds++;
	return 0;
undo:
	for (j = 0; j <= i; j++)
		if (v->gdev[j].used)
			green_unmap_dev(v, &v->gdev[j], pa, size);
	rich_add(v, pa, size);
	return err;
}

/**
 * gv_vtd_green_remove - return exactly a range gv_vtd_green_add() lent:
 * green unmap (invalidated) in every green domain, then rich map.
 */
int gv_vtd_green_remove(struct gv_vtd *v, u64 pa, u64 size)
{
	int idx = find_exact(v->green, v->nr_green, pa, size);
	int err = 0, e, i;

	if (!range_ok(pa, size))
		return -GV_EINVAL;
	if (idx < 0)
		return -GV_ENOENT;
	for (i = 0; i < GV_VTD_MAX_GDEV; i++) {
		if (!v->gdev[i].used)
			continue;
		e = green_unmap_dev(v, &v->gdev[i], pa, size);
		if (e && !err)
			err = e;
	}
	if (err && err != -GV_ETIMEDOUT && err != -GV_EIO)
		return err;
	e = rich_add(v, pa, size);
	range_del(v->green, &v->nr_green, idx);
	v->cnt.green_removes++;
	return err ?: e;
}

static struct gv_vtd_gdev *gdev_find(struct gv_vtd *v, u16 seg, u8 bus,
				     u8 devfn)
{
	u32 i;

	for (i = 0; i < GV_VTD_MAX_GDEV; i++) {
		struct gv_vtd_gdev *g = &v->gdev[i];

		if (g->used && g->segment == seg && g->bus == bus &&
		    g->devfn == devfn)
			return g;
	}
	return NULL;
}

/**
 * gv_vtd_assign - move a device (in the rich domain of unit @unit) to a
 * new domain that maps only green memory. -GV_EBUSY if already assigned,
 * -GV_ENODEV if the device has no context entry (not taken over), -GV_ENOSPC
 * when out of slots or domain ids; nothing changed then.
 */
int gv_vtd_assign(struct gv_vtd *v, u32 unit, u16 segment, u8 bus, u8 devfn)
{
	struct gv_vtd_gdev *g = NULL;
	struct gv_vtd_unit *u;
	u16 did;
	u64 slpt;
	u32 i;
	int err;

	if (unit >= v->nr_units || !v->on)
		return -GV_ENODEV;
	u = &v->unit[unit];
	if (u->segment != segment)
		return -GV_EINVAL;
	if (gdev_find(v, segment, bus, devfn))
		return -GV_EBUSY;
	if (gv_vtd_unit_get_context(u, bus, devfn, &did, &slpt) ||
	    did != v->rich.did)
		return -GV_ENODEV;
	for (i = 0; i < GV_VTD_MAX_GDEV && !g; i++)
		if (!v->gdev[i].used)
			g = &v->gdev[i];
	if (!g)
		return -GV_ENOSPC;
	err = dom_create(v, &g->dom);
	if (err)
		return err;
	if (v->nr_green)
		err = gv_vtd_pt_map_identity(&g->dom.pt, v->green, v->nr_green,
					     NULL, 0, GV_VTD_RW);
	if (!err)
		gv_vtd_pt_flush_done(&g->dom.pt);	/* never used yet */
	err = err ?: gv_vtd_unit_set_context(u, bus, devfn, g->dom.did,
					     gv_vtd_pt_root_pa(&g->dom.pt));
	if (err) {
		gv_vtd_unit_set_context(u, bus, devfn, v->rich.did,
					gv_vtd_pt_root_pa(&v->rich.pt));
		dom_destroy(v, &g->dom);
		return err;
	}
	g->segment = segment;
	g->bus = bus;
	g->devfn = devfn;
	g->unit = unit;
	g->used = true;
	v->cnt.assigns++;
	LOG(v, GV_VTD_LOG_INFO, "%x:%x:%x.%u assigned to green domain %u\n",
	    segment, bus, devfn >> 3, devfn & 7, g->dom.did);
	return 0;
}

/* Move an assigned device back to the rich domain; its domain is freed. */
int gv_vtd_release(struct gv_vtd *v, u16 segment, u8 bus, u8 devfn)
{
	struct gv_vtd_gdev *g = gdev_find(v, segment, bus, devfn);
	int err;

	if (!g)
		return -GV_ENOENT;
	err = gv_vtd_unit_set_context(&v->unit[g->unit], bus, devfn,
				      v->rich.did,
				      gv_vtd_pt_root_pa(&v->rich.pt));
	if (err)
		return err;
	LOG(v, GV_VTD_LOG_INFO, "%x:%x:%x.%u back in the rich domain (domain %u freed)\n",
	    segment, bus, devfn >> 3, devfn & 7, g->dom.did);
	dom_destroy(v, &g->dom);
	g->used = false;
	v->cnt.releases++;
	return 0;
}

struct fault_ctx {
	struct gv_vtd *v;
	gv_vtd_fault_fn fn;
	void *ctx;
};

static void fault_record(void *arg, const struct gv_vtd_fault *f)
{
	struct fault_ctx *fc = arg;
	struct gv_vtd *v = fc->v;

	v->cnt.faults++;
	v->cnt.reasons[f->reason]++;
	v->fault_ring[v->fault_next % GV_VTD_FAULT_RING] = *f;
	v->fault_next++;
	if (fc->fn)
		fc->fn(fc->ctx, f);
}

/* Read and clear every unit's fault records; @fn sees each one. */
int gv_vtd_poll_faults(struct gv_vtd *v, gv_vtd_fault_fn fn, void *ctx)
{
	struct fault_ctx fc = { v, fn, ctx };
	int n = 0;
	u64 before;
	u32 i;

	for (i = 0; i < v->nr_units; i++) {
		struct gv_vtd_unit *u = &v->unit[i];

		if (!u->root_set)
			continue;
		before = u->stats.overflows;
		n += gv_vtd_unit_read_faults(u, fault_record, &fc);
		v->cnt.overflows += u->stats.overflows - before;
	}
	return n;
}

/* Test knob (test mode only): skip IOTLB invalidations on every unit. */
void gv_vtd_set_skip_iotlb(struct gv_vtd *v, bool skip)
{
	u32 i;

	for (i = 0; i < v->nr_units; i++)
		v->unit[i].skip_iotlb = skip;
}
