/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX control adjustment against the capability MSRs (pure logic, shared by
 * the Linux side at launch and by the KUnit suites).
 */
#ifndef GV_HV_VMX_CTL_H
#define GV_HV_VMX_CTL_H

#include "hv_types.h"

/*
 * gv_adjust_ctl - compute a 32-bit VMX control value.
 * @cap:      the capability MSR (IA32_VMX_[TRUE_]{PINBASED,PROCBASED,EXIT,
 *            ENTRY}_CTLS or IA32_VMX_PROCBASED_CTLS2). Bits 31:0 are the
 *            allowed 0-settings (a 1 there means the control must be 1),
 *            bits 63:32 the allowed 1-settings (SDM Vol. 3D, A.3-A.5).
 * @required: controls greenvisor cannot run without.
 * @optional: controls used when the CPU allows them.
 * @forbidden: controls that must be 0 (e.g. CR3-load exiting); used to
 *            detect CPUs that force an exit greenvisor does not handle.
 * @out:      the control value (must-be-1 bits | required | allowed optional).
 * @missing:  set to the required bits the CPU cannot set, the forbidden
 *            bits the CPU cannot clear, and any bit both required and
 *            forbidden.
 *
 * Returns 0, or -GV_EINVAL when @missing is non-zero (@out is then not
 * meaningful).
 */
int gv_adjust_ctl(u64 cap, u32 required, u32 optional, u32 forbidden,
		  u32 *out, u32 *missing);

/* True when a control value respects the capability MSR. */
bool gv_ctl_allowed(u64 cap, u32 value);

/*
 * gv_fixed_cr - apply IA32_VMX_CR{0,4}_FIXED{0,1} to a control register
 * value: bits set in @fixed0 must be 1, bits clear in @fixed1 must be 0
 * (SDM Vol. 3D, A.7 and A.8).
 */
u64 gv_fixed_cr(u64 value, u64 fixed0, u64 fixed1);
bool gv_cr_valid(u64 value, u64 fixed0, u64 fixed1);

#endif /* GV_HV_VMX_CTL_H */
