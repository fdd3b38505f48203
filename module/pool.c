// SPDX-License-Identifier: GPL-2.0
/*
 * The pool: physically contiguous chunks holding all root-side data. It is
 * filled in here, before any CPU launches; afterwards only the root side
 * touches it (DESIGN.md "Two worlds, one wall").
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/desc.h>
#include "gv_core.h"
#include "../hvcore/hv_hc_perm.h"
#include "../hvcore/hv_vmx.h"

/* struct gv_devirt is read by hv_entry.S at fixed offsets. */
static_assert(offsetof(struct gv_devirt, cr0) == GV_DEVIRT_CR0);
static_assert(offsetof(struct gv_devirt, cr4) == GV_DEVIRT_CR4);
static_assert(offsetof(struct gv_devirt, dr7) == GV_DEVIRT_DR7);
static_assert(offsetof(struct gv_devirt, cs) == GV_DEVIRT_CS);
static_assert(offsetof(struct gv_devirt, ldtr) == GV_DEVIRT_LDTR);
static_assert(offsetof(struct gv_devirt, gdtr) == GV_DEVIRT_GDTR);
static_assert(offsetof(struct gv_devirt, idtr) == GV_DEVIRT_IDTR);
static_assert(offsetof(struct gv_devirt, tmp_gdtr) == GV_DEVIRT_TMP_GDTR);
static_assert(offsetof(struct gv_regs, r15) == 112);
static_assert(sizeof(struct gv_cpu) <= 2 * GV_PAGE_SIZE);
static_assert(offsetof(struct gv_cpu, kick) == GV_CPU_KICK);
static_assert(offsetof(struct gv_cpu, nmi_in_root) == GV_CPU_KICK + 1);
static_assert(offsetof(struct gv_cpu, self) == 0);

#define GV_TSS_IST1_OFFSET	0x24
#define GV_TSS_IOMAP_OFFSET	0x66
#define GV_TSS_SIZE		0x68

static void *pool_chunk_alloc(struct gv_state *s, size_t size)
{
	void *va;

	if (s->nr_chunks == s->max_chunks)
		return NULL;
	va = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
	if (!va)
		return NULL;
	s->chunks[s->nr_chunks].va = va;
	s->chunks[s->nr_chunks].size = size;
	s->nr_chunks++;
	return va;
}

int gv_pool_alloc(struct gv_state *s)
{
	unsigned int cpu;

	s->max_chunks = nr_cpu_ids + 2;
	s->chunks = kcalloc(s->max_chunks, sizeof(*s->chunks), GFP_KERNEL);
	s->cpu_pages = kcalloc(nr_cpu_ids, sizeof(*s->cpu_pages), GFP_KERNEL);
	if (!s->chunks || !s->cpu_pages)
		goto nomem;
	s->hv_size = PAGE_ALIGN(struct_size(s->hv, cpus, nr_cpu_ids));
	s->hv = pool_chunk_alloc(s, s->hv_size);
	if (!s->hv)
		goto nomem;
	/* The page arena: host page tables, EPT tables, dynamic pages. */
	s->arena_pages = gv_ept_arena_pages();
	s->arena = pool_chunk_alloc(s, (size_t)s->arena_pages * PAGE_SIZE);
	if (!s->arena) {
		pr_err("cannot allocate the %u-page arena\n", s->arena_pages);
		goto nomem;
	}
	/* One chunk per possible CPU, so hotplugged CPUs need nothing new. */
	for_each_possible_cpu(cpu) {
		s->cpu_pages[cpu] = pool_chunk_alloc(s, sizeof(struct gv_cpu_pages));
		if (!s->cpu_pages[cpu])
			goto nomem;
	}
	return 0;
nomem:
	gv_pool_free(s);
	return -ENOMEM;
}

void gv_pool_free(struct gv_state *s)
{
	while (s->nr_chunks) {
		s->nr_chunks--;
		free_pages_exact(s->chunks[s->nr_chunks].va,
				 s->chunks[s->nr_chunks].size);
	}
	s->arena = NULL;
	kfree(s->cpu_pages);
	kfree(s->chunks);
	s->cpu_pages = NULL;
	s->chunks = NULL;
	s->hv = NULL;
}

static void set_idt_gate(u8 *idt, unsigned int vec, u64 handler, u8 ist)
{
	u64 *gate = (u64 *)(idt + vec * 16);

	/* 64-bit interrupt gate, DPL 0, present (SDM Vol. 3A, 6.14.1). */
	gate[0] = (handler & 0xffff) | ((u64)GV_HOST_CS << 16) |
		  ((u64)ist << 32) | (0x8eull << 40) |
		  ((handler & 0xffff0000ull) << 32);
	gate[1] = handler >> 32;
}

static void init_idt(u8 *idt)
{
	unsigned int vec;

	for (vec = 0; vec < 256; vec++)
		set_idt_gate(idt, vec, (u64)gv_spurious_stub, 0);
	for (vec = 0; vec < 32; vec++)
		set_idt_gate(idt, vec, gv_exc_stubs[vec], 0);
	/* NMI, #DF and #MC run on the IST stack. */
	set_idt_gate(idt, VECTOR_NMI, (u64)gv_nmi_stub, 1);
	set_idt_gate(idt, VECTOR_DF, gv_exc_stubs[VECTOR_DF], 1);
	set_idt_gate(idt, VECTOR_MC, gv_exc_stubs[VECTOR_MC], 1);
}

static void msr_bitmap_intercept(u8 *bitmap, u32 msr, bool reads)
{
	/* Read bitmaps at 0/1024, write bitmaps at 2048/3072 (SDM 25.6.9). */
	unsigned int base = (msr & 0xc0000000) ? 1024 : 0;
	unsigned int bit = msr & 0x1fff;

	if (reads)
		bitmap[base + bit / 8] |= 1u << (bit % 8);
	bitmap[2048 + base + bit / 8] |= 1u << (bit % 8);
}

/*
 * The MSR bitmap is an allow-list: everything passes through except what
 * would let the rich OS see or change VMX (DESIGN.md "Exits").
 */
static void init_msr_bitmap(u8 *bitmap)
{
	u32 msr;

	msr_bitmap_intercept(bitmap, MSR_FEATURE_CONTROL, true);
	for (msr = MSR_VMX_FIRST; msr <= MSR_VMX_LAST; msr++)
		msr_bitmap_intercept(bitmap, msr, true);
}

/* MTRR writes re-type the EPT views (reads pass through). */
void gv_msr_bitmap_add_mtrrs(struct gv_state *s)
{
	u32 msr;

	for (msr = GV_MSR_MTRR_PHYSBASE0; msr <= GV_MSR_MTRR_DEF_TYPE; msr++) {
		if (gv_mtrr_is_msr(&s->hv->mtrr, msr))
			msr_bitmap_intercept(s->hv->msr_bitmap, msr, false);
	}
}

static void init_gdt_tss(struct gv_cpu_pages *p)
{
	u64 *gdt = (u64 *)p->gdt;
	u64 tss = (u64)p->tss;
	u64 ist_top = (u64)(p->ist_stack + GV_IST_STACK_SIZE - 16);

	gdt[GV_HOST_CS / 8] = 0x00af9b000000ffffull;	/* 64-bit code */
	gdt[GV_HOST_DS / 8] = 0x00cf93000000ffffull;	/* data */
	gdt[GV_HOST_TR / 8] = (GV_TSS_SIZE - 1) | ((tss & 0xffffff) << 16) |
			      (0x89ull << 40) | (((tss >> 24) & 0xff) << 56);
	gdt[GV_HOST_TR / 8 + 1] = tss >> 32;

	*(u64 *)(p->tss + GV_TSS_IST1_OFFSET) = ist_top;
	*(u16 *)(p->tss + GV_TSS_IOMAP_OFFSET) = GV_TSS_SIZE;
	/* gv_nmi_stub finds its kick/nmi_in_root flags at the IST top. */
	*(u64 *)ist_top = (u64)&p->cpu.kick;
}

static void init_cpu(struct gv_state *s, unsigned int cpu)
{
	struct gv_cpu_pages *p = s->cpu_pages[cpu];
	struct gv_cpu *c = &p->cpu;
	u32 revision = (u32)s->vmx.basic & 0x7fffffff;

	*(u32 *)p->vmxon = revision;
	*(u32 *)p->vmcs = revision;
	init_gdt_tss(p);
	c->self = c;
	c->hv = s->hv;
	c->cpu = cpu;
	c->vpid = cpu + 1;	/* VPID 0 is the root's */
	c->apic_id = cpu_physical_id(cpu);
	c->launch_fail_rip = (u64)gv_vmx_launch_entry_failed;
	c->cr4_fixed0 = s->vmx.cr4_fixed0;
	c->cr4_fixed1 = s->vmx.cr4_fixed1;
	c->devirt.tmp_gdtr.base = (u64)(p->gdt + GV_TMP_GDT_OFFSET);
	c->devirt.tmp_gdtr.limit = GV_TMP_GDT_ENTRIES * 8 - 1;
	s->hv->cpus[cpu] = c;
}

int gv_pool_init(struct gv_state *s)
{
	unsigned int cpu;
	u32 a, b, c, d;

	if (gv_palloc_init(&s->hv->palloc, s->arena, __pa(s->arena),
			   s->arena_pages))
		return -EINVAL;
	init_idt(s->hv->idt);
	init_msr_bitmap(s->hv->msr_bitmap);
	s->hv->features = GV_FEAT_VPID | GV_FEAT_EPT;
	s->hv->hc_rights = BIT(GV_PART_RICH);
	s->hv->nr_cpus = nr_cpu_ids;
	cpuid_count(0xd, 0, &a, &b, &c, &d);
	s->hv->xcr0_supported = ((u64)d << 32) | a;
	rdmsrl(MSR_FEATURE_CONTROL, s->hv->feature_control);
	/* The rich OS sees a CPU whose firmware left VMX off. */
	s->hv->feature_control &= ~(FEATURE_CONTROL_VMX_IN_SMX |
				    FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	for_each_possible_cpu(cpu)
		init_cpu(s, cpu);
	return 0;
}
