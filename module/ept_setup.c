// SPDX-License-Identifier: GPL-2.0
/*
 * The rich OS's EPT view, built before launch (DESIGN.md "EPT"): an
 * identity map of the physical address space with the largest pages the
 * MTRRs allow, then the pool taken out (not present) and greenvisor's root
 * text and rodata made read+execute and read-only.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include "gv_core.h"
#include "../hvcore/hv_vmx.h"

int gv_ept_check_caps(struct gv_vmx_config *cfg)
{
	u64 need = VMX_CAP_EPT_WALK4 | VMX_CAP_EPT_WB | VMX_CAP_INVEPT |
		   VMX_CAP_INVEPT_SINGLE;
	u64 cap = cfg->ept_vpid_cap;

	if ((cap & need) != need) {
		pr_err("CPU lacks EPT features 0x%llx (IA32_VMX_EPT_VPID_CAP=0x%llx: need 4-level walk, WB, single-context INVEPT)\n",
		       need & ~cap, cap);
		return -EOPNOTSUPP;
	}
	cfg->ept_flags = 0;
	if (cap & VMX_CAP_EPT_2M)
		cfg->ept_flags |= GV_EPT_F_2M;
	if (cap & VMX_CAP_EPT_1G)
		cfg->ept_flags |= GV_EPT_F_1G;
	if (cap & VMX_CAP_EPT_XONLY)
		cfg->ept_flags |= GV_EPT_F_XONLY;
	cfg->phys_bits = clamp_t(unsigned int, boot_cpu_data.x86_phys_bits,
				 GV_EPT_MIN_PHYS_BITS, GV_EPT_MAX_PHYS_BITS);
	return 0;
}

/*
 * End of the identity map: the whole width when 1 GiB leaves make that
 * cheap; otherwise the end of the highest RAM or MMIO resource, rounded up
 * to 1 GiB, and at least 4 GiB.
 */
static u64 identity_limit(const struct gv_vmx_config *cfg)
{
	u64 width = 1ull << cfg->phys_bits, end = SZ_4G;
	struct resource *r;

	if (cfg->ept_flags & GV_EPT_F_1G)
		return width;
	for (r = iomem_resource.child; r; r = r->sibling)
		end = max_t(u64, end, r->end + 1);
	return min(width, ALIGN(end, SZ_1G));
}

/*
 * Pages of the arena: host page tables, EPT tables (the identity map, the
 * splits around protected ranges and MTRR boundaries) and later dynamic
 * pages. Generous: a page table per protected range edge, a PDPT per
 * 512 GiB, a page directory per GiB when there are no 1 GiB leaves.
 */
static unsigned int green_max_mib = 256;
module_param(green_max_mib, uint, 0444);
MODULE_PARM_DESC(green_max_mib,
		 "Most memory (MiB) that can be lent to the green partition at once; sizes the EPT table reserve (default 256)");

u32 gv_ept_arena_pages(void)
{
	u64 gib = identity_limit(&gv.vmx) >> 30;
	u32 pages = 256 + 8 * nr_cpu_ids + DIV_ROUND_UP(gib, 512);

	/* Per lent 2 MiB: a green page table and a rich one (the split). */
	pages += 2 * DIV_ROUND_UP(green_max_mib, 2) + 8;

	if (!(gv.vmx.ept_flags & GV_EPT_F_1G))
		pages += gib;
	return pages;
}

static const u32 gv_mtrr_fixed_msrs[] = {
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
};

/*
 * The MTRRs as the CPU has them now (SDM 11.11), checked against the CPU's
 * own MAXPHYADDR (CPUID 0x80000008), which may exceed the EPT width or
 * what Linux reports (TME-MK steals address bits).
 */
static int read_mtrrs(struct gv_mtrr_state *m)
{
	unsigned int phys_bits = cpuid_eax(0x80000008) & 0xff;
	u64 cap = 0, val;
	unsigned int i, vcnt;
	int err;

	if (!boot_cpu_has(X86_FEATURE_MTRR)) {
		/* No MTRRs: memory types come from PAT alone, as with WB. */
		err = gv_mtrr_init(m, 0, phys_bits);
		return err ?: gv_mtrr_set_msr(m, GV_MSR_MTRR_DEF_TYPE,
					      BIT(11) | GV_MT_WB);
	}
	rdmsrl(GV_MSR_MTRRCAP, cap);
	err = gv_mtrr_init(m, cap, phys_bits);
	rdmsrl(GV_MSR_MTRR_DEF_TYPE, val);
	err = err ?: gv_mtrr_set_msr(m, GV_MSR_MTRR_DEF_TYPE, val);
	for (i = 0; !err && (cap & BIT(8)) && i < ARRAY_SIZE(gv_mtrr_fixed_msrs); i++) {
		rdmsrl(gv_mtrr_fixed_msrs[i], val);
		err = gv_mtrr_set_msr(m, gv_mtrr_fixed_msrs[i], val);
	}
	vcnt = cap & 0xff;
	for (i = 0; !err && i < vcnt; i++) {
		rdmsrl(GV_MSR_MTRR_PHYSBASE0 + 2 * i, val);
		err = gv_mtrr_set_msr(m, GV_MSR_MTRR_PHYSBASE0 + 2 * i, val);
		rdmsrl(GV_MSR_MTRR_PHYSMASK0 + 2 * i, val);
		err = err ?: gv_mtrr_set_msr(m, GV_MSR_MTRR_PHYSMASK0 + 2 * i, val);
	}
	if (err)
		pr_err("cannot take the MTRRs over: %d\n", err);
	return err;
}

/*
 * Set @perm on every page of a module range (vmalloc: page by page) and
 * add it to the guard set no hypapp may remap.
 */
static int protect_module_range(struct gv_hv *hv, const void *start,
				const void *end, unsigned int perm)
{
	unsigned long va;
	int err;

	for (va = (unsigned long)start; va < (unsigned long)end; va += PAGE_SIZE) {
		u64 pa = PFN_PHYS(vmalloc_to_pfn((void *)va));

		err = gv_ept_set_prot(&hv->rich, pa, PAGE_SIZE, perm);
		err = err ?: gv_ram_map_add(&hv->guard, pa, pa + PAGE_SIZE);
		if (err)
			return err;
	}
	return 0;
}

/* DESIGN.md "Two worlds, one wall", rule 3. */
static int protect_hypervisor(struct gv_state *s)
{
	struct gv_hv *hv = s->hv;
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < s->nr_chunks; i++) {
		u64 pa = __pa(s->chunks[i].va);

		err = gv_ept_remove(&hv->rich, pa, s->chunks[i].size);
		err = err ?: gv_ram_map_add(&hv->guard, pa, pa + s->chunks[i].size);
	}
	err = err ?: protect_module_range(hv, __gv_root_text_start,
					  __gv_root_text_end, GV_EPT_R | GV_EPT_X);
	err = err ?: protect_module_range(hv, __gv_root_rodata_start,
					  __gv_root_rodata_end, GV_EPT_R);
	return err;
}

/* A pool page with a known pattern, for the protection self-tests. */
static int make_canary(struct gv_state *s)
{
	u8 *page = gv_palloc_alloc(&s->hv->palloc, &s->hv->canary_pa);
	unsigned int i;

	if (!page)
		return -ENOMEM;
	for (i = 0; i < PAGE_SIZE; i++)
		page[i] = (u8)(0xa5 ^ i);
	return 0;
}

static int add_ram_range(struct resource *res, void *arg)
{
	struct gv_ram_map *map = arg;
	u64 start = ALIGN(res->start, PAGE_SIZE);
	u64 end = ALIGN_DOWN(res->end + 1, PAGE_SIZE);

	if (start >= end)
		return 0;
	if (gv_ram_map_add(map, start, end)) {
		pr_warn("more than %d System RAM ranges: memory above %#llx cannot be lent\n",
			GV_RAM_MAP_MAX, start);
		return 1;
	}
	return 0;
}

/* The green view starts empty; the root side checks lends against RAM. */
static int green_setup(struct gv_state *s, const struct gv_ept_ops *ops)
{
	struct gv_hv *hv = s->hv;
	int err;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, -1,
			    &hv->ram, add_ram_range);
	err = gv_ept_init(&hv->green, ops, s->vmx.phys_bits, s->vmx.ept_flags);
	if (err)
		return err;
	hv->green_eptp = gv_ept_eptp(&hv->green);
	return 0;
}

int gv_ept_setup(struct gv_state *s)
{
	struct gv_hv *hv = s->hv;
	const struct gv_ept_ops ops = {
		.ctx = &hv->palloc,
		.alloc_table = gv_palloc_ept_alloc,
		.free_table = gv_palloc_ept_free,
		.pa_to_va = gv_palloc_ept_va,
	};
	struct gv_ept_stats st;
	int err;

	err = make_canary(s);
	err = err ?: read_mtrrs(&hv->mtrr);
	err = err ?: gv_ept_init(&hv->rich, &ops, s->vmx.phys_bits,
				 s->vmx.ept_flags);
	if (err)
		goto fail;
	gv_msr_bitmap_add_mtrrs(s);
	hv->rich_limit = identity_limit(&s->vmx);
	err = gv_ept_build_identity(&hv->rich, &hv->mtrr, hv->rich_limit,
				    GV_EPT_RWX);
	err = err ?: protect_hypervisor(s);
	err = err ?: green_setup(s, &ops);
	if (err)
		goto fail;
	/* Nothing ran on the view yet: free what the splits unlinked. */
	gv_ept_flush_done(&hv->rich);
	hv->rich_eptp = gv_ept_eptp(&hv->rich);
	gv_ept_get_stats(&hv->rich, &st);
	pr_info("EPT rich view: %llu table pages, %llu 1G + %llu 2M + %llu 4K leaves, %u-bit, arena %u/%u pages free\n",
		st.tables, st.leaves[3], st.leaves[2], st.leaves[1],
		s->vmx.phys_bits, hv->palloc.nr_free, hv->palloc.nr_pages);
	return 0;
fail:
	pr_err("cannot build the EPT rich view: %d\n", err);
	return err < 0 && err > -4096 ? err : -EINVAL;
}
