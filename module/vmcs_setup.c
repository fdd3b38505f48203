// SPDX-License-Identifier: GPL-2.0
/*
 * Fill in a VMCS so that the current CPU context becomes the guest: the
 * guest-state area is the CPU's state right now (SDM 25.4), the host-state
 * area is the root side's own stack, GDT, IDT, TSS and page tables (25.5).
 * Runs with interrupts off on the CPU being launched, VMCS current.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/kernel.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include "gv_core.h"
#include "../hvcore/hv_vmx.h"

#define AR_UNUSABLE	BIT(16)

struct gv_seg {
	u16 sel;
	u32 limit;
	u32 ar;
	u64 base;
};

static u32 seg_ar(u16 sel)
{
	u64 ar;
	u8 ok;

	if (!(sel & ~3u))
		return AR_UNUSABLE;
	asm("lar %2, %0; setz %1" : "=r"(ar), "=qm"(ok) : "rm"((u64)sel) : "cc");
	if (!ok)
		return AR_UNUSABLE;
	/* LAR returns descriptor bits 23:8; the VMCS wants 15:0 of that. */
	return (ar >> 8) & 0xf0ff;
}

static u32 seg_limit(u16 sel)
{
	u64 limit = 0;

	if (sel & ~3u)
		asm("lsl %1, %0" : "=r"(limit) : "rm"((u64)sel) : "cc");
	return (u32)limit;
}

/* Base of a system descriptor (TSS, LDT) in the current GDT. */
static u64 system_seg_base(u16 sel)
{
	struct desc_ptr gdtr;
	const u32 *d;

	if (!(sel & ~3u))
		return 0;
	native_store_gdt(&gdtr);
	d = (const u32 *)(gdtr.address + (sel & ~7u));
	return ((d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000)) |
	       ((u64)d[2] << 32);
}

static u16 read_sel(int which)
{
	u16 sel = 0;

	switch (which) {
	case 0:
		asm("mov %%es, %0" : "=rm"(sel));
		break;
	case 1:
		asm("mov %%cs, %0" : "=rm"(sel));
		break;
	case 2:
		asm("mov %%ss, %0" : "=rm"(sel));
		break;
	case 3:
		asm("mov %%ds, %0" : "=rm"(sel));
		break;
	case 4:
		asm("mov %%fs, %0" : "=rm"(sel));
		break;
	case 5:
		asm("mov %%gs, %0" : "=rm"(sel));
		break;
	case 6:
		asm("sldt %0" : "=rm"(sel));
		break;
	case 7:
		asm("str %0" : "=rm"(sel));
		break;
	}
	return sel;
}

/* ES, CS, SS, DS, FS, GS, LDTR, TR: VMCS encodings step by 2 (App. B). */
static int write_guest_segments(void)
{
	int i, err = 0;

	for (i = 0; i < 8; i++) {
		u16 sel = read_sel(i);
		u32 ar = seg_ar(sel);
		u64 base = 0;

		if (i >= 6)
			base = system_seg_base(sel);
		else if (i == 4)
			rdmsrl(MSR_FS_BASE, base);
		else if (i == 5)
			rdmsrl(MSR_GS_BASE, base);
		err |= gv_vmwrite(VMCS_GUEST_ES_SEL + 2 * i, sel);
		err |= gv_vmwrite(VMCS_GUEST_ES_LIMIT + 2 * i, seg_limit(sel));
		err |= gv_vmwrite(VMCS_GUEST_ES_AR + 2 * i, ar);
		err |= gv_vmwrite(VMCS_GUEST_ES_BASE + 2 * i, base);
	}
	return err;
}

static int write_guest_state(struct gv_cpu_pages *p)
{
	struct desc_ptr gdtr, idtr;
	unsigned long dr7, flags;
	u64 msr;
	int err;

	native_store_gdt(&gdtr);
	asm volatile("sidt %0" : "=m"(idtr));
	asm volatile("mov %%db7, %0" : "=r"(dr7));
	flags = native_save_fl();

	err = write_guest_segments();
	err |= gv_vmwrite(VMCS_GUEST_CR0, gv_read_cr0());
	err |= gv_vmwrite(VMCS_GUEST_CR3, gv_read_cr3());
	err |= gv_vmwrite(VMCS_GUEST_CR4, gv_read_cr4());
	err |= gv_vmwrite(VMCS_GUEST_GDTR_BASE, gdtr.address);
	err |= gv_vmwrite(VMCS_GUEST_GDTR_LIMIT, gdtr.size);
	err |= gv_vmwrite(VMCS_GUEST_IDTR_BASE, idtr.address);
	err |= gv_vmwrite(VMCS_GUEST_IDTR_LIMIT, idtr.size);
	err |= gv_vmwrite(VMCS_GUEST_DR7, dr7);
	err |= gv_vmwrite(VMCS_GUEST_RFLAGS, flags);
	rdmsrl(MSR_DEBUGCTL, msr);
	err |= gv_vmwrite(VMCS_GUEST_DEBUGCTL, msr);
	rdmsrl(MSR_PAT, msr);
	err |= gv_vmwrite(VMCS_GUEST_PAT, msr);
	rdmsrl(MSR_EFER, msr);
	err |= gv_vmwrite(VMCS_GUEST_EFER, msr);
	rdmsrl(MSR_SYSENTER_CS, msr);
	err |= gv_vmwrite(VMCS_GUEST_SYSENTER_CS, msr);
	rdmsrl(MSR_SYSENTER_ESP, msr);
	err |= gv_vmwrite(VMCS_GUEST_SYSENTER_ESP, msr);
	rdmsrl(MSR_SYSENTER_EIP, msr);
	err |= gv_vmwrite(VMCS_GUEST_SYSENTER_EIP, msr);
	err |= gv_vmwrite(VMCS_LINK_POINTER, ~0ull);
	err |= gv_vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	err |= gv_vmwrite(VMCS_GUEST_ACTIVITY, 0);
	err |= gv_vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	/* GUEST_RSP and GUEST_RIP are written by gv_vmx_launch itself. */
	return err;
}

static int write_host_state(struct gv_state *s, struct gv_cpu_pages *p)
{
	u64 msr;
	int err = 0;

	err |= gv_vmwrite(VMCS_HOST_CR0, gv_read_cr0());
	err |= gv_vmwrite(VMCS_HOST_CR3, s->host_cr3);
	err |= gv_vmwrite(VMCS_HOST_CR4, gv_read_cr4());
	err |= gv_vmwrite(VMCS_HOST_CS_SEL, GV_HOST_CS);
	err |= gv_vmwrite(VMCS_HOST_SS_SEL, GV_HOST_DS);
	err |= gv_vmwrite(VMCS_HOST_DS_SEL, GV_HOST_DS);
	err |= gv_vmwrite(VMCS_HOST_ES_SEL, GV_HOST_DS);
	err |= gv_vmwrite(VMCS_HOST_FS_SEL, 0);
	err |= gv_vmwrite(VMCS_HOST_GS_SEL, 0);
	err |= gv_vmwrite(VMCS_HOST_TR_SEL, GV_HOST_TR);
	err |= gv_vmwrite(VMCS_HOST_FS_BASE, 0);
	err |= gv_vmwrite(VMCS_HOST_GS_BASE, (u64)&p->cpu);
	err |= gv_vmwrite(VMCS_HOST_TR_BASE, (u64)p->tss);
	err |= gv_vmwrite(VMCS_HOST_GDTR_BASE, (u64)p->gdt);
	err |= gv_vmwrite(VMCS_HOST_IDTR_BASE, (u64)s->hv->idt);
	err |= gv_vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	err |= gv_vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	err |= gv_vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	rdmsrl(MSR_PAT, msr);
	err |= gv_vmwrite(VMCS_HOST_PAT, msr);
	rdmsrl(MSR_EFER, msr);
	err |= gv_vmwrite(VMCS_HOST_EFER, msr);
	err |= gv_vmwrite(VMCS_HOST_RSP, (u64)(p->stack + GV_HOST_STACK_SIZE));
	err |= gv_vmwrite(VMCS_HOST_RIP, (u64)gv_vmexit_entry);
	return err;
}

static int write_controls(struct gv_state *s, struct gv_cpu_pages *p)
{
	const struct gv_vmx_config *v = &s->vmx;
	u64 cr4 = gv_read_cr4();
	int err = 0;

	err |= gv_vmwrite(VMCS_PIN_CTLS, v->pin);
	err |= gv_vmwrite(VMCS_PROC_CTLS, v->proc);
	err |= gv_vmwrite(VMCS_PROC_CTLS2, v->proc2);
	err |= gv_vmwrite(VMCS_EXIT_CTLS, v->exit);
	err |= gv_vmwrite(VMCS_ENTRY_CTLS, v->entry);
	err |= gv_vmwrite(VMCS_VPID, p->cpu.vpid);
	err |= gv_vmwrite(VMCS_MSR_BITMAP, __pa(s->hv->msr_bitmap));
	err |= gv_vmwrite(VMCS_EPT_POINTER, s->hv->rich_eptp);
	if (v->proc2 & PROC2_XSAVES)
		err |= gv_vmwrite(VMCS_XSS_EXIT_BITMAP, 0);
	err |= gv_vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	err |= gv_vmwrite(VMCS_PF_ERR_MASK, 0);
	err |= gv_vmwrite(VMCS_PF_ERR_MATCH, 0);
	err |= gv_vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	err |= gv_vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	err |= gv_vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	err |= gv_vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	err |= gv_vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	/* CR0 belongs to the guest; CR4.VMXE is ours and reads as 0. */
	err |= gv_vmwrite(VMCS_CR0_MASK, 0);
	err |= gv_vmwrite(VMCS_CR0_SHADOW, gv_read_cr0());
	err |= gv_vmwrite(VMCS_CR4_MASK, CR4_VMXE);
	err |= gv_vmwrite(VMCS_CR4_SHADOW, cr4 & ~CR4_VMXE);
	return err;
}

int gv_vmcs_setup(struct gv_state *s, struct gv_cpu_pages *p)
{
	int err;

	err = write_controls(s, p);
	err |= write_host_state(s, p);
	err |= write_guest_state(p);
	if (err) {
		pr_err("CPU %u: VMWRITE failed, VM-instruction error %llu\n",
		       p->cpu.cpu, gv_vmread(VMCS_INSN_ERROR));
		return -EIO;
	}
	return 0;
}
