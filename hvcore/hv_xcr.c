// SPDX-License-Identifier: GPL-2.0
/* XSETBV emulation checks (pure logic; root side and KUnit). */
#include "hv_xcr.h"

/* Both bits of @group set, or neither. */
static bool all_or_none(u64 value, u64 group)
{
	u64 bits = value & group;

	return bits == 0 || bits == group;
}

bool gv_xsetbv_valid(u32 index, u64 value, u64 supported)
{
	if (index != 0)
		return false;
	if (!(value & GV_XFEATURE_X87))
		return false;
	if (value & ~supported)
		return false;
	if ((value & GV_XFEATURE_YMM) && !(value & GV_XFEATURE_SSE))
		return false;
	if (!all_or_none(value, GV_XFEATURE_BNDREGS | GV_XFEATURE_BNDCSR))
		return false;
	if (!all_or_none(value, GV_XFEATURE_AVX512))
		return false;
	if ((value & GV_XFEATURE_AVX512) && !(value & GV_XFEATURE_YMM))
		return false;
	return all_or_none(value, GV_XFEATURE_AMX);
}
