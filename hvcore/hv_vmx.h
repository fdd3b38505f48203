/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX architecture definitions: VMCS field encodings (SDM Vol. 3D,
 * Appendix B), control bits (Vol. 3C, 25.6-25.8), exit reasons (Vol. 3D,
 * Appendix C), capability MSRs (Vol. 3D, Appendix A) and instruction
 * wrappers. Shared by the root side and by the Linux-side launch code; only
 * inline assembly, no calls.
 */
#ifndef GV_HV_VMX_H
#define GV_HV_VMX_H

#include "hv_types.h"

/* 16-bit fields */
#define VMCS_VPID			0x0000
#define VMCS_GUEST_ES_SEL		0x0800
#define VMCS_GUEST_CS_SEL		0x0802
#define VMCS_GUEST_SS_SEL		0x0804
#define VMCS_GUEST_DS_SEL		0x0806
#define VMCS_GUEST_FS_SEL		0x0808
#define VMCS_GUEST_GS_SEL		0x080a
#define VMCS_GUEST_LDTR_SEL		0x080c
#define VMCS_GUEST_TR_SEL		0x080e
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c

/* 64-bit fields */
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_EPT_POINTER		0x201a
#define VMCS_GUEST_PHYS_ADDR		0x2400
#define VMCS_XSS_EXIT_BITMAP		0x202c
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02

/* 32-bit fields */
#define VMCS_PIN_CTLS			0x4000
#define VMCS_PROC_CTLS			0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_PF_ERR_MASK		0x4006
#define VMCS_PF_ERR_MATCH		0x4008
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CTLS			0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CTLS			0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXCEPTION_ERR	0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_PROC_CTLS2			0x401e
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERR		0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define VMCS_GUEST_ES_LIMIT		0x4800
#define VMCS_GUEST_CS_LIMIT		0x4802
#define VMCS_GUEST_SS_LIMIT		0x4804
#define VMCS_GUEST_DS_LIMIT		0x4806
#define VMCS_GUEST_FS_LIMIT		0x4808
#define VMCS_GUEST_GS_LIMIT		0x480a
#define VMCS_GUEST_LDTR_LIMIT		0x480c
#define VMCS_GUEST_TR_LIMIT		0x480e
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814
#define VMCS_GUEST_CS_AR		0x4816
#define VMCS_GUEST_SS_AR		0x4818
#define VMCS_GUEST_DS_AR		0x481a
#define VMCS_GUEST_FS_AR		0x481c
#define VMCS_GUEST_GS_AR		0x481e
#define VMCS_GUEST_LDTR_AR		0x4820
#define VMCS_GUEST_TR_AR		0x4822
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY		0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_HOST_SYSENTER_CS		0x4c00

/* Natural-width fields */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
#define VMCS_EXIT_QUALIFICATION		0x6400
#define VMCS_GUEST_LINEAR_ADDR		0x640a
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806
#define VMCS_GUEST_CS_BASE		0x6808
#define VMCS_GUEST_SS_BASE		0x680a
#define VMCS_GUEST_DS_BASE		0x680c
#define VMCS_GUEST_FS_BASE		0x680e
#define VMCS_GUEST_GS_BASE		0x6810
#define VMCS_GUEST_LDTR_BASE		0x6812
#define VMCS_GUEST_TR_BASE		0x6814
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Pin-based controls (SDM 25.6.1) */
#define PIN_EXT_INTR_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)
#define PIN_PREEMPTION_TIMER		BIT(6)
#define PIN_POSTED_INTR			BIT(7)

/* Primary processor-based controls (SDM 25.6.2, Table 25-6) */
#define PROC_INTR_WINDOW		BIT(2)
#define PROC_TSC_OFFSETTING		BIT(3)
#define PROC_HLT_EXITING		BIT(7)
#define PROC_INVLPG_EXITING		BIT(9)
#define PROC_MWAIT_EXITING		BIT(10)
#define PROC_RDPMC_EXITING		BIT(11)
#define PROC_RDTSC_EXITING		BIT(12)
#define PROC_CR3_LOAD_EXITING		BIT(15)
#define PROC_CR3_STORE_EXITING		BIT(16)
#define PROC_TERTIARY_CTLS		BIT(17)
#define PROC_CR8_LOAD_EXITING		BIT(19)
#define PROC_CR8_STORE_EXITING		BIT(20)
#define PROC_TPR_SHADOW			BIT(21)
#define PROC_NMI_WINDOW			BIT(22)
#define PROC_MOV_DR_EXITING		BIT(23)
#define PROC_UNCOND_IO_EXITING		BIT(24)
#define PROC_USE_IO_BITMAPS		BIT(25)
#define PROC_MONITOR_TRAP_FLAG		BIT(27)
#define PROC_USE_MSR_BITMAPS		BIT(28)
#define PROC_MONITOR_EXITING		BIT(29)
#define PROC_PAUSE_EXITING		BIT(30)
#define PROC_SECONDARY_CTLS		BIT(31)

/* Secondary processor-based controls (SDM 25.6.2, Table 25-7) */
#define PROC2_VIRT_APIC_ACCESS		BIT(0)
#define PROC2_EPT			BIT(1)
#define PROC2_DESC_TABLE_EXITING	BIT(2)
#define PROC2_RDTSCP			BIT(3)
#define PROC2_VIRT_X2APIC		BIT(4)
#define PROC2_VPID			BIT(5)
#define PROC2_WBINVD_EXITING		BIT(6)
#define PROC2_UNRESTRICTED_GUEST	BIT(7)
#define PROC2_APIC_REG_VIRT		BIT(8)
#define PROC2_VIRT_INTR_DELIVERY	BIT(9)
#define PROC2_PAUSE_LOOP_EXITING	BIT(10)
#define PROC2_RDRAND_EXITING		BIT(11)
#define PROC2_INVPCID			BIT(12)
#define PROC2_VMFUNC			BIT(13)
#define PROC2_SHADOW_VMCS		BIT(14)
#define PROC2_ENCLS_EXITING		BIT(15)
#define PROC2_RDSEED_EXITING		BIT(16)
#define PROC2_PML			BIT(17)
#define PROC2_EPT_VE			BIT(18)
#define PROC2_XSAVES			BIT(20)
#define PROC2_USER_WAIT_PAUSE		BIT(26)
#define PROC2_ENCLV_EXITING		BIT(28)

/* VM-exit controls (SDM 25.7.1) */
#define EXIT_SAVE_DEBUG_CTLS		BIT(2)
#define EXIT_HOST_ADDR_SPACE_SIZE	BIT(9)
#define EXIT_LOAD_PERF_GLOBAL_CTRL	BIT(12)
#define EXIT_ACK_INTR_ON_EXIT		BIT(15)
#define EXIT_SAVE_PAT			BIT(18)
#define EXIT_LOAD_PAT			BIT(19)
#define EXIT_SAVE_EFER			BIT(20)
#define EXIT_LOAD_EFER			BIT(21)
#define EXIT_SAVE_PREEMPTION_TIMER	BIT(22)

/* VM-entry controls (SDM 25.8.1) */
#define ENTRY_LOAD_DEBUG_CTLS		BIT(2)
#define ENTRY_IA32E_MODE		BIT(9)
#define ENTRY_SMM			BIT(10)
#define ENTRY_DEACT_DUAL_MONITOR	BIT(11)
#define ENTRY_LOAD_PERF_GLOBAL_CTRL	BIT(13)
#define ENTRY_LOAD_PAT			BIT(14)
#define ENTRY_LOAD_EFER			BIT(15)

/* Basic exit reasons (SDM Vol. 3D, Appendix C) */
#define EXIT_REASON_EXCEPTION_NMI	0
#define EXIT_REASON_EXTERNAL_INTR	1
#define EXIT_REASON_TRIPLE_FAULT	2
#define EXIT_REASON_NMI_WINDOW		8
#define EXIT_REASON_INIT		3
#define EXIT_REASON_SIPI		4
#define EXIT_REASON_CPUID		10
#define EXIT_REASON_GETSEC		11
#define EXIT_REASON_INVD		13
#define EXIT_REASON_VMCALL		18
#define EXIT_REASON_VMCLEAR		19
#define EXIT_REASON_VMLAUNCH		20
#define EXIT_REASON_VMPTRLD		21
#define EXIT_REASON_VMPTRST		22
#define EXIT_REASON_VMREAD		23
#define EXIT_REASON_VMRESUME		24
#define EXIT_REASON_VMWRITE		25
#define EXIT_REASON_VMXOFF		26
#define EXIT_REASON_VMXON		27
#define EXIT_REASON_CR_ACCESS		28
#define EXIT_REASON_MSR_READ		31
#define EXIT_REASON_MSR_WRITE		32
#define EXIT_REASON_INVALID_STATE	33
#define EXIT_REASON_MSR_LOADING		34
#define EXIT_REASON_MCE_DURING_ENTRY	41
#define EXIT_REASON_EPT_VIOLATION	48
#define EXIT_REASON_EPT_MISCONFIG	49
#define EXIT_REASON_INVEPT		50
#define EXIT_REASON_INVVPID		53
#define EXIT_REASON_XSETBV		55
#define EXIT_REASON_VMFUNC		59
#define EXIT_REASON_ENTRY_FAILED	BIT(31)

/* Capability and feature MSRs (SDM Vol. 3D, Appendix A; Vol. 4) */
#define MSR_FEATURE_CONTROL		0x0000003a
#define FEATURE_CONTROL_LOCKED		BIT_ULL(0)
#define FEATURE_CONTROL_VMX_IN_SMX	BIT_ULL(1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX	BIT_ULL(2)
#define MSR_VMX_BASIC			0x00000480
#define MSR_VMX_PINBASED_CTLS		0x00000481
#define MSR_VMX_PROCBASED_CTLS		0x00000482
#define MSR_VMX_EXIT_CTLS		0x00000483
#define MSR_VMX_ENTRY_CTLS		0x00000484
#define MSR_VMX_MISC			0x00000485
#define MSR_VMX_CR0_FIXED0		0x00000486
#define MSR_VMX_CR0_FIXED1		0x00000487
#define MSR_VMX_CR4_FIXED0		0x00000488
#define MSR_VMX_CR4_FIXED1		0x00000489
#define MSR_VMX_PROCBASED_CTLS2		0x0000048b
#define MSR_VMX_EPT_VPID_CAP		0x0000048c
#define MSR_VMX_TRUE_PINBASED_CTLS	0x0000048d
#define MSR_VMX_TRUE_PROCBASED_CTLS	0x0000048e
#define MSR_VMX_TRUE_EXIT_CTLS		0x0000048f
#define MSR_VMX_TRUE_ENTRY_CTLS		0x00000490
#define MSR_VMX_VMFUNC			0x00000491
#define MSR_VMX_PROCBASED_CTLS3		0x00000492
#define MSR_VMX_FIRST			MSR_VMX_BASIC
#define MSR_VMX_LAST			MSR_VMX_PROCBASED_CTLS3
#define GV_VMX_BASIC_TRUE_CTLS		BIT_ULL(55)
#define VMX_BASIC_32BIT_ADDR		BIT_ULL(48)
#define VMX_BASIC_MEMTYPE_SHIFT		50
#define VMX_BASIC_MEMTYPE_WB		6ull
#define VMX_CAP_EPT_XONLY		BIT_ULL(0)
#define VMX_CAP_EPT_WALK4		BIT_ULL(6)
#define VMX_CAP_EPT_WB			BIT_ULL(14)
#define VMX_CAP_EPT_2M			BIT_ULL(16)
#define VMX_CAP_EPT_1G			BIT_ULL(17)
#define VMX_CAP_INVEPT			BIT_ULL(20)
#define VMX_CAP_INVEPT_SINGLE		BIT_ULL(25)
#define VMX_CAP_INVEPT_ALL		BIT_ULL(26)
#define VMX_CAP_INVVPID			BIT_ULL(32)
#define VMX_CAP_INVVPID_SINGLE		BIT_ULL(41)
#define VMX_CAP_INVVPID_ALL		BIT_ULL(42)

#define MSR_SYSENTER_CS			0x00000174
#define MSR_SYSENTER_ESP		0x00000175
#define MSR_SYSENTER_EIP		0x00000176
#define MSR_DEBUGCTL			0x000001d9
#define MSR_PAT				0x00000277
#define MSR_EFER			0xc0000080
#define MSR_FS_BASE			0xc0000100
#define MSR_GS_BASE			0xc0000101

#define CR4_VMXE			BIT_ULL(13)
#define CR4_PCIDE			BIT_ULL(17)
#define CR4_LA57			BIT_ULL(12)
#define RFLAGS_TF			BIT_ULL(8)
#define RFLAGS_IF			BIT_ULL(9)

/* Interruption-information fields (SDM 25.8.3, 25.9.2) */
#define INTR_INFO_VALID			BIT(31)
#define INTR_INFO_DELIVER_ERR		BIT(11)
/* Exit interruption info / EPT qualification: NMI unblocked by IRET (SDM 28.2.2, 28.2.1). */
#define INTR_INFO_NMI_UNBLOCKED_IRET	BIT(12)
#define INTR_TYPE_MASK			(7u << 8)
#define INTR_TYPE_NMI			(2u << 8)
#define INTR_TYPE_HW_EXCEPTION		(3u << 8)
#define VECTOR_DB			1
#define VECTOR_NMI			2
#define VECTOR_UD			6
#define VECTOR_DF			8
#define VECTOR_GP			13
#define VECTOR_PF			14
#define VECTOR_MC			18

/* Guest interruptibility state (SDM 25.4.2, Table 25-3) */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
#define INTERRUPTIBILITY_NMI		BIT(3)
#define PENDING_DBG_BS			BIT_ULL(14)

static __always_inline u64 gv_vmread(u64 field)
{
	u64 value;

	asm volatile("vmread %1, %0" : "=rm"(value) : "r"(field) : "cc");
	return value;
}

/* Returns 0 on success, 1 on VMfail (CF or ZF set). */
static __always_inline int gv_vmwrite(u64 field, u64 value)
{
	u8 fail;

	asm volatile("vmwrite %2, %1; setbe %0"
		     : "=qm"(fail) : "r"(field), "rm"(value) : "cc");
	return fail;
}

static __always_inline int gv_vmxon(u64 pa)
{
	u8 fail;

	asm volatile("vmxon %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail;
}

static __always_inline void gv_vmxoff(void)
{
	asm volatile("vmxoff" ::: "cc", "memory");
}

static __always_inline int gv_vmclear(u64 pa)
{
	u8 fail;

	asm volatile("vmclear %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail;
}

static __always_inline int gv_vmptrld(u64 pa)
{
	u8 fail;

	asm volatile("vmptrld %1; setbe %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail;
}

/* EPT-violation exit qualification (SDM 28.2.1, Table 28-7) */
#define EPT_QUAL_GVA_VALID		BIT_ULL(7)

/* INVEPT types (SDM Vol. 3C, 30.3, INVEPT) */
#define INVEPT_SINGLE_CONTEXT		1
#define INVEPT_ALL_CONTEXT		2

static __always_inline void gv_invept(u64 type, u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { eptp, 0 };

	asm volatile("invept %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

/* INVVPID descriptor and types (SDM Vol. 3C, 30.3, INVVPID) */
#define INVVPID_SINGLE_CONTEXT		1
#define INVVPID_ALL_CONTEXT		2

static __always_inline void gv_invvpid(u64 type, u16 vpid)
{
	struct {
		u64 vpid;
		u64 gva;
	} desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" :: "m"(desc), "r"(type) : "cc", "memory");
}

static __always_inline u64 gv_rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static __always_inline void gv_wrmsr(u32 msr, u64 value)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)value), "d"((u32)(value >> 32))
		     : "memory");
}

static __always_inline void gv_cpuid(u32 leaf, u32 subleaf, u32 *a, u32 *b,
				     u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(subleaf));
}

static __always_inline u64 gv_read_cr0(void)
{
	u64 v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static __always_inline u64 gv_read_cr3(void)
{
	u64 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static __always_inline u64 gv_read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static __always_inline void gv_write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" :: "r"(v) : "memory");
}

#endif /* GV_HV_VMX_H */
