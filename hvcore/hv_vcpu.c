// SPDX-License-Identifier: GPL-2.0
/*
 * Hypapp services on the calling CPU's vCPU (include/greenvisor/hypapp.h):
 * register get/set, segment state, checked copies from and to guest
 * virtual memory, and exception injection. Root side: callbacks call them
 * during the exit they handle; the GPRs are the ones hv_entry.S saved for
 * this exit (c->exit_regs), the rest is the current VMCS. EXPORT_SYMBOL_GPL
 * only emits symbol-table entries for the hypapps' root code.
 */
#include <linux/export.h>
#include "hv_root.h"
#include "hv_vmx.h"
#include "hv_gwalk.h"
#include "../include/greenvisor/hypapp.h"

#define RFLAGS_FIXED1		BIT_ULL(1)
/* Reserved (3, 5, 15, 22-63) and VM (17): never set through this API. */
#define RFLAGS_REFUSED		(BIT_ULL(3) | BIT_ULL(5) | BIT_ULL(15) | \
				 BIT_ULL(17) | ~0x3fffffull)
#define EXIT_REASON_VMCALL	18

static u64 *gpr_slot(struct gv_cpu *c, u32 reg)
{
	u64 *const slot[] = {
		[GV_VCPU_RAX] = &c->exit_regs->rax, [GV_VCPU_RBX] = &c->exit_regs->rbx,
		[GV_VCPU_RCX] = &c->exit_regs->rcx, [GV_VCPU_RDX] = &c->exit_regs->rdx,
		[GV_VCPU_RSI] = &c->exit_regs->rsi, [GV_VCPU_RDI] = &c->exit_regs->rdi,
		[GV_VCPU_RBP] = &c->exit_regs->rbp, [GV_VCPU_R8] = &c->exit_regs->r8,
		[GV_VCPU_R9] = &c->exit_regs->r9, [GV_VCPU_R10] = &c->exit_regs->r10,
		[GV_VCPU_R11] = &c->exit_regs->r11, [GV_VCPU_R12] = &c->exit_regs->r12,
		[GV_VCPU_R13] = &c->exit_regs->r13, [GV_VCPU_R14] = &c->exit_regs->r14,
		[GV_VCPU_R15] = &c->exit_regs->r15,
	};

	return slot[reg & gv_index_mask_nospec(reg, GV_ARRAY_SIZE(slot))];
}

/* The VMCS field of a register that lives there, or 0. */
static u32 vmcs_field(u32 reg)
{
	switch (reg) {
	case GV_VCPU_RSP:	return VMCS_GUEST_RSP;
	case GV_VCPU_RIP:	return VMCS_GUEST_RIP;
	case GV_VCPU_RFLAGS:	return VMCS_GUEST_RFLAGS;
	case GV_VCPU_CR0:	return VMCS_GUEST_CR0;
	case GV_VCPU_CR3:	return VMCS_GUEST_CR3;
	case GV_VCPU_CR4:	return VMCS_GUEST_CR4;
	case GV_VCPU_EFER:	return VMCS_GUEST_EFER;
	default:		return 0;
	}
}

int gv_hypapp_reg_get(struct gv_cpu *c, u32 reg, u64 *val)
{
	if (reg <= GV_VCPU_R15) {
		*val = READ_ONCE(*gpr_slot(c, reg));
		return GV_OK;
	}
	if (reg == GV_VCPU_CPL) {
		*val = gv_guest_cpl();
		return GV_OK;
	}
	if (!vmcs_field(reg))
		return -GV_EINVAL;
	*val = gv_vmread(vmcs_field(reg));
	return GV_OK;
}
EXPORT_SYMBOL_GPL(gv_hypapp_reg_get);

/* Bits 63:48 copies of bit 47 (4-level paging; LA57 guests are refused). */
static bool canonical(u64 va)
{
	return (u64)((s64)(va << 16) >> 16) == va;
}

static unsigned int phys_bits(void)
{
	u32 a, b, cx, d;

	gv_cpuid(0x80000008, 0, &a, &b, &cx, &d);
	return a & 0xff;
}

int gv_hypapp_reg_set(struct gv_cpu *c, u32 reg, u64 val)
{
	if (reg <= GV_VCPU_R15) {
		WRITE_ONCE(*gpr_slot(c, reg), val);
		return GV_OK;
	}
	switch (reg) {
	case GV_VCPU_RSP:
	case GV_VCPU_RIP:
		if (!canonical(val))
			return -GV_EINVAL;
		break;
	case GV_VCPU_RFLAGS:
		if (val & RFLAGS_REFUSED)
			return -GV_EINVAL;
		val |= RFLAGS_FIXED1;
		break;
	case GV_VCPU_CR3:
		/* No reserved bit, no address beyond MAXPHYADDR (SDM 26.3.1.1). */
		if (val >> phys_bits())
			return -GV_EINVAL;
		break;
	case GV_VCPU_CR0:
	case GV_VCPU_CR4:
	case GV_VCPU_EFER:
	case GV_VCPU_CPL:
		/* VMX fixed bits, paging-mode and CPL consistency: not offered. */
		return -GV_EPERM;
	default:
		return -GV_EINVAL;
	}
	gv_vmwrite(vmcs_field(reg), val);
	return GV_OK;
}
EXPORT_SYMBOL_GPL(gv_hypapp_reg_set);

int gv_hypapp_seg_get(struct gv_cpu *c, u32 seg, struct gv_vcpu_seg *out)
{
	/* VMCS guest segment fields are ES, CS, SS, DS, FS, GS in steps of 2. */
	if (seg > GV_VCPU_GS)
		return -GV_EINVAL;
	seg &= gv_index_mask_nospec(seg, GV_VCPU_GS + 1);
	out->sel = gv_vmread(VMCS_GUEST_ES_SEL + 2 * seg);
	out->base = gv_vmread(VMCS_GUEST_ES_BASE + 2 * seg);
	out->limit = gv_vmread(VMCS_GUEST_ES_LIMIT + 2 * seg);
	out->ar = gv_vmread(VMCS_GUEST_ES_AR + 2 * seg);
	return GV_OK;
}
EXPORT_SYMBOL_GPL(gv_hypapp_seg_get);

/* ---- checked copies (hv_gwalk.c) through the rich view ---- */

static int read_gpa(void *arg, u64 gpa, u64 *val)
{
	struct gv_cpu *c = arg;
	long err;

	gv_spin_lock(&c->hv->ept_lock);
	err = gv_rich_ram_check(c->hv, gpa & ~7ull, GV_EPT_R);
	if (!err) {
		*val = *(u64 *)((u8 *)gv_window_map(c, gpa & ~(u64)(GV_PAGE_SIZE - 1)) +
				(gpa & (GV_PAGE_SIZE - 8)));
		gv_window_unmap(c);
	}
	gv_spin_unlock(&c->hv->ept_lock);
	return err;
}

/* The lock is held from map to unmap: the page cannot change hands. */
static int map_gpa(void *arg, u64 gpa, bool write, void **va)
{
	struct gv_cpu *c = arg;
	long err;

	gv_spin_lock(&c->hv->ept_lock);
	err = gv_rich_ram_check(c->hv, gpa, write ? GV_EPT_W : GV_EPT_R);
	if (err) {
		gv_spin_unlock(&c->hv->ept_lock);
		return err;
	}
	*va = gv_window_map(c, gpa);
	return 0;
}

static void unmap_gpa(void *arg)
{
	struct gv_cpu *c = arg;

	gv_window_unmap(c);
	gv_spin_unlock(&c->hv->ept_lock);
}

static const struct gv_gcopy_ops rich_copy_ops = {
	.map = map_gpa,
	.unmap = unmap_gpa,
};

int gv_hypapp_guest_copy(struct gv_cpu *c, u64 gva, void *buf, u64 len,
			 u32 flags, u32 *pf_err)
{
	struct gv_gwalk_env env = {
		.cr0 = gv_vmread(VMCS_GUEST_CR0),
		.cr3 = gv_vmread(VMCS_GUEST_CR3),
		.cr4 = gv_vmread(VMCS_GUEST_CR4),
		.efer = gv_vmread(VMCS_GUEST_EFER),
		.rflags_ac = !!(gv_vmread(VMCS_GUEST_RFLAGS) & BIT_ULL(18)),
		.maxphyaddr = phys_bits(),
		.read_gpa = read_gpa,
		.arg = c,
	};
	/* A user-mode caller's pointer is always checked as a user access. */
	u32 access = (flags & GV_GUEST_USER) || gv_guest_cpl() == 3 ? GV_PF_USER : 0;
	u32 ignored;

	if (flags & ~(GV_GUEST_WRITE | GV_GUEST_USER))
		return -GV_EINVAL;
	return gv_guest_copy(&env, &rich_copy_ops, c, gva, buf, len,
			     flags & GV_GUEST_WRITE, access, pf_err ?: &ignored);
}
EXPORT_SYMBOL_GPL(gv_hypapp_guest_copy);

/*
 * Exceptions a hypapp may raise: the fault-class ones without a side
 * channel of their own (#PF needs CR2, #DF/#MC/NMI are the platform's;
 * #DB/#BP/#OF are traps). Those with an error code must get one (SDM
 * Vol. 3A, 6.3.1 Table 6-1).
 */
static int exception_ok(u32 vector, bool has_error)
{
	const u32 faults = BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(10) |
			   BIT(11) | BIT(12) | BIT(13) | BIT(16) | BIT(17) | BIT(19);
	const u32 with_error = BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(17);

	if (vector >= 32 || !(faults & BIT(vector)))
		return -GV_EINVAL;
	return !!(with_error & BIT(vector)) == has_error ? GV_OK : -GV_EINVAL;
}

int gv_hypapp_inject(struct gv_cpu *c, u32 vector, bool has_error, u32 error)
{
	int err = exception_ok(vector, has_error);

	if (err)
		return err;
	if (gv_vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID)
		return -GV_EBUSY;	/* an event is already being delivered */
	/* A fault of the VMCALL itself: RIP back at it (the dispatcher skipped it). */
	if ((gv_vmread(VMCS_EXIT_REASON) & 0xffff) == EXIT_REASON_VMCALL)
		gv_vmwrite(VMCS_GUEST_RIP, gv_vmread(VMCS_GUEST_RIP) -
			   gv_vmread(VMCS_EXIT_INSN_LEN));
	gv_inject_exception(vector, has_error, error);
	return GV_OK;
}
EXPORT_SYMBOL_GPL(gv_hypapp_inject);
