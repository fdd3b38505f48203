/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who owns which guest-physical ranges of which view, so that an EPT
 * violation is handed to the hypapp that owns the range (DESIGN.md
 * "Hypapps"). Pure root-side logic: a small fixed table, no allocation.
 */
#ifndef GV_EPT_OWNER_H
#define GV_EPT_OWNER_H

#include "../hvcore/hv_types.h"

#define GV_EPT_OWNERS_MAX	64

/* Views a range can belong to. */
enum gv_view_id {
	GV_VIEW_RICH = 0,
	GV_VIEW_GREEN = 1,
	GV_VIEW_NR,
};

/* [start, end) of @view, owned by @owner (a hypapp id, >= 1). */
struct gv_ept_owned {
	u64 start, end;
	u32 view;
	u32 owner;
};

struct gv_ept_owners {
	u32 nr;
	struct gv_ept_owned r[GV_EPT_OWNERS_MAX];
};

/**
 * gv_ept_owner_claim - record that @owner handles violations in
 * [@gpa, @gpa + @size) of @view.
 * Return: 0; -GV_EINVAL (unaligned, empty, wrapping, bad view or owner 0);
 * -GV_EBUSY (overlaps a range already claimed in that view); -GV_ENOSPC.
 */
int gv_ept_owner_claim(struct gv_ept_owners *o, u32 view, u64 gpa, u64 size,
		       u32 owner);

/**
 * gv_ept_owner_release - drop a claim made by gv_ept_owner_claim() with
 * exactly these arguments. Return: 0; -GV_ENOENT.
 */
int gv_ept_owner_release(struct gv_ept_owners *o, u32 view, u64 gpa,
			 u64 size, u32 owner);

/* Drop every claim of @owner (a hypapp going away); returns how many. */
u32 gv_ept_owner_release_all(struct gv_ept_owners *o, u32 owner);

/* The owner of @gpa in @view, or 0 when nobody claimed it. */
u32 gv_ept_owner_find(const struct gv_ept_owners *o, u32 view, u64 gpa);

#endif /* GV_EPT_OWNER_H */
