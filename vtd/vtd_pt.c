// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d second-level page tables (VT-d specification 3.x, 3.6 and 9.8).
 * Root-side and freestanding; also linked into the KUnit suite gv_vtd_pt.
 * See vtd_pt.h and docs/vtd.md.
 *
 * Work in progress: the API is final, the bodies come next.
 */
#include "vtd_pt.h"
#include "../uapi/linux/greenvisor.h"

int gv_vtd_pt_levels_from_cap(u64 cap)
{
	return -GV_ENOSYS;
}

unsigned int gv_vtd_pt_flags_from_cap(u64 cap)
{
	return 0;
}

int gv_vtd_pt_init(struct gv_vtd_pt *pt, const struct gv_vtd_pt_ops *ops,
		   unsigned int levels, unsigned int flags)
{
	return -GV_ENOSYS;
}

void gv_vtd_pt_destroy(struct gv_vtd_pt *pt)
{
}

u64 gv_vtd_pt_root_pa(const struct gv_vtd_pt *pt)
{
	return pt->root_pa;
}

unsigned int gv_vtd_pt_aw(const struct gv_vtd_pt *pt)
{
	return pt->levels - 2;
}

int gv_vtd_pt_map(struct gv_vtd_pt *pt, u64 iova, u64 pa, u64 size,
		  unsigned int perm)
{
	return -GV_ENOSYS;
}

int gv_vtd_pt_unmap(struct gv_vtd_pt *pt, u64 iova, u64 size)
{
	return -GV_ENOSYS;
}

int gv_vtd_pt_map_identity(struct gv_vtd_pt *pt,
			   const struct gv_vtd_range *map, unsigned int nr_map,
			   const struct gv_vtd_range *holes,
			   unsigned int nr_holes, unsigned int perm)
{
	return -GV_ENOSYS;
}

int gv_vtd_pt_lookup(const struct gv_vtd_pt *pt, u64 iova,
		     struct gv_vtd_pt_leaf *leaf)
{
	return -GV_ENOSYS;
}

int gv_vtd_pt_walk(const struct gv_vtd_pt *pt, u64 iova, u64 size,
		   gv_vtd_pt_walk_fn fn, void *arg)
{
	return -GV_ENOSYS;
}

bool gv_vtd_pt_flush_needed(const struct gv_vtd_pt *pt)
{
	return pt->flush;
}

void gv_vtd_pt_flush_range(const struct gv_vtd_pt *pt, u64 *iova, u64 *size)
{
	*iova = 0;
	*size = 0;
}

void gv_vtd_pt_flush_done(struct gv_vtd_pt *pt)
{
	pt->flush = false;
}

void gv_vtd_pt_get_stats(const struct gv_vtd_pt *pt,
			 struct gv_vtd_pt_stats *st)
{
	*st = pt->stats;
}

int gv_vtd_pt_audit(const struct gv_vtd_pt *pt, struct gv_vtd_pt_stats *st)
{
	return -GV_ENOSYS;
}
