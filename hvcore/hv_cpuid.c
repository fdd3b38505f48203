// SPDX-License-Identifier: GPL-2.0
/* CPUID virtualization (pure logic; root side and KUnit). */
#include "hv_cpuid.h"
#include "../uapi/linux/greenvisor.h"

bool gv_cpuid_is_hv_leaf(u32 leaf)
{
	return leaf >= GV_CPUID_HV_FIRST && leaf <= GV_CPUID_HV_LAST;
}

void gv_cpuid_hv_leaf(u32 leaf, u32 features, struct gv_cpuid_regs *r)
{
	r->eax = 0;
	r->ebx = 0;
	r->ecx = 0;
	r->edx = 0;

	switch (leaf) {
	case GV_CPUID_LEAF_SIGNATURE:
		r->eax = GV_CPUID_LEAF_MAX;
		r->ebx = GV_CPUID_SIG_EBX;
		r->ecx = GV_CPUID_SIG_ECX;
		r->edx = GV_CPUID_SIG_EDX;
		break;
	case GV_CPUID_LEAF_FEATURES:
		r->eax = GV_ABI_VERSION;
		r->ebx = features;
		break;
	default:
		/* Reserved greenvisor leaves read as zero. */
		break;
	}
}

void gv_cpuid_filter(u32 leaf, u32 subleaf, struct gv_cpuid_regs *r)
{
	(void)subleaf;

	if (leaf == 1) {
		/* Hide VMX so nothing (KVM) tries to nest beneath us. */
		r->ecx &= ~GV_CPUID1_ECX_VMX;
		r->ecx |= GV_CPUID1_ECX_HV;
	}
}
