/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d domain-id allocator. A unit tags its context-cache and IOTLB entries
 * with the 16-bit domain id of the context entry (9.3); CAP.ND (bits 2:0)
 * says how many ids it supports: 2^(4 + 2 * ND), i.e. 16 .. 65536 (ND = 7
 * is reserved). Pure root-side logic; the state is the caller's struct.
 * See docs/vtd.md.
 *
 * Id 0 is never handed out: with CAP.CM = 1 (caching mode, e.g. QEMU's
 * caching-mode=on) the hardware reserves domain id 0 (11.4.2, CM field:
 * "software must not use domain-id value of zero"); reserving it on every
 * unit keeps one rule for all.
 *
 * Capacity: at most GV_VTD_DOMID_MAX ids are tracked (ids 1 .. 255 are
 * usable), even when the unit supports more: greenvisor needs one domain
 * for the rich OS and one per green device.
 */
#ifndef GV_VTD_DOMID_H
#define GV_VTD_DOMID_H

#include "../hvcore/hv_types.h"

#define GV_VTD_DOMID_MAX	256
#define GV_VTD_DOMID_ND_MAX	6	/* CAP.ND 7 is reserved */

/**
 * struct gv_vtd_domid - the ids of one unit (or of several units that
 * share ids: then init with the smallest ND). Treat as opaque.
 * @nr:   ids tracked: min(2^(4 + 2 * ND), GV_VTD_DOMID_MAX), id 0 included.
 * @used: ids allocated (id 0 not counted).
 * @map:  bit n set when id n is allocated (bit 0 always set).
 */
struct gv_vtd_domid {
	u32 nr;
	u32 used;
	u64 map[GV_VTD_DOMID_MAX / 64];
};

/**
 * gv_vtd_domid_init - no id allocated.
 * @d:  the allocator.
 * @nd: CAP.ND, 0..6.
 *
 * Return: 0; -GV_EINVAL for a NULL @d or @nd > 6.
 */
int gv_vtd_domid_init(struct gv_vtd_domid *d, unsigned int nd);

/**
 * gv_vtd_domid_alloc - allocate the lowest free id (so freed ids are
 * reused first).
 *
 * Return: the id, 1 .. nr - 1; -GV_ENOSPC when all are in use; -GV_EINVAL
 * for a NULL @d.
 */
int gv_vtd_domid_alloc(struct gv_vtd_domid *d);

/**
 * gv_vtd_domid_free - free @id.
 *
 * Return: 0; -GV_EINVAL (nothing changed) when @id is 0, beyond the
 * capacity or not allocated.
 */
int gv_vtd_domid_free(struct gv_vtd_domid *d, unsigned int id);

/** gv_vtd_domid_in_use - is @id allocated? (False for 0 and out of range.) */
bool gv_vtd_domid_in_use(const struct gv_vtd_domid *d, unsigned int id);

/** gv_vtd_domid_count - ids allocated. */
unsigned int gv_vtd_domid_count(const struct gv_vtd_domid *d);

/** gv_vtd_domid_capacity - ids that can be allocated at once (nr - 1). */
unsigned int gv_vtd_domid_capacity(const struct gv_vtd_domid *d);

#endif /* GV_VTD_DOMID_H */
