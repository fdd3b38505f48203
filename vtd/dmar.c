// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI DMAR table parser (VT-d specification, chapter 8). Root-side and
 * freestanding; also linked into the KUnit suite gv_vtd_dmar. See dmar.h
 * and docs/vtd.md.
 *
 * Work in progress: the API is final, the bodies come next.
 */
#include "dmar.h"
#include "../uapi/linux/greenvisor.h"

int gv_dmar_parse(const void *table, u64 len, struct gv_dmar_info *out,
		  const char **why)
{
	if (why)
		*why = "not implemented yet";
	return -GV_ENOSYS;
}

bool gv_dmar_scope_is_dev(const struct gv_dmar_scope *s, u8 bus, u8 devfn)
{
	return false;
}

int gv_dmar_find_drhd(const struct gv_dmar_info *info, u16 segment, u8 bus,
		      u8 devfn)
{
	return -GV_ENOSYS;
}

int gv_dmar_next_rmrr(const struct gv_dmar_info *info, u32 from, u16 segment,
		      u8 bus, u8 devfn)
{
	return -GV_ENOSYS;
}
