// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d domain-id allocator: a bitmap in the caller's struct. Root-side and
 * freestanding; also linked into the KUnit suite gv_vtd_domid. See
 * vtd_domid.h and docs/vtd.md.
 */
#include "vtd_domid.h"
#include "../uapi/linux/greenvisor.h"

static bool bit_test(const struct gv_vtd_domid *d, unsigned int id)
{
	return d->map[id / 64] & BIT_ULL(id % 64);
}

static void bit_flip(struct gv_vtd_domid *d, unsigned int id)
{
	d->map[id / 64] ^= BIT_ULL(id % 64);
}

int gv_vtd_domid_init(struct gv_vtd_domid *d, unsigned int nd)
{
	unsigned int i;

	if (!d || nd > GV_VTD_DOMID_ND_MAX)
		return -GV_EINVAL;
	/* 2^(4 + 2 * ND) ids (11.4.2, CAP.ND), at most what we track. */
	d->nr = 1u << (4 + 2 * nd);
	if (d->nr > GV_VTD_DOMID_MAX)
		d->nr = GV_VTD_DOMID_MAX;
	d->used = 0;
	for (i = 0; i < GV_VTD_DOMID_MAX / 64; i++)
		d->map[i] = 0;
	bit_flip(d, 0);		/* reserved: see vtd_domid.h */
	return 0;
}

int gv_vtd_domid_alloc(struct gv_vtd_domid *d)
{
	unsigned int id;

	if (!d)
		return -GV_EINVAL;
	for (id = 1; id < d->nr; id++) {
		if (!bit_test(d, id)) {
			bit_flip(d, id);
			d->used++;
			return id;
		}
	}
	return -GV_ENOSPC;
}

int gv_vtd_domid_free(struct gv_vtd_domid *d, unsigned int id)
{
	if (!gv_vtd_domid_in_use(d, id))
		return -GV_EINVAL;
	bit_flip(d, id);
	d->used--;
	return 0;
}

bool gv_vtd_domid_in_use(const struct gv_vtd_domid *d, unsigned int id)
{
	return d && id && id < d->nr && bit_test(d, id);
}

unsigned int gv_vtd_domid_count(const struct gv_vtd_domid *d)
{
	return d->used;
}

unsigned int gv_vtd_domid_capacity(const struct gv_vtd_domid *d)
{
	return d->nr - 1;
}
