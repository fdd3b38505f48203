// SPDX-License-Identifier: GPL-2.0
/*
 * VMX control adjustment (SDM Vol. 3D, Appendix A.3-A.5, A.7, A.8).
 * Root-side and freestanding; also linked into the KUnit suites.
 */
#include "hv_vmx_ctl.h"
#include "../uapi/linux/greenvisor.h"

static u32 ctl_must_be_one(u64 cap)
{
	return (u32)cap;
}

static u32 ctl_may_be_one(u64 cap)
{
	return (u32)(cap >> 32);
}

int gv_adjust_ctl(u64 cap, u32 required, u32 optional, u32 forbidden,
		  u32 *out, u32 *missing)
{
	u32 must = ctl_must_be_one(cap);
	u32 may = ctl_may_be_one(cap);

	/* A control both required and forbidden is a caller bug: refuse it. */
	*missing = (required & ~may) | (forbidden & must) | (required & forbidden);
	*out = must | required | (optional & may);
	*out &= ~(forbidden & ~must);
	return *missing ? -GV_EINVAL : 0;
}

bool gv_ctl_allowed(u64 cap, u32 value)
{
	u32 must = ctl_must_be_one(cap);
	u32 may = ctl_may_be_one(cap);

	return (value & must) == must && (value & ~may) == 0;
}

u64 gv_fixed_cr(u64 value, u64 fixed0, u64 fixed1)
{
	return (value | fixed0) & fixed1;
}

bool gv_cr_valid(u64 value, u64 fixed0, u64 fixed1)
{
	return gv_fixed_cr(value, fixed0, fixed1) == value;
}
