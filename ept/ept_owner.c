// SPDX-License-Identifier: GPL-2.0
/* Range ownership for EPT violation dispatch (ept_owner.h). */
#include "ept_owner.h"
#include "../uapi/linux/greenvisor.h"

#define OWNER_PAGE_MASK		0xfffull

int gv_ept_owner_claim(struct gv_ept_owners *o, u32 view, u64 gpa, u64 size,
		       u32 owner)
{
	u64 end = gpa + size;
	u32 i;

	if (view >= GV_VIEW_NR || !owner || !size || end < gpa ||
	    ((gpa | size) & OWNER_PAGE_MASK))
		return -GV_EINVAL;
	for (i = 0; i < o->nr; i++) {
		const struct gv_ept_owned *r = &o->r[i];

		if (r->view == view && gpa < r->end && r->start < end)
			return -GV_EBUSY;
	}
	if (o->nr == GV_EPT_OWNERS_MAX)
		return -GV_ENOSPC;
	o->r[o->nr].start = gpa;
	o->r[o->nr].end = end;
	o->r[o->nr].view = view;
	o->r[o->nr].owner = owner;
	o->nr++;
	return 0;
}

static void remove_at(struct gv_ept_owners *o, u32 i)
{
	o->r[i] = o->r[--o->nr];
}

int gv_ept_owner_release(struct gv_ept_owners *o, u32 view, u64 gpa,
			 u64 size, u32 owner)
{
	u32 i;

	for (i = 0; i < o->nr; i++) {
		const struct gv_ept_owned *r = &o->r[i];

		if (r->view == view && r->start == gpa &&
		    r->end - r->start == size && r->owner == owner) {
			remove_at(o, i);
			return 0;
		}
	}
	return -GV_ENOENT;
}

u32 gv_ept_owner_release_all(struct gv_ept_owners *o, u32 owner)
{
	u32 i = 0, n = 0;

	while (i < o->nr) {
		if (o->r[i].owner == owner) {
			remove_at(o, i);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

u32 gv_ept_owner_find(const struct gv_ept_owners *o, u32 view, u64 gpa)
{
	u32 i;

	for (i = 0; i < o->nr; i++) {
		const struct gv_ept_owned *r = &o->r[i];

		if (r->view == view && r->start <= gpa && gpa < r->end)
			return r->owner;
	}
	return 0;
}
