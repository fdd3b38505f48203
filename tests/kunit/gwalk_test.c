// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_gwalk: hvcore/hv_gwalk.c, the checked guest page walk
 * (SDM Vol. 3A, 4.5-4.7), on page tables built in a fake guest-physical
 * memory: 4 KiB, 2 MiB and 1 GiB leaves, 4 and 5 levels, not-present and
 * reserved-bit faults with their error codes, R/W with and without
 * CR0.WP, U/S, NX with and without EFER.NXE, SMEP, SMAP and RFLAGS.AC,
 * non-canonical addresses, unsupported modes, unreadable tables.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../hvcore/hv_gwalk.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

#define MEM_PAGES	32
#define P	BIT_ULL(0)
#define RW	BIT_ULL(1)
#define US	BIT_ULL(2)
#define PS	BIT_ULL(7)
#define NX	BIT_ULL(63)

#define CR0_PG_WP	(BIT_ULL(31) | BIT_ULL(16) | 1)
#define CR4_PAE		BIT_ULL(5)
#define CR4_LA57	BIT_ULL(12)
#define CR4_SMEP	BIT_ULL(20)
#define CR4_SMAP	BIT_ULL(21)
#define EFER_LMA_NXE	(BIT_ULL(10) | BIT_ULL(11) | BIT_ULL(8))

/* A fake guest-physical memory: page n is at guest-physical n * 4 KiB. */
struct gmem {
	u64 page[MEM_PAGES][512];
	unsigned int reads;
	u64 unreadable;		/* a table page the callback refuses, or 0 */
};

static int gmem_read(void *arg, u64 gpa, u64 *val)
{
	struct gmem *m = arg;

	m->reads++;
	if (gpa & 7 || gpa >= MEM_PAGES * 4096ull ||
	    (m->unreadable && (gpa & ~0xfffull) == m->unreadable))
		return -1;
	*val = m->page[gpa >> 12][(gpa & 0xfff) / 8];
	return 0;
}

/* Tables at pages 1 (top), 2, 3, 4; 4 KiB leaf for VA 0x0000_7f00_0020_3000. */
#define VA_4K		0x00007f0000203000ull
#define VA_2M		0x00007f0000400000ull	/* PD entry 2: 2 MiB leaf */
#define VA_1G		0x00007f0040000000ull	/* PDPT entry 1: 1 GiB leaf */
#define VA_KERN		0xffff888000001000ull	/* kernel half, supervisor */

struct gw {
	struct gmem *mem;
	struct gv_gwalk_env env;
};

static unsigned int idx(u64 va, unsigned int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static struct gw *gw_new(struct kunit *test, u64 leaf_flags)
{
	struct gw *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	struct gmem *m;

	KUNIT_ASSERT_NOT_NULL(test, g);
	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	g->mem = m;
	/* User half: PML4 (page 1) -> PDPT (2) -> PD (3) -> PT (4). */
	m->page[1][idx(VA_4K, 4)] = 0x2000 | P | RW | US;
	m->page[2][idx(VA_4K, 3)] = 0x3000 | P | RW | US;
	m->page[3][idx(VA_4K, 2)] = 0x4000 | P | RW | US;
	m->page[4][idx(VA_4K, 1)] = 0x123000 | P | leaf_flags;
	m->page[3][idx(VA_2M, 2)] = 0x40000000ull | P | PS | leaf_flags;
	m->page[2][idx(VA_1G, 3)] = 0x80000000ull | P | PS | leaf_flags;
	/* Kernel half: PML4 -> PDPT (5) -> PD (6) -> PT (7), supervisor. */
	m->page[1][idx(VA_KERN, 4)] = 0x5000 | P | RW;
	m->page[5][idx(VA_KERN, 3)] = 0x6000 | P | RW;
	m->page[6][idx(VA_KERN, 2)] = 0x7000 | P | RW;
	m->page[7][idx(VA_KERN, 1)] = 0x456000 | P | RW | NX;
	g->env.cr0 = CR0_PG_WP;
	g->env.cr3 = 0x1000;
	g->env.cr4 = CR4_PAE;
	g->env.efer = EFER_LMA_NXE;
	g->env.maxphyaddr = 40;
	g->env.read_gpa = gmem_read;
	g->env.arg = m;
	return g;
}

static int walk(struct gw *g, u64 va, u32 access, u64 *gpa, u32 *err)
{
	return gv_gwalk(&g->env, va, access, gpa, err);
}

static void translates_leaf_sizes(struct kunit *test)
{
	struct gw *g = gw_new(test, RW | US);
	u64 gpa = 0;
	u32 err = 0xff;

	KUNIT_EXPECT_EQ(test, walk(g, VA_4K + 0x7c, GV_PF_USER, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x12307cull);
	KUNIT_EXPECT_EQ(test, err, 0u);
	KUNIT_EXPECT_EQ(test, g->mem->reads, 4u);
	KUNIT_EXPECT_EQ(test, walk(g, VA_2M + 0x12345, 0, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x40012345ull);
	KUNIT_EXPECT_EQ(test, walk(g, VA_1G + 0x2345678, GV_PF_WRITE, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x82345678ull);
	KUNIT_EXPECT_EQ(test, walk(g, VA_KERN + 8, GV_PF_WRITE, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x456008ull);
}

/* A large leaf's bit 12 is PAT, not address. */
static void large_leaf_pat_bit(struct kunit *test)
{
	struct gw *g = gw_new(test, RW | US);
	u64 gpa = 0;
	u32 err;

	g->mem->page[3][idx(VA_2M, 2)] |= BIT_ULL(12);
	KUNIT_EXPECT_EQ(test, walk(g, VA_2M + 0x1000, 0, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x40001000ull);
}

struct fault_case {
	const char *name;
	u64 leaf_flags;		/* flags of the user-half leaves */
	u64 cr0_clear, cr4_set, efer_clear;
	bool ac;
	u64 va;
	u32 access;
	int ret;
	u32 pf_err;
};

static const struct fault_case fault_cases[] = {
	{ "user_read_ok", US, 0, 0, 0, false, VA_4K, GV_PF_USER, 0, 0 },
	{ "user_write_readonly", US, 0, 0, 0, false, VA_4K,
	  GV_PF_USER | GV_PF_WRITE, -GV_EFAULT, GV_PF_PRESENT | GV_PF_USER | GV_PF_WRITE },
	{ "user_read_supervisor_page", RW, 0, 0, 0, false, VA_4K, GV_PF_USER,
	  -GV_EFAULT, GV_PF_PRESENT | GV_PF_USER },
	{ "user_reads_kernel_half", RW | US, 0, 0, 0, false, VA_KERN, GV_PF_USER,
	  -GV_EFAULT, GV_PF_PRESENT | GV_PF_USER },
	{ "kernel_write_readonly_wp", US, 0, 0, 0, true, VA_4K, GV_PF_WRITE,
	  -GV_EFAULT, GV_PF_PRESENT | GV_PF_WRITE },
	{ "kernel_write_readonly_no_wp", US, BIT_ULL(16), 0, 0, true, VA_4K,
	  GV_PF_WRITE, 0, 0 },
	{ "kernel_fetch_nx", RW | US | NX, 0, 0, 0, false, VA_4K, GV_PF_FETCH | GV_PF_USER,
	  -GV_EFAULT, GV_PF_PRESENT | GV_PF_FETCH | GV_PF_USER },
	{ "kernel_half_fetch_nx", 0, 0, 0, 0, false, VA_KERN, GV_PF_FETCH,
	  -GV_EFAULT, GV_PF_PRESENT | GV_PF_FETCH },
	{ "nx_bit_reserved_without_nxe", RW | US | NX, 0, 0, BIT_ULL(11), false,
	  VA_4K, GV_PF_USER, -GV_EFAULT, GV_PF_PRESENT | GV_PF_RSVD | GV_PF_USER },
	{ "smep_supervisor_fetch_user_page", RW | US, 0, CR4_SMEP, 0, false, VA_4K,
	  GV_PF_FETCH, -GV_EFAULT, GV_PF_PRESENT | GV_PF_FETCH },
	{ "no_smep_supervisor_fetch_user_page", RW | US, 0, 0, 0, false, VA_4K,
	  GV_PF_FETCH, 0, 0 },
	{ "smap_supervisor_read_user_page", RW | US, 0, CR4_SMAP, 0, false, VA_4K,
	  0, -GV_EFAULT, GV_PF_PRESENT },
	{ "smap_with_ac", RW | US, 0, CR4_SMAP, 0, true, VA_4K, 0, 0, 0 },
	{ "not_present_pte", 0, 0, 0, 0, false, VA_4K + 0x1000, GV_PF_WRITE,
	  -GV_EFAULT, GV_PF_WRITE },
	{ "not_present_pml4e", 0, 0, 0, 0, false, 0x0000100000000000ull,
	  GV_PF_USER, -GV_EFAULT, GV_PF_USER },
	{ "non_canonical", RW | US, 0, 0, 0, false, 0x0000800000000000ull, 0,
	  -GV_ERANGE, 0 },
	{ "non_canonical_high", RW | US, 0, 0, 0, false, 0xff00800000000000ull, 0,
	  -GV_ERANGE, 0 },
	{ "la57_accepts_57_bit", RW | US, 0, CR4_LA57, 0, false,
	  0x0080000000000000ull, 0, -GV_EFAULT, 0 },
	{ "paging_off", RW | US, BIT_ULL(31), 0, 0, false, VA_4K, 0, -GV_EINVAL, 0 },
	{ "not_long_mode", RW | US, 0, 0, BIT_ULL(10), false, VA_4K, 0, -GV_EINVAL, 0 },
};

static void fault_desc(const struct fault_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fault, fault_cases, fault_desc);

static void permission_matrix(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct gw *g = gw_new(test, c->leaf_flags);
	u64 gpa = 0;
	u32 err = 0xff;

	g->env.cr0 &= ~c->cr0_clear;
	g->env.cr4 |= c->cr4_set;
	g->env.efer &= ~c->efer_clear;
	g->env.rflags_ac = c->ac;
	KUNIT_EXPECT_EQ(test, walk(g, c->va, c->access, &gpa, &err), c->ret);
	KUNIT_EXPECT_EQ(test, err, c->pf_err);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, gpa, 0x123000ull | (c->va & 0xfff));
}

static void reserved_bits(struct kunit *test)
{
	struct gw *g = gw_new(test, RW | US);
	u64 gpa;
	u32 err;

	/* Address bit at MAXPHYADDR. */
	g->mem->page[4][idx(VA_4K, 1)] |= BIT_ULL(40);
	KUNIT_EXPECT_EQ(test, walk(g, VA_4K, GV_PF_USER, &gpa, &err), -GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, (u32)(GV_PF_PRESENT | GV_PF_RSVD | GV_PF_USER));
	g->mem->page[4][idx(VA_4K, 1)] &= ~BIT_ULL(40);
	/* PS in a PML4E. */
	g->mem->page[1][idx(VA_4K, 4)] |= PS;
	KUNIT_EXPECT_EQ(test, walk(g, VA_4K, 0, &gpa, &err), -GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, (u32)(GV_PF_PRESENT | GV_PF_RSVD));
	g->mem->page[1][idx(VA_4K, 4)] &= ~PS;
	/* A 2 MiB leaf with address bits below 2 MiB. */
	g->mem->page[3][idx(VA_2M, 2)] |= BIT_ULL(13);
	KUNIT_EXPECT_EQ(test, walk(g, VA_2M, 0, &gpa, &err), -GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, (u32)(GV_PF_PRESENT | GV_PF_RSVD));
	/* A 1 GiB leaf with address bits below 1 GiB. */
	g->mem->page[2][idx(VA_1G, 3)] |= BIT_ULL(21);
	KUNIT_EXPECT_EQ(test, walk(g, VA_1G, 0, &gpa, &err), -GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, (u32)(GV_PF_PRESENT | GV_PF_RSVD));
}

/* A table the guest cannot read (e.g. not in its view): no #PF code. */
static void unreadable_table(struct kunit *test)
{
	struct gw *g = gw_new(test, RW | US);
	u64 gpa;
	u32 err = 0xff;

	g->mem->unreadable = 0x3000;
	KUNIT_EXPECT_EQ(test, walk(g, VA_4K, 0, &gpa, &err), -GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, 0u);
	/* A CR3 pointing outside memory. */
	g->mem->unreadable = 0;
	g->env.cr3 = 0x7fff000;
	KUNIT_EXPECT_EQ(test, walk(g, VA_4K, 0, &gpa, &err), -GV_EFAULT);
}

/* 5-level paging: the walk reads one more table. */
static void five_levels(struct kunit *test)
{
	struct gw *g = gw_new(test, RW | US);
	u64 gpa = 0;
	u32 err;

	/* PML5 at page 8 -> the PML4 at page 1 for the low 128 PiB. */
	g->mem->page[8][0] = 0x1000 | P | RW | US;
	g->env.cr3 = 0x8000;
	g->env.cr4 |= CR4_LA57;
	KUNIT_EXPECT_EQ(test, walk(g, VA_4K, GV_PF_USER, &gpa, &err), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x123000ull);
	KUNIT_EXPECT_EQ(test, g->mem->reads, 5u);
	/* PS is reserved in a PML5E too. */
	g->mem->page[8][0] |= PS;
	KUNIT_EXPECT_EQ(test, walk(g, VA_4K, 0, &gpa, &err), -GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, (u32)(GV_PF_PRESENT | GV_PF_RSVD));
}

/* gv_guest_copy: map callbacks over the same fake memory. */
struct copy_ctx {
	struct gmem *mem;
	u8 *data;		/* guest-physical pages 0x100..0x103 live here */
	unsigned int maps, unmaps;
	u64 refuse_gpa;		/* a page the "view" does not allow */
};

static int copy_map(void *arg, u64 gpa, bool write, void **va)
{
	struct copy_ctx *x = arg;

	if (gpa == x->refuse_gpa || gpa < 0x100000 || gpa >= 0x104000)
		return -1;
	x->maps++;
	*va = x->data + (gpa - 0x100000);
	return 0;
}

static void copy_unmap(void *arg)
{
	struct copy_ctx *x = arg;

	x->unmaps++;
}

static const struct gv_gcopy_ops copy_ops = { copy_map, copy_unmap };

#define VA_BUF	0x00007f0000600000ull	/* 4 pages: PT 9 -> gpa 0x100000.. */

static void guest_copy(struct kunit *test)
{
	struct gw *g = gw_new(test, RW | US);
	struct copy_ctx *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, 3 * 4096, GFP_KERNEL);
	unsigned int i;
	u32 err;

	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	x->data = kunit_kzalloc(test, 4 * 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x->data);
	x->mem = g->mem;
	g->mem->page[3][idx(VA_BUF, 2)] = 0x9000 | P | RW | US;
	for (i = 0; i < 4; i++)
		g->mem->page[9][i] = (0x100000 + i * 0x1000ull) | P | US |
				     (i == 2 ? 0 : RW);
	for (i = 0; i < 4 * 4096; i++)
		x->data[i] = (u8)(i * 7);
	/* Read across a page boundary: two maps, bytes in order. */
	KUNIT_EXPECT_EQ(test, gv_guest_copy(&g->env, &copy_ops, x, VA_BUF + 4000,
					    buf, 200, false, GV_PF_USER, &err), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, x->data + 4000, 200), 0);
	KUNIT_EXPECT_EQ(test, x->maps, 2u);
	KUNIT_EXPECT_EQ(test, x->unmaps, 2u);
	/* Write into pages 0-1: fine. */
	memset(buf, 0xab, 5000);
	KUNIT_EXPECT_EQ(test, gv_guest_copy(&g->env, &copy_ops, x, VA_BUF + 100,
					    buf, 5000, true, GV_PF_USER, &err), 0);
	KUNIT_EXPECT_EQ(test, x->data[100], 0xab);
	KUNIT_EXPECT_EQ(test, x->data[5099], 0xab);
	KUNIT_EXPECT_EQ(test, x->data[5100], (u8)(5100 * 7));
	/* Write reaching the read-only page 2: #PF code, page 1 part written. */
	KUNIT_EXPECT_EQ(test, gv_guest_copy(&g->env, &copy_ops, x, VA_BUF + 8000,
					    buf, 1000, true, GV_PF_USER, &err),
			-GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, (u32)(GV_PF_PRESENT | GV_PF_WRITE | GV_PF_USER));
	KUNIT_EXPECT_EQ(test, x->data[8191], 0xab);
	KUNIT_EXPECT_EQ(test, x->data[8192], (u8)(8192 * 7));
	/* Reading page 2 is fine; page 3 refused by the "view": no #PF code. */
	x->refuse_gpa = 0x103000;
	KUNIT_EXPECT_EQ(test, gv_guest_copy(&g->env, &copy_ops, x, VA_BUF + 3 * 4096 - 8,
					    buf, 16, false, GV_PF_USER, &err),
			-GV_EFAULT);
	KUNIT_EXPECT_EQ(test, err, 0u);
	KUNIT_EXPECT_EQ(test, x->maps, x->unmaps);
	/* Wrapping ranges are refused before anything is read. */
	KUNIT_EXPECT_EQ(test, gv_guest_copy(&g->env, &copy_ops, x, ~0ull - 8, buf, 16,
					    false, 0, &err), -GV_EINVAL);
	/* Zero bytes: nothing mapped. */
	i = x->maps;
	KUNIT_EXPECT_EQ(test, gv_guest_copy(&g->env, &copy_ops, x, VA_BUF, buf, 0,
					    false, 0, &err), 0);
	KUNIT_EXPECT_EQ(test, x->maps, i);
}

static struct kunit_case gv_gwalk_cases[] = {
	KUNIT_CASE(translates_leaf_sizes),
	KUNIT_CASE(large_leaf_pat_bit),
	KUNIT_CASE_PARAM(permission_matrix, fault_gen_params),
	KUNIT_CASE(reserved_bits),
	KUNIT_CASE(unreadable_table),
	KUNIT_CASE(five_levels),
	KUNIT_CASE(guest_copy),
	{}
};

struct kunit_suite gv_gwalk_suite = {
	.name = "gv_gwalk",
	.test_cases = gv_gwalk_cases,
};
