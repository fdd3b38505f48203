// SPDX-License-Identifier: GPL-2.0
/*
 * The root side's own page tables (HOST_CR3). They map only what the root
 * side may touch, at the same virtual addresses Linux uses, so pointers are
 * valid on both sides: the pool (read/write, no-execute) and greenvisor's
 * module image (text read+execute, the rest read-only). Page-table pages
 * are pool pages too. Built once, before any CPU launches.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/pgtable.h>
#include <asm/apic.h>
#include <linux/sizes.h>
#include "gv_core.h"
#include "../hvcore/hv_vmx.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_PWT		BIT_ULL(3)
#define PTE_PCD		BIT_ULL(4)
#define PTE_A		BIT_ULL(5)
#define PTE_D		BIT_ULL(6)
#define PTE_NX		BIT_ULL(63)
#define PTE_ADDR	0x000ffffffffff000ull
#define PT_TABLE_FLAGS	(PTE_P | PTE_RW | PTE_A)

static u64 *pt_alloc(struct gv_state *s, u64 *pa)
{
	u64 *table = gv_palloc_alloc(&s->hv->palloc, pa);

	if (table)
		s->nr_pt_pages++;
	return table;
}

/* Index of @va at page-table @level (1 = PTE ... 5 = PML5). */
static unsigned int pt_index(u64 va, unsigned int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static int map_4k(struct gv_state *s, u64 va, u64 pa, u64 flags)
{
	u64 *table = gv_palloc_va(&s->hv->palloc, s->host_cr3);
	unsigned int level;

	for (level = s->pt_levels; level > 1; level--) {
		u64 *entry = &table[pt_index(va, level)];

		if (!(*entry & PTE_P)) {
			u64 next_pa;

			if (!pt_alloc(s, &next_pa))
				return -ENOMEM;
			*entry = next_pa | PT_TABLE_FLAGS;
		}
		table = gv_palloc_va(&s->hv->palloc, *entry & PTE_ADDR);
	}
	table[pt_index(va, 1)] = (pa & PTE_ADDR) | flags | PTE_P | PTE_A | PTE_D;
	return 0;
}

/* A direct-map range (pool chunk, page tables): physically contiguous. */
static int map_lowmem(struct gv_state *s, void *va, size_t size, u64 flags)
{
	size_t off;
	int err;

	for (off = 0; off < size; off += PAGE_SIZE) {
		err = map_4k(s, (u64)va + off, __pa((u8 *)va + off), flags);
		if (err)
			return err;
	}
	return 0;
}

/* A range of the module image: vmalloc space, so translate page by page. */
static int map_module_range(struct gv_state *s, const void *start,
			    const void *end, u64 flags)
{
	unsigned long va;
	int err;

	for (va = (unsigned long)start; va < (unsigned long)end; va += PAGE_SIZE) {
		u64 pa = PFN_PHYS(vmalloc_to_pfn((void *)va));

		err = map_4k(s, va, pa, flags);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Root-only virtual addresses, outside everything the root side shares
 * with Linux (direct map, module area): the per-CPU map windows
 * (hvcore/hv_green.c) and the xAPIC page (NMI IPIs, hvcore/hv_smp.c).
 */
#define GV_WINDOW_BASE	0xffffff0000000000ull
#define GV_APIC_VA	(GV_WINDOW_BASE + SZ_2M)

/* The level-1 entry that maps @va (its tables exist). */
static u64 *pte_of(struct gv_state *s, u64 va)
{
	u64 *table = gv_palloc_va(&s->hv->palloc, s->host_cr3);
	unsigned int level;

	for (level = s->pt_levels; level > 1; level--)
		table = gv_palloc_va(&s->hv->palloc,
				     table[pt_index(va, level)] & PTE_ADDR);
	return &table[pt_index(va, 1)];
}

/* One page table holds every CPU's window PTE, all empty until used. */
static int map_windows(struct gv_state *s)
{
	int err;

	if (nr_cpu_ids > PTRS_PER_PTE) {
		pr_err("more than %d CPUs are not supported\n", PTRS_PER_PTE);
		return -EOPNOTSUPP;
	}
	err = map_4k(s, GV_WINDOW_BASE, 0, PTE_NX);
	if (err)
		return err;
	s->hv->window_ptes = pte_of(s, GV_WINDOW_BASE);
	*s->hv->window_ptes = 0;
	s->hv->window_base = GV_WINDOW_BASE;
	return 0;
}

/* In xAPIC mode the root side writes the ICR through its own mapping. */
static int map_xapic(struct gv_state *s)
{
	u64 base;
	int err;

	if (x2apic_enabled())
		return 0;
	rdmsrl(MSR_IA32_APICBASE, base);
	err = map_4k(s, GV_APIC_VA, base & PAGE_MASK,
		     PTE_RW | PTE_NX | PTE_PCD | PTE_PWT);
	if (!err)
		s->hv->apic_va = GV_APIC_VA;
	return err;
}

int gv_hostpt_build(struct gv_state *s)
{
	unsigned int i;
	int err;

	s->pt_levels = pgtable_l5_enabled() ? 5 : 4;
	if (!pt_alloc(s, &s->host_cr3))
		return -ENOMEM;

	for (i = 0; i < s->nr_chunks; i++) {
		err = map_lowmem(s, s->chunks[i].va, s->chunks[i].size,
				 PTE_RW | PTE_NX);
		if (err)
			goto fail;
	}
	err = map_module_range(s, __gv_root_text_start, __gv_root_text_end, 0);
	err = err ?: map_module_range(s, __gv_root_rodata_start,
				      __gv_root_rodata_end, PTE_NX);
	err = err ?: map_windows(s);
	err = err ?: map_xapic(s);
	if (!err) {
		/* Hypapp text is mapped later by the root side (hv_hypapp.c). */
		s->hv->host_cr3 = s->host_cr3;
		s->hv->host_pt_levels = s->pt_levels;
		s->hv->hypapp_va.lo = MODULES_VADDR;
		s->hv->hypapp_va.hi = MODULES_END;
		return 0;
	}
fail:
	/* The pages stay in the arena, which goes with the pool. */
	pr_err("cannot build host page tables: %d\n", err);
	return err;
}
