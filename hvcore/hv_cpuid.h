/* SPDX-License-Identifier: GPL-2.0 */
/* CPUID virtualization: what the rich OS sees (pure logic). */
#ifndef GV_HV_CPUID_H
#define GV_HV_CPUID_H

#include "hv_types.h"

struct gv_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

#define GV_CPUID1_ECX_VMX	BIT(5)
#define GV_CPUID1_ECX_HV	BIT(31)
#define GV_CPUID_HV_FIRST	0x40000000u
#define GV_CPUID_HV_LAST	0x400000ffu

/* True for leaves greenvisor answers itself (the hypervisor range). */
bool gv_cpuid_is_hv_leaf(u32 leaf);

/* Fill @r with greenvisor's answer for a hypervisor-range @leaf. */
void gv_cpuid_hv_leaf(u32 leaf, u32 features, struct gv_cpuid_regs *r);

/*
 * Adjust the hardware's answer for (@leaf, @subleaf) in place: hide VMX
 * and announce a hypervisor in leaf 1; everything else passes unchanged.
 */
void gv_cpuid_filter(u32 leaf, u32 subleaf, struct gv_cpuid_regs *r);

#endif /* GV_HV_CPUID_H */
