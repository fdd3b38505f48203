// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit handling. Only the exits the architecture forces or protection
 * needs are enabled (DESIGN.md "Exits"); each is counted per CPU and reason.
 */
#include "hv_root.h"
#include "hv_vmx.h"
#include "hv_cpuid.h"
#include "hv_xcr.h"

u32 gv_guest_cpl(void)
{
	/* SS.DPL is the CPL (SDM 25.4.1). */
	return (gv_vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
}

/* Complete an emulated instruction: advance RIP, honour TF and STI/MOV SS. */
void gv_skip_instruction(void)
{
	u64 rip = gv_vmread(VMCS_GUEST_RIP) + gv_vmread(VMCS_EXIT_INSN_LEN);
	u64 intr = gv_vmread(VMCS_GUEST_INTERRUPTIBILITY);

	gv_vmwrite(VMCS_GUEST_RIP, rip);
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		gv_vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			   intr & ~(u64)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
	/* A single-stepped emulated instruction still traps (SDM 27.3.1.5). */
	if (gv_vmread(VMCS_GUEST_RFLAGS) & RFLAGS_TF)
		gv_vmwrite(VMCS_GUEST_PENDING_DBG,
			   gv_vmread(VMCS_GUEST_PENDING_DBG) | PENDING_DBG_BS);
}

void gv_inject_exception(u32 vector, bool has_error, u32 error)
{
	u32 info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	if (has_error) {
		info |= INTR_INFO_DELIVER_ERR;
		gv_vmwrite(VMCS_ENTRY_EXCEPTION_ERR, error);
	}
	gv_vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static void inject_ud(void)
{
	gv_inject_exception(VECTOR_UD, false, 0);
}

static void inject_gp(void)
{
	gv_inject_exception(VECTOR_GP, true, 0);
}

/* Value of general-purpose register @n in SDM Table 28-3 numbering. */
static u64 read_gpr(struct gv_regs *regs, unsigned int n)
{
	static const u8 slot[16] = { 0, 2, 3, 1, 15, 6, 4, 5,
				     7, 8, 9, 10, 11, 12, 13, 14 };
	const u64 *base = &regs->rax;

	if ((n & 15) == 4)
		return gv_vmread(VMCS_GUEST_RSP);
	return base[slot[n & 15]];
}

static void handle_cpuid(struct gv_cpu *c, struct gv_regs *regs)
{
	u32 leaf = (u32)regs->rax, subleaf = (u32)regs->rcx;
	struct gv_cpuid_regs r;
	struct gv_hypapp_cpuid h;

	if (gv_hypapp_cpuid(c, leaf, subleaf, &h)) {
		r = (struct gv_cpuid_regs){ h.eax, h.ebx, h.ecx, h.edx };
	} else if (gv_cpuid_is_hv_leaf(leaf)) {
		gv_cpuid_hv_leaf(leaf, c->hv->features, &r);
	} else {
		gv_cpuid(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
		gv_cpuid_filter(leaf, subleaf, &r);
	}
	regs->rax = r.eax;
	regs->rbx = r.ebx;
	regs->rcx = r.ecx;
	regs->rdx = r.edx;
	gv_skip_instruction();
}

/*
 * CR4.VMXE is owned by the hypervisor (mask bit set); the guest sees the
 * read shadow. A MOV to CR4 that disagrees with the shadow in VMXE exits
 * here (SDM 26.1.3); we emulate the whole write: VMXE goes to the shadow
 * only (so KVM's cr4_set_bits() works and its VMXON then gets #UD), the
 * other bits go to the real CR4 after the architectural #GP checks.
 */
static void handle_mov_to_cr4(struct gv_cpu *c, u64 val)
{
	u64 cur = gv_vmread(VMCS_GUEST_CR4);
	u64 real = (val & ~CR4_VMXE) | CR4_VMXE;

	if ((real & ~c->cr4_fixed1) || ((val ^ cur) & CR4_LA57) ||
	    ((val & CR4_PCIDE) && !(cur & CR4_PCIDE) &&
	     (gv_vmread(VMCS_GUEST_CR3) & 0xfff))) {
		inject_gp();
		return;
	}
	gv_vmwrite(VMCS_CR4_SHADOW, val);
	if (real != cur) {
		gv_vmwrite(VMCS_GUEST_CR4, real);
		/* A MOV to CR4 may flush the TLB; do it for this VPID. */
		gv_invvpid(INVVPID_SINGLE_CONTEXT, c->vpid);
	}
	gv_skip_instruction();
}

static void handle_cr_access(struct gv_cpu *c, struct gv_regs *regs)
{
	u64 qual = gv_vmread(VMCS_EXIT_QUALIFICATION);
	unsigned int cr = qual & 15, type = (qual >> 4) & 3;

	if (cr == 4 && type == 0) {
		handle_mov_to_cr4(c, read_gpr(regs, (qual >> 8) & 15));
		return;
	}
	gv_log("cpu%u: unexpected CR access qual=%llx", c->cpu, qual);
	inject_gp();
}

static bool is_vmx_msr(u32 msr)
{
	return msr >= MSR_VMX_FIRST && msr <= MSR_VMX_LAST;
}

/* Reads of intercepted MSRs: what a CPU without VMX would answer. */
static void handle_rdmsr(struct gv_cpu *c, struct gv_regs *regs)
{
	u32 msr = (u32)regs->rcx;
	u64 val;

	if (msr == MSR_FEATURE_CONTROL) {
		val = c->hv->feature_control;
	} else if (is_vmx_msr(msr) || gv_rdmsr_safe(msr, &val)) {
		inject_gp();
		return;
	}
	regs->rax = (u32)val;
	regs->rdx = val >> 32;
	gv_skip_instruction();
}

static void handle_wrmsr(struct gv_cpu *c, struct gv_regs *regs)
{
	u32 msr = (u32)regs->rcx;
	u64 val = (regs->rdx << 32) | (u32)regs->rax;

	if (gv_handle_mtrr_write(c, msr, val))
		return;
	/* IA32_FEATURE_CONTROL is locked; VMX MSRs are read-only. */
	if (msr == MSR_FEATURE_CONTROL || is_vmx_msr(msr) ||
	    gv_wrmsr_safe(msr, val)) {
		inject_gp();
		return;
	}
	gv_skip_instruction();
}

static void handle_xsetbv(struct gv_cpu *c, struct gv_regs *regs)
{
	u64 val = (regs->rdx << 32) | (u32)regs->rax;
	u32 index = (u32)regs->rcx;

	if (gv_guest_cpl() != 0 ||
	    !gv_xsetbv_valid(index, val, c->hv->xcr0_supported) ||
	    gv_xsetbv_safe(index, val)) {
		inject_gp();
		return;
	}
	gv_skip_instruction();
}

static void handle_triple_fault(struct gv_cpu *c)
{
	gv_log("cpu%u: guest triple fault at rip=%llx; resetting the machine",
	       c->cpu, gv_vmread(VMCS_GUEST_RIP));
	/* What the hardware would do: reset (PCI reset control register). */
	asm volatile("outb %b0, %w1" :: "a"(0x06), "Nd"(0xcf9));
	asm volatile("outb %b0, %w1" :: "a"(0xfe), "Nd"(0x64));
	for (;;)
		asm volatile("cli; hlt");
}

static void handle_entry_failure(struct gv_cpu *c, u32 reason)
{
	c->entry_fail_reason = reason;
	c->entry_fail_qual = (u32)gv_vmread(VMCS_EXIT_QUALIFICATION);
	gv_log("cpu%u: VM entry failed, reason %u qualification %llx",
	       c->cpu, reason & 0xffff, gv_vmread(VMCS_EXIT_QUALIFICATION));
	/* Hand the CPU back to the launcher's failure path. */
	gv_prepare_devirt(c);
	c->devirt.rip = c->launch_fail_rip;
}

/* An event whose delivery caused the exit is delivered again (SDM 28.2.4). */
static void redeliver_vectoring_event(void)
{
	u32 info = (u32)gv_vmread(VMCS_IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	gv_vmwrite(VMCS_ENTRY_INTR_INFO, info & ~BIT(12));
	if (info & INTR_INFO_DELIVER_ERR)
		gv_vmwrite(VMCS_ENTRY_EXCEPTION_ERR,
			   gv_vmread(VMCS_IDT_VECTORING_ERR));
	gv_vmwrite(VMCS_ENTRY_INSN_LEN, gv_vmread(VMCS_EXIT_INSN_LEN));
}

static void dispatch_exit(struct gv_cpu *c, struct gv_regs *regs, u32 basic)
{
	switch (basic) {
	case EXIT_REASON_EXCEPTION_NMI:
		gv_handle_nmi_exit(c);
		break;
	case EXIT_REASON_NMI_WINDOW:
		gv_handle_nmi_window(c);
		break;
	case EXIT_REASON_CPUID:
		handle_cpuid(c, regs);
		break;
	case EXIT_REASON_VMCALL:
		gv_handle_vmcall(c, regs);
		break;
	case EXIT_REASON_CR_ACCESS:
		handle_cr_access(c, regs);
		break;
	case EXIT_REASON_MSR_READ:
		handle_rdmsr(c, regs);
		break;
	case EXIT_REASON_MSR_WRITE:
		handle_wrmsr(c, regs);
		break;
	case EXIT_REASON_XSETBV:
		handle_xsetbv(c, regs);
		break;
	case EXIT_REASON_EPT_VIOLATION:
		gv_handle_ept_violation(c);
		break;
	case EXIT_REASON_EPT_MISCONFIG:
		gv_handle_ept_misconfig(c);
		break;
	case EXIT_REASON_INVD:
		/* Never drop dirty lines the rich OS does not own: write back. */
		asm volatile("wbinvd" ::: "memory");
		gv_skip_instruction();
		break;
	case EXIT_REASON_GETSEC:
	case EXIT_REASON_VMCLEAR ... EXIT_REASON_VMXON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
		/* VMX is not offered to the rich OS (CPUID hides it). */
		inject_ud();
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		handle_triple_fault(c);
		break;
	case EXIT_REASON_INIT:
		/*
		 * Linux sends INIT only to CPUs it brings up; greenvisor
		 * devirtualizes a CPU before it goes offline, so this is
		 * unexpected: log it and keep the CPU running.
		 */
		gv_log("cpu%u: INIT signal ignored", c->cpu);
		break;
	default:
		gv_log("cpu%u: unexpected exit reason %u qual=%llx rip=%llx",
		       c->cpu, basic, gv_vmread(VMCS_EXIT_QUALIFICATION),
		       gv_vmread(VMCS_GUEST_RIP));
		inject_ud();
		break;
	}
}

/*
 * Called from gv_vmexit_entry with the guest GPRs. Returns NULL to resume
 * the guest, or the devirt state to leave VMX operation on this CPU.
 */
struct gv_devirt *gv_handle_exit(struct gv_regs *regs)
{
	struct gv_cpu *c = gv_this_cpu();
	u32 reason = (u32)gv_vmread(VMCS_EXIT_REASON);
	u32 basic = reason & 0xffff;

	c->exit_regs = regs;

	if (basic < GV_EXIT_REASON_MAX)
		c->exit_counts[basic]++;
	if (unlikely(!c->first_exit_seen)) {
		c->first_exit_seen = 1;
		gv_log("cpu%u: root side up, vpid %u, first exit reason %u",
		       c->cpu, c->vpid, basic);
	}

	if (reason & EXIT_REASON_ENTRY_FAILED) {
		handle_entry_failure(c, reason);
		return &c->devirt;
	}

	redeliver_vectoring_event();
	dispatch_exit(c, regs, basic);
	/*
	 * Hypapps hear of the rich OS's NMIs here, on the exit path, never
	 * from gv_service_requests() (which may run inside a quiesce).
	 */
	if (unlikely(READ_ONCE(c->nmi_for_hypapps))) {
		WRITE_ONCE(c->nmi_for_hypapps, 0);
		gv_hypapp_nmi(c);
	}
	if (c->devirt_requested) {
		c->devirt_requested = 0;
		return &c->devirt;
	}
	/* hv_entry.S calls gv_prepare_entry() next. */
	return NULL;
}

void gv_vmresume_failed(void)
{
	struct gv_cpu *c = gv_this_cpu();

	gv_log("cpu%u: VMRESUME failed, VM-instruction error %llu; CPU halted",
	       c->cpu, gv_vmread(VMCS_INSN_ERROR));
	for (;;)
		asm volatile("cli; hlt");
}

/* Build the descriptor for LTR in the private GDT (see gv_devirt_finish). */
static void build_tmp_tss_descriptor(struct gv_cpu *c, u16 tr)
{
	u8 *gdt = (u8 *)c->devirt.tmp_gdtr.base;
	u64 base = gv_vmread(VMCS_GUEST_TR_BASE);
	u32 limit = (u32)gv_vmread(VMCS_GUEST_TR_LIMIT);
	u32 ar = (u32)gv_vmread(VMCS_GUEST_TR_AR);
	u64 lo, *d = (u64 *)(gdt + (tr & ~7u));

	if (ar & BIT(15))		/* granularity: limit in 4K units */
		limit >>= 12;
	/* Type 9: available 64-bit TSS; LTR marks it busy itself. */
	ar = (ar & ~0xfu) | 9;
	lo = (limit & 0xffffull) | ((base & 0xffffffull) << 16) |
	     ((u64)(ar & 0xff) << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	     ((u64)((ar >> 12) & 0xf) << 52) | (((base >> 24) & 0xff) << 56);
	d[0] = lo;
	d[1] = base >> 32;
}

/* Capture everything gv_devirt_finish restores (SDM 27.5 in reverse). */
void gv_prepare_devirt(struct gv_cpu *c)
{
	struct gv_devirt *dv = &c->devirt;
	u16 tr = (u16)gv_vmread(VMCS_GUEST_TR_SEL);

	dv->cr0 = gv_vmread(VMCS_GUEST_CR0);
	dv->cr3 = gv_vmread(VMCS_GUEST_CR3);
	dv->cr4 = gv_vmread(VMCS_GUEST_CR4) & ~CR4_VMXE;
	dv->rip = gv_vmread(VMCS_GUEST_RIP);
	dv->rsp = gv_vmread(VMCS_GUEST_RSP);
	dv->rflags = gv_vmread(VMCS_GUEST_RFLAGS);
	dv->fs_base = gv_vmread(VMCS_GUEST_FS_BASE);
	dv->gs_base = gv_vmread(VMCS_GUEST_GS_BASE);
	dv->dr7 = gv_vmread(VMCS_GUEST_DR7);
	dv->cs = (u16)gv_vmread(VMCS_GUEST_CS_SEL);
	dv->ss = (u16)gv_vmread(VMCS_GUEST_SS_SEL);
	dv->ds = (u16)gv_vmread(VMCS_GUEST_DS_SEL);
	dv->es = (u16)gv_vmread(VMCS_GUEST_ES_SEL);
	dv->fs = (u16)gv_vmread(VMCS_GUEST_FS_SEL);
	dv->gs = (u16)gv_vmread(VMCS_GUEST_GS_SEL);
	dv->tr = tr;
	dv->ldtr = (u16)gv_vmread(VMCS_GUEST_LDTR_SEL);
	dv->gdtr.base = gv_vmread(VMCS_GUEST_GDTR_BASE);
	dv->gdtr.limit = (u16)gv_vmread(VMCS_GUEST_GDTR_LIMIT);
	dv->idtr.base = gv_vmread(VMCS_GUEST_IDTR_BASE);
	dv->idtr.limit = (u16)gv_vmread(VMCS_GUEST_IDTR_LIMIT);
	build_tmp_tss_descriptor(c, tr);

	/* MSRs a VM exit changed; safe to restore while still in root mode. */
	gv_wrmsr(MSR_SYSENTER_CS, gv_vmread(VMCS_GUEST_SYSENTER_CS));
	gv_wrmsr(MSR_SYSENTER_ESP, gv_vmread(VMCS_GUEST_SYSENTER_ESP));
	gv_wrmsr(MSR_SYSENTER_EIP, gv_vmread(VMCS_GUEST_SYSENTER_EIP));
	gv_wrmsr(MSR_PAT, gv_vmread(VMCS_GUEST_PAT));
	gv_wrmsr(MSR_DEBUGCTL, gv_vmread(VMCS_GUEST_DEBUGCTL));
}
