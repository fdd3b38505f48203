// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_vtd_pt: vtd/vtd_pt.c, VT-d second-level page tables (VT-d
 * specification 3.x, 9.8): 3- and 4-level tables, the largest page that
 * alignment and CAP.SLLPS allow (leaf and table counts per layout), every
 * refusal, unmap splitting 1 GiB and 2 MiB leaves and unlinking emptied
 * tables, the flush report and deferred frees, all-or-nothing allocation
 * failures, the identity builder (RAM and RMRRs minus holes, rollback),
 * lookup and walk, and the cache write-back contract.
 *
 * The tables live in an arena of pages with fake physical addresses and,
 * for each page, a shadow copy: what a unit whose page walks do not snoop
 * the CPU caches (ECAP.C = 0) sees. flush_cache() copies to the shadow, so
 * a write that is not written back shows up as a difference between a page
 * and its shadow, and a walk of the shadows is the unit's view.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <kunit/test.h>

#include "../../vtd/vtd_pt.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

#define KB		0x400ull
#define MB		0x100000ull
#define GB		0x40000000ull
#define PG		4096ull
#define R		GV_VTD_R
#define W		GV_VTD_W
#define RW		GV_VTD_RW
#define F_2M		GV_VTD_PT_F_2M
#define F_1G		GV_VTD_PT_F_1G
#define F_BOTH		(F_2M | F_1G)

/* ---- the arena ---- */

#define ARENA_PAGES	2600
/* Fake physical address of arena page 0: high, to catch truncations. */
#define ARENA_PA	0x000a000000000000ull

struct arena {
	u8 *mem;		/* ARENA_PAGES + 1 pages (the last is a trap) */
	u8 *shadow;		/* the unit's view of each page */
	bool live[ARENA_PAGES];
	unsigned int cursor;	/* next page to try: freed pages come late */
	int nr_live;
	int allocs;
	int budget;		/* allocations still allowed; < 0: no limit */
	int bad;		/* foreign or dead pages passed in */
	const char *bad_why;
	u64 flushes;
	u64 flushed_bytes;
	/* With check_walk, every flush also checks the unit's whole view. */
	bool check_walk;
	const struct gv_vtd_pt *pt;
	int walk_bad;
	const char *walk_why;
};

static void arena_bad(struct arena *a, const char *why)
{
	if (!a->bad++)
		a->bad_why = why;
}

static u8 *page_va(struct arena *a, unsigned int i)
{
	return a->mem + i * PG;
}

static void *arena_alloc(void *ctx, u64 *pa)
{
	struct arena *a = ctx;
	unsigned int n, i;

	if (!a->budget)
		return NULL;
	for (n = 0; n < ARENA_PAGES; n++) {
		i = (a->cursor + n) % ARENA_PAGES;
		if (a->live[i])
			continue;
		a->cursor = i + 1;
		a->live[i] = true;
		a->nr_live++;
		a->allocs++;
		if (a->budget > 0)
			a->budget--;
		memset(page_va(a, i), 0x5a, PG);	/* must be zeroed */
		memset(a->shadow + i * PG, 0xa5, PG);	/* stale memory */
		*pa = ARENA_PA + i * PG;
		return page_va(a, i);
	}
	return NULL;
}

/* Index of the live arena page at @pa, or -1. */
static int pa_index(struct arena *a, u64 pa)
{
	u64 i = (pa - ARENA_PA) / PG;

	if (pa < ARENA_PA || pa & (PG - 1) || i >= ARENA_PAGES || !a->live[i])
		return -1;
	return i;
}

static void arena_free(void *ctx, void *va, u64 pa)
{
	struct arena *a = ctx;
	int i = pa_index(a, pa);

	if (i < 0 || va != page_va(a, i)) {
		arena_bad(a, "free of a foreign or dead page");
		return;
	}
	a->live[i] = false;
	a->nr_live--;
	memset(va, 0x6b, PG);
	memset(a->shadow + i * PG, 0x6b, PG);
}

static void *arena_va(void *ctx, u64 pa)
{
	struct arena *a = ctx;
	int i = pa_index(a, pa);

	if (i < 0) {
		arena_bad(a, "pa_to_va of a foreign or dead page");
		return page_va(a, ARENA_PAGES);		/* the trap page */
	}
	return page_va(a, i);
}

static void unit_check(struct arena *a);

static void arena_flush(void *ctx, const void *va, u64 len)
{
	struct arena *a = ctx;
	u64 off = (const u8 *)va - a->mem;

	if ((const u8 *)va < a->mem || off / PG >= ARENA_PAGES || !len ||
	    off % PG + len > PG || !a->live[off / PG]) {
		arena_bad(a, "flush outside one live page");
		return;
	}
	memcpy(a->shadow + off, va, len);
	a->flushes++;
	a->flushed_bytes += len;
	if (a->check_walk)
		unit_check(a);
}

/* ---- the unit's view: walks of the shadow pages ---- */

static u64 shadow_entry(struct arena *a, u64 table_pa, unsigned int idx)
{
	int i = pa_index(a, table_pa);

	if (i < 0)
		return ~0ull;		/* walks a freed or foreign table */
	return ((u64 *)(a->shadow + i * PG))[idx];
}

static bool unit_entry_ok(u64 e, unsigned int level, bool *leaf)
{
	u64 leaf_bits = GV_VTD_PTE_ADDR_MASK | GV_VTD_PTE_R | GV_VTD_PTE_W;

	*leaf = level == 1 || (e & GV_VTD_PTE_PS);
	if (!*leaf)
		return (e & ~GV_VTD_PTE_ADDR_MASK) ==
		       (GV_VTD_PTE_R | GV_VTD_PTE_W);
	if (level == 2 || level == 3)
		leaf_bits |= GV_VTD_PTE_PS;
	return !(e & ~leaf_bits) &&
	       !(e & GV_VTD_PTE_ADDR_MASK & ((1ull << (3 + 9 * level)) - 1));
}

static void unit_walk(struct arena *a, u64 table_pa, unsigned int level)
{
	unsigned int i;
	bool leaf;
	u64 e;

	for (i = 0; i < 512; i++) {
		e = shadow_entry(a, table_pa, i);
		if (e == ~0ull) {
			if (!a->walk_bad++)
				a->walk_why = "unit reaches a dead table";
			return;
		}
		if (!(e & (GV_VTD_PTE_R | GV_VTD_PTE_W)))
			continue;
		if (!unit_entry_ok(e, level, &leaf)) {
			if (!a->walk_bad++)
				a->walk_why = "unit sees a malformed entry";
			continue;
		}
		if (!leaf)
			unit_walk(a, e & GV_VTD_PTE_ADDR_MASK, level - 1);
	}
}

static void unit_check(struct arena *a)
{
	if (a->pt && a->pt->root)
		unit_walk(a, a->pt->root_pa, a->pt->levels);
}

/* Translate @iova as the unit would; 0 and *@pa, or -GV_ENOENT/EFAULT. */
static int unit_translate(struct arena *a, const struct gv_vtd_pt *pt,
			  u64 iova, u64 *pa, unsigned int *perm)
{
	u64 table = pt->root_pa, e;
	unsigned int level;
	bool leaf;

	for (level = pt->levels; level; level--) {
		e = shadow_entry(a, table,
				 (iova >> (3 + 9 * level)) & 511);
		if (e == ~0ull)
			return -GV_EFAULT;
		if (!(e & (GV_VTD_PTE_R | GV_VTD_PTE_W)))
			return -GV_ENOENT;
		if (!unit_entry_ok(e, level, &leaf))
			return -GV_EFAULT;
		if (leaf) {
			*pa = (e & GV_VTD_PTE_ADDR_MASK) +
			      (iova & ((1ull << (3 + 9 * level)) - 1));
			*perm = e & 3;
			return 0;
		}
		table = e & GV_VTD_PTE_ADDR_MASK;
	}
	return -GV_EFAULT;
}

/* ---- fixture ---- */

struct fix {
	struct arena a;
	struct gv_vtd_pt_ops ops;
	struct gv_vtd_pt pt;
	bool inited;
};

/* A fixture whose arena pt_exit() gives back, whatever happens. */
static struct fix *fix_new(struct kunit *test)
{
	struct fix *f;

	test->priv = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, test->priv);
	f = test->priv;
	f->a = (struct arena){ .budget = -1, .pt = &f->pt };
	f->a.mem = vmalloc((ARENA_PAGES + 1) * PG);
	f->a.shadow = vmalloc(ARENA_PAGES * PG);
	KUNIT_ASSERT_TRUE(test, f->a.mem && f->a.shadow);
	f->ops = (struct gv_vtd_pt_ops){
		.ctx = &f->a,
		.alloc_table = arena_alloc,
		.free_table = arena_free,
		.pa_to_va = arena_va,
		.flush_cache = arena_flush,
	};
	return f;
}

static struct fix *fix_init(struct kunit *test, unsigned int levels,
			    unsigned int flags)
{
	struct fix *f = fix_new(test);

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, levels, flags),
			0);
	f->inited = true;
	return f;
}

/* Every live page equals its shadow: every write was written back. */
static void expect_coherent(struct kunit *test, struct fix *f)
{
	unsigned int i, bad = 0;

	for (i = 0; i < ARENA_PAGES; i++) {
		if (!f->a.live[i] ||
		    !memcmp(page_va(&f->a, i), f->a.shadow + i * PG, PG))
			continue;
		if (!bad++)
			KUNIT_FAIL(test, "arena page %u differs from what the unit sees",
				   i);
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_EQ_MSG(test, f->a.bad, 0, "%s", f->a.bad_why);
}

/* Destroy and check that every page came back, and nothing went wrong. */
static void fix_done(struct kunit *test, struct fix *f)
{
	KUNIT_EXPECT_EQ_MSG(test, f->a.walk_bad, 0, "%s", f->a.walk_why);
	if (f->inited)
		gv_vtd_pt_destroy(&f->pt);
	f->inited = false;
	KUNIT_EXPECT_EQ(test, f->a.nr_live, 0);
	KUNIT_EXPECT_EQ_MSG(test, f->a.bad, 0, "%s", f->a.bad_why);
}

static void pt_exit(struct kunit *test)
{
	struct fix *f = test->priv;

	if (!f)
		return;
	if (f->inited)
		gv_vtd_pt_destroy(&f->pt);
	vfree(f->a.mem);
	vfree(f->a.shadow);
}

static void expect_stats(struct kunit *test, struct fix *f, u64 tables,
			 u64 l1g, u64 l2m, u64 l4k)
{
	struct gv_vtd_pt_stats st, au;

	gv_vtd_pt_get_stats(&f->pt, &st);
	KUNIT_EXPECT_EQ(test, st.tables, tables);
	KUNIT_EXPECT_EQ(test, st.leaves[3], l1g);
	KUNIT_EXPECT_EQ(test, st.leaves[2], l2m);
	KUNIT_EXPECT_EQ(test, st.leaves[1], l4k);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, &au), 0);
	KUNIT_EXPECT_EQ(test, au.tables, st.tables);
	KUNIT_EXPECT_EQ(test, au.pending_free, st.pending_free);
}

static void expect_leaf(struct kunit *test, struct fix *f, u64 iova,
			unsigned int level, u64 pa, unsigned int perm)
{
	struct gv_vtd_pt_leaf l = {};
	unsigned int uperm = 0;
	u64 upa = 0;

	KUNIT_ASSERT_EQ_MSG(test, gv_vtd_pt_lookup(&f->pt, iova, &l), 0,
			    "iova %#llx", iova);
	KUNIT_EXPECT_EQ_MSG(test, l.level, level, "iova %#llx", iova);
	KUNIT_EXPECT_EQ_MSG(test, l.pa + (iova - l.iova), pa, "iova %#llx",
			    iova);
	KUNIT_EXPECT_EQ(test, l.perm, perm);
	KUNIT_EXPECT_EQ(test, l.size, 1ull << (3 + 9 * level));
	KUNIT_EXPECT_TRUE(test, iova >= l.iova && iova - l.iova < l.size);
	/* The unit translates it the same way. */
	KUNIT_EXPECT_EQ(test, unit_translate(&f->a, &f->pt, iova, &upa,
					     &uperm), 0);
	KUNIT_EXPECT_EQ(test, upa, pa);
	KUNIT_EXPECT_EQ(test, uperm, perm);
}

static void expect_unmapped(struct kunit *test, struct fix *f, u64 iova)
{
	struct gv_vtd_pt_leaf l;
	unsigned int uperm;
	u64 upa;

	KUNIT_EXPECT_EQ_MSG(test, gv_vtd_pt_lookup(&f->pt, iova, &l),
			    -GV_ENOENT, "iova %#llx", iova);
	KUNIT_EXPECT_EQ_MSG(test, unit_translate(&f->a, &f->pt, iova, &upa,
						 &uperm), -GV_ENOENT,
			    "unit, iova %#llx", iova);
}

static int fold_leaf(void *arg, const struct gv_vtd_pt_leaf *l)
{
	u64 *acc = arg;

	acc[0] += (l->iova * 0x9e3779b97f4a7c15ull) ^ l->entry;
	acc[1]++;
	return 0;
}

/* All a caller can observe of the tables, folded into one value. */
static u64 pt_hash(struct fix *f)
{
	u64 acc[2] = { 0, 0 };
	struct gv_vtd_pt_stats st;

	gv_vtd_pt_walk(&f->pt, 0, 1ull << GV_VTD_PT_BITS(f->pt.levels),
		       fold_leaf, acc);
	gv_vtd_pt_get_stats(&f->pt, &st);
	return acc[0] + acc[1] * 3 + st.tables * 31 + st.pending_free * 37 +
	       st.leaves[1] * 41 + st.leaves[2] * 43 + st.leaves[3] * 47;
}

/* ---- capabilities ---- */

struct cap_case {
	const char *name;
	u64 cap;
	int levels;
	unsigned int flags;
};

static const struct cap_case cap_cases[] = {
	/* QEMU 7.2 intel-iommu, default aw-bits (RIGS.md) */
	{ "qemu_39bit", 0x00d2008c22260206ull, 3, F_BOTH },
	/* QEMU with aw-bits=48 */
	{ "qemu_48bit", 0x00d2008c222f0606ull, 4, F_BOTH },
	{ "sagaw_39_only_2m", (0x2ull << 8) | (0x1ull << 34), 3, F_2M },
	{ "sagaw_48_1g_only", (0x4ull << 8) | (0x2ull << 34), 4, F_1G },
	{ "sagaw_none", 0x1ull << 34, -GV_ENOSYS, F_2M },
	{ "sagaw_57_only", 0x8ull << 8, -GV_ENOSYS, 0 },
	{ "sagaw_30_only", 0x1ull << 8, -GV_ENOSYS, 0 },
	{ "sllps_reserved_bits", (0x6ull << 8) | (0xcull << 34), 4, 0 },
};

static void cap_desc(const struct cap_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cap, cap_cases, cap_desc);

static void cap_decode(struct kunit *test)
{
	const struct cap_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, gv_vtd_pt_levels_from_cap(c->cap), c->levels);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_flags_from_cap(c->cap), c->flags);
}

/* ---- init ---- */

static void init_args(struct kunit *test)
{
	struct fix *f = fix_new(test);
	struct gv_vtd_pt_ops ops = f->ops;

	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 2, 0),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 5, 0),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 4, 4),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(NULL, &f->ops, 4, 0),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(&f->pt, NULL, 4, 0), -GV_EINVAL);
	ops.pa_to_va = NULL;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(&f->pt, &ops, 4, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, f->a.allocs, 0);
	f->a.budget = 0;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 4, 0),
			-GV_ENOSPC);
	f->a.budget = -1;

	/* 3 levels: AW 1; 4 levels: AW 2; an empty, written-back root. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 3, F_BOTH), 0);
	f->inited = true;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_aw(&f->pt), 1u);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_root_pa(&f->pt), ARENA_PA);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_stats(test, f, 1, 0, 0, 0);
	expect_coherent(test, f);
	expect_unmapped(test, f, 0);
	gv_vtd_pt_destroy(&f->pt);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_aw(&f->pt), 2u);
	fix_done(test, f);
}

/* ---- map: page sizes and table counts ---- */

struct map_case {
	const char *name;
	unsigned int levels, flags;
	u64 iova, pa, size;
	u64 tables, l1g, l2m, l4k;
};

static const struct map_case map_cases[] = {
	{ "l3_1g_4g", 3, F_BOTH, 0, 0, 4 * GB, 1, 4, 0, 0 },
	{ "l4_1g_4g", 4, F_BOTH, 0, 0, 4 * GB, 2, 4, 0, 0 },
	{ "l4_2m_only_4g", 4, F_2M, 0, 0, 4 * GB, 6, 0, 2048, 0 },
	{ "l3_2m_only_1g", 3, F_2M, GB, GB, GB, 2, 0, 512, 0 },
	{ "l4_4k_only_64m", 4, 0, 0, 0, 64 * MB, 35, 0, 0, 16384 },
	{ "l3_start_4k", 3, F_BOTH, 4 * KB, 4 * KB, 2 * MB, 4, 0, 0, 512 },
	{ "l4_2m_1g_2m", 4, F_BOTH, GB - 2 * MB, GB - 2 * MB, GB + 4 * MB,
	  4, 1, 2, 0 },
	{ "l4_pa_4k_off", 4, F_BOTH, 0, 4 * KB, 4 * MB, 5, 0, 0, 1024 },
	{ "l4_pa_2m_not_1g", 4, F_BOTH, GB, 2 * MB, GB, 3, 0, 512, 0 },
	{ "l3_top_1g", 3, F_BOTH, 511 * GB, 511 * GB, GB, 1, 1, 0, 0 },
	{ "l4_top_2m", 4, F_BOTH, (1ull << 48) - 2 * MB, 0x7fe00000,
	  2 * MB, 3, 0, 1, 0 },
	{ "l4_1g_without_2m", 4, F_1G, 0, 0, GB + 2 * MB, 4, 1, 0, 512 },
	{ "l4_pa_bit51", 4, F_BOTH, 0, 1ull << 51, 2 * GB, 2, 2, 0, 0 },
	{ "l3_last_page", 3, F_BOTH, (1ull << 39) - PG, (1ull << 52) - PG,
	  PG, 3, 0, 0, 1 },
};

static void map_desc(const struct map_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(map, map_cases, map_desc);

struct span_check {
	u64 iova, delta, next, end;
	unsigned int perm;
	u64 bad;
};

static int span_leaf(void *arg, const struct gv_vtd_pt_leaf *l)
{
	struct span_check *c = arg;

	if (l->iova != c->next || l->pa != l->iova + c->delta ||
	    l->perm != c->perm || l->iova + l->size > c->end)
		c->bad++;
	c->next = l->iova + l->size;
	return 0;
}

static void map_sizes(struct kunit *test)
{
	const struct map_case *c = test->param_value;
	struct fix *f = fix_init(test, c->levels, c->flags);
	struct span_check sc = { .delta = c->pa - c->iova, .next = c->iova,
				 .end = c->iova + c->size, .perm = RW };
	u64 top = 1ull << GV_VTD_PT_BITS(c->levels);

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, c->iova, c->pa, c->size,
					    RW), 0);
	expect_stats(test, f, c->tables, c->l1g, c->l2m, c->l4k);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, (int)c->tables);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_coherent(test, f);
	/* The leaves tile the range exactly, in order. */
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 0, top, span_leaf, &sc),
			0);
	KUNIT_EXPECT_EQ(test, sc.bad, 0ull);
	KUNIT_EXPECT_EQ(test, sc.next, c->iova + c->size);
	expect_leaf(test, f, c->iova, c->l1g && !(c->iova % GB) &&
		    !(c->pa % GB) ? 3 : c->l2m && !(c->iova % (2 * MB)) &&
		    !(c->pa % (2 * MB)) ? 2 : 1, c->pa, RW);
	expect_leaf(test, f, c->iova + c->size - PG, 1 +
		    (c->l4k == 0) + (c->l4k == 0 && c->l2m == 0),
		    c->pa + c->size - PG, RW);
	if (c->iova)
		expect_unmapped(test, f, c->iova - PG);
	if (c->iova + c->size < top)
		expect_unmapped(test, f, c->iova + c->size);
	fix_done(test, f);
}

/* ---- map: refusals ---- */

struct refuse_case {
	const char *name;
	unsigned int levels;
	u64 iova, pa, size;
	unsigned int perm;
	int ret;
};

/* Run on tables where [16M, 18M) (a 2 MiB leaf) and 32M + 4K are mapped. */
static const struct refuse_case refuse_cases[] = {
	{ "iova_unaligned", 4, 0x800, 0, PG, RW, -GV_EINVAL },
	{ "pa_unaligned", 4, 0, 0x10, PG, RW, -GV_EINVAL },
	{ "size_unaligned", 4, 0, 0, 0x1800, RW, -GV_EINVAL },
	{ "size_0", 4, 0, 0, 0, RW, -GV_EINVAL },
	{ "perm_0", 4, 0, 0, PG, 0, -GV_EINVAL },
	{ "perm_x", 4, 0, 0, PG, RW | 4, -GV_EINVAL },
	{ "l3_beyond_39", 3, 1ull << 39, 0, PG, RW, -GV_ERANGE },
	{ "l3_straddles_39", 3, (1ull << 39) - PG, 0, 2 * PG, RW,
	  -GV_ERANGE },
	{ "l4_beyond_48", 4, 1ull << 48, 0, PG, RW, -GV_ERANGE },
	{ "iova_wraps", 4, 0xfffffffffffff000ull, 0, 2 * PG, RW,
	  -GV_ERANGE },
	{ "pa_beyond_52", 4, 0, (1ull << 52) - PG, 2 * PG, RW, -GV_ERANGE },
	{ "pa_wraps", 4, 0, 0xfffffffffffff000ull, 2 * PG, RW, -GV_ERANGE },
	{ "busy_in_2m_leaf", 4, 17 * MB, 0, PG, RW, -GV_EBUSY },
	{ "busy_covers_2m_leaf", 4, 14 * MB, 0, 8 * MB, RW, -GV_EBUSY },
	{ "busy_4k", 4, 32 * MB, 0, 16 * KB, RW, -GV_EBUSY },
	{ "busy_last_page", 3, 18 * MB, 0, 14 * MB + 8 * KB, RW, -GV_EBUSY },
	{ "free_next_to_busy", 4, 18 * MB, 0, 2 * MB, RW, 0 },
	{ "write_only", 4, 40 * MB, 0, PG, W, 0 },
	{ "read_only", 3, GB, 0, GB, R, 0 },
};

static void refuse_desc(const struct refuse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(refuse, refuse_cases, refuse_desc);

static void map_refused(struct kunit *test)
{
	const struct refuse_case *c = test->param_value;
	struct fix *f = fix_init(test, c->levels, F_BOTH);
	struct gv_vtd_pt_leaf l;
	int live;
	u64 h;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 16 * MB, 16 * MB, 2 * MB,
					    RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 32 * MB + PG,
					    32 * MB + PG, PG, R), 0);
	h = pt_hash(f);
	live = f->a.nr_live;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map(&f->pt, c->iova, c->pa, c->size,
					    c->perm), c->ret);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_coherent(test, f);
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, pt_hash(f), h);
		KUNIT_EXPECT_EQ(test, f->a.nr_live, live);
	} else {
		KUNIT_EXPECT_EQ(test, gv_vtd_pt_lookup(&f->pt, c->iova, &l),
				0);
		KUNIT_EXPECT_EQ(test, l.perm, c->perm);
		KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, NULL), 0);
	}
	fix_done(test, f);
}

/* ---- unmap ---- */

static void unmap_split_1g(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	u64 start, size;
	int live;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 4 * GB, RW), 0);
	expect_stats(test, f, 2, 4, 0, 0);
	/* One 4 KiB page out of the second 1 GiB leaf: two splits. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB + PG, PG), 0);
	expect_stats(test, f, 4, 3, 511, 511);
	KUNIT_EXPECT_TRUE(test, gv_vtd_pt_flush_needed(&f->pt));
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, start, GB);	/* the whole old leaf */
	KUNIT_EXPECT_EQ(test, size, GB);
	expect_unmapped(test, f, GB + PG);
	expect_unmapped(test, f, GB + PG + 0xfff);
	expect_leaf(test, f, GB, 1, GB, RW);
	expect_leaf(test, f, GB + 2 * PG, 1, GB + 2 * PG, RW);
	expect_leaf(test, f, GB + 2 * MB - PG, 1, GB + 2 * MB - PG, RW);
	expect_leaf(test, f, GB + 2 * MB, 2, GB + 2 * MB, RW);
	expect_leaf(test, f, 2 * GB - PG, 2, 2 * GB - PG, RW);
	expect_leaf(test, f, 0, 3, 0, RW);
	expect_leaf(test, f, 2 * GB, 3, 2 * GB, RW);
	expect_coherent(test, f);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, size, 0ull);

	/* The rest of that 2 MiB: its table empties and is unlinked. */
	live = f->a.nr_live;
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB, 2 * MB), 0);
	expect_stats(test, f, 3, 3, 511, 0);
	KUNIT_EXPECT_EQ(test, f->pt.stats.pending_free, 1ull);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, live);	/* not freed yet */
	KUNIT_EXPECT_TRUE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_unmapped(test, f, GB);
	expect_coherent(test, f);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, live - 1);
	KUNIT_EXPECT_EQ(test, f->pt.stats.pending_free, 0ull);

	/* Mapping it again gets a 2 MiB leaf, in the same directory. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, GB, GB, 2 * MB, RW), 0);
	expect_stats(test, f, 3, 3, 512, 0);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	fix_done(test, f);
}

static void unmap_split_2m(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_2M);
	u64 start, size;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 8 * GB, 4 * MB, W), 0);
	expect_stats(test, f, 3, 0, 2, 0);
	/* [1M, 3M): the second half of one leaf, the first of the next. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, MB, 2 * MB), 0);
	expect_stats(test, f, 5, 0, 0, 512);
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, start, 0ull);
	KUNIT_EXPECT_EQ(test, size, 4 * MB);
	expect_leaf(test, f, MB - PG, 1, 8 * GB + MB - PG, W);
	expect_unmapped(test, f, MB);
	expect_unmapped(test, f, 3 * MB - PG);
	expect_leaf(test, f, 3 * MB, 1, 8 * GB + 3 * MB, W);
	expect_coherent(test, f);
	/* Unmapping over holes and past the mappings is fine. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 0, 8 * MB), 0);
	expect_stats(test, f, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, f->pt.stats.pending_free, 4ull);
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, start, 0ull);
	KUNIT_EXPECT_GE(test, size, 4 * MB);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, 1);
	fix_done(test, f);
}

/* A 4 KiB-only table: removing pages needs no split, ranges are exact. */
static void unmap_4k_exact(struct kunit *test)
{
	struct fix *f = fix_init(test, 3, 0);
	u64 start, size;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 4 * MB, RW), 0);
	expect_stats(test, f, 4, 0, 0, 1024);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 2 * MB + 8 * PG,
					      3 * PG), 0);
	expect_stats(test, f, 4, 0, 0, 1021);
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, start, 2 * MB + 8 * PG);
	KUNIT_EXPECT_EQ(test, size, 3 * PG);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, PG, PG), 0);
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, start, PG);
	KUNIT_EXPECT_EQ(test, start + size, 2 * MB + 11 * PG);
	expect_coherent(test, f);
	fix_done(test, f);
}

static void unmap_nothing(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	int allocs;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 4 * GB, 4 * GB, 2 * MB,
					    RW), 0);
	allocs = f->a.allocs;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, 0, 4 * GB), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, 4 * GB + 2 * MB,
					      GB - 2 * MB), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, 1ull << 47, GB), 0);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	KUNIT_EXPECT_EQ(test, f->a.allocs, allocs);
	expect_leaf(test, f, 4 * GB, 2, 4 * GB, RW);
	/* Refusals. */
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, 0x800, PG), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, 0, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, 1ull << 48, PG),
			-GV_ERANGE);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(NULL, 0, PG), -GV_EINVAL);
	expect_stats(test, f, 3, 0, 1, 0);
	fix_done(test, f);
}

/* Splits need tables: without them nothing changes. */
static void unmap_enospc(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	int live;
	u64 h;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 2 * GB, RW), 0);
	h = pt_hash(f);
	live = f->a.nr_live;
	/* Two 4 KiB pages at both ends of a 1 GiB leaf: four tables. */
	f->a.budget = 3;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB - PG, 2 * PG),
			-GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, pt_hash(f), h);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, live);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_coherent(test, f);
	f->a.budget = 4;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB - PG, 2 * PG), 0);
	KUNIT_EXPECT_EQ(test, f->a.budget, 0);
	expect_stats(test, f, 6, 0, 1022, 1022);
	expect_unmapped(test, f, GB - PG);
	expect_unmapped(test, f, GB);
	expect_leaf(test, f, GB + PG, 1, GB + PG, RW);
	fix_done(test, f);
}

/* A map that needs N tables fails cleanly with any budget below N. */
static void map_enospc(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	int live, budget, ret;
	u64 h;

	/* Tables already there: PML4, PDPT 0, PD 0. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 2 * MB, RW), 0);
	h = pt_hash(f);
	live = f->a.nr_live;
	/*
	 * [2M + 4K, 2G + 4M + 4K): 511 4 KiB pages in a new PT, 510 2 MiB
	 * pages, a 1 GiB page, then a new PD with two 2 MiB pages and a new
	 * PT with one 4 KiB page: 3 new tables.
	 */
	for (budget = 0; budget < 3; budget++) {
		f->a.budget = budget;
		ret = gv_vtd_pt_map(&f->pt, 2 * MB + PG, 2 * MB + PG,
				    2 * GB + 2 * MB, RW);
		KUNIT_EXPECT_EQ_MSG(test, ret, -GV_ENOSPC, "budget %d", budget);
		KUNIT_EXPECT_EQ_MSG(test, pt_hash(f), h, "budget %d", budget);
		KUNIT_EXPECT_EQ(test, f->a.nr_live, live);
	}
	expect_coherent(test, f);
	f->a.budget = 3;
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 2 * MB + PG, 2 * MB + PG,
					    2 * GB + 2 * MB, RW), 0);
	KUNIT_EXPECT_EQ(test, f->a.budget, 0);
	expect_stats(test, f, 3 + 3, 1, 1 + 510 + 2, 511 + 1);
	expect_leaf(test, f, 2 * GB + 4 * MB, 1, 2 * GB + 4 * MB, RW);
	expect_unmapped(test, f, 2 * GB + 4 * MB + PG);
	expect_coherent(test, f);
	fix_done(test, f);
}

/* ---- the cache write-back contract ---- */

static void flush_every_write(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	static const u64 probes[] = { 0, PG, 2 * MB - PG, 2 * MB, 3 * MB,
		GB - PG, GB, GB + 5 * PG, 2 * GB, 3 * GB - PG, 3 * GB,
		512 * GB, 512 * GB + 2 * MB };
	struct gv_vtd_pt_leaf l;
	unsigned int i, uperm;
	u64 flushes, upa;
	int ret, uret;

	/* The unit's view is checked whole at every single flush. */
	f->a.check_walk = true;
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 3 * GB, RW), 0);
	expect_coherent(test, f);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 512 * GB, 0, 4 * MB, R),
			0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB + 4 * PG, 3 * PG),
			0);
	expect_coherent(test, f);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 512 * GB, 2 * MB), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 2 * MB - PG, 2 * PG),
			0);
	expect_coherent(test, f);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, GB + 4 * PG, GB + 4 * PG,
					    3 * PG, W), 0);
	expect_coherent(test, f);
	KUNIT_EXPECT_EQ_MSG(test, f->a.walk_bad, 0, "%s", f->a.walk_why);
	/* The unit and the CPU agree on every probe. */
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		ret = gv_vtd_pt_lookup(&f->pt, probes[i], &l);
		uret = unit_translate(&f->a, &f->pt, probes[i], &upa, &uperm);
		KUNIT_EXPECT_EQ_MSG(test, ret, uret, "iova %#llx", probes[i]);
		if (!ret && !uret) {
			KUNIT_EXPECT_EQ(test, upa,
					l.pa + probes[i] - l.iova);
			KUNIT_EXPECT_EQ(test, uperm, l.perm);
		}
	}
	/* Written-back bytes are entries and whole new tables only. */
	KUNIT_EXPECT_GT(test, f->a.flushes, 0ull);
	KUNIT_EXPECT_EQ(test, f->a.flushed_bytes % 8, 0ull);
	/* A lookup or walk writes nothing. */
	flushes = f->a.flushes;
	gv_vtd_pt_lookup(&f->pt, GB, &l);
	pt_hash(f);
	KUNIT_EXPECT_EQ(test, f->a.flushes, flushes);
	fix_done(test, f);
}

/* Entries of live tables are written back in runs, not page by page. */
static void flush_counts(struct kunit *test)
{
	struct fix *f = fix_init(test, 3, 0);
	u64 flushes, bytes;

	/* 512 leaves in one new PT: the PT (4096 bytes), its PD entry... */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 2 * MB, RW), 0);
	flushes = f->a.flushes;
	bytes = f->a.flushed_bytes;
	KUNIT_EXPECT_LE(test, flushes, 1ull + 2 * 2);	/* root, PD, PT */
	/* ... then 16 leaves into the live PT: one run of 128 bytes. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 64 * KB, 64 * KB), 0);
	KUNIT_EXPECT_EQ(test, f->a.flushes - flushes, 1ull);
	KUNIT_EXPECT_EQ(test, f->a.flushed_bytes - bytes, 128ull);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 64 * KB, 0, 64 * KB, R),
			0);
	KUNIT_EXPECT_EQ(test, f->a.flushes - flushes, 2ull);
	KUNIT_EXPECT_EQ(test, f->a.flushed_bytes - bytes, 256ull);
	expect_coherent(test, f);
	fix_done(test, f);
}

/* Without flush_cache (a snooping unit) everything works the same. */
static void no_flush_cache(struct kunit *test)
{
	struct fix *f = fix_new(test);

	f->ops.flush_cache = NULL;
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 3, F_BOTH), 0);
	f->inited = true;
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 2 * GB, RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB + PG, PG), 0);
	expect_stats(test, f, 3, 1, 511, 511);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_EQ(test, f->a.flushes, 0ull);
	fix_done(test, f);
}

/* ---- identity builder ---- */

struct run_check {
	const struct gv_vtd_range *want;
	unsigned int nr, i;
	u64 start, end;		/* current run */
	bool open;
	unsigned int bad;
	u64 bad_at;
};

static void run_close(struct run_check *c)
{
	if (!c->open)
		return;
	if (c->i >= c->nr || c->want[c->i].start != c->start ||
	    c->want[c->i].start + c->want[c->i].size != c->end) {
		if (!c->bad++)
			c->bad_at = c->start;
	}
	c->i++;
	c->open = false;
}

static int run_leaf(void *arg, const struct gv_vtd_pt_leaf *l)
{
	struct run_check *c = arg;

	if (l->pa != l->iova && !c->bad++)
		c->bad_at = l->iova;
	if (c->open && l->iova == c->end) {
		c->end += l->size;
		return 0;
	}
	run_close(c);
	c->open = true;
	c->start = l->iova;
	c->end = l->iova + l->size;
	return 0;
}

/* The tables map exactly @want (sorted, disjoint, not touching). */
static void expect_runs(struct kunit *test, struct fix *f,
			const struct gv_vtd_range *want, unsigned int nr)
{
	struct run_check c = { .want = want, .nr = nr };

	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 0,
					     1ull << GV_VTD_PT_BITS(f->pt.levels),
					     run_leaf, &c), 0);
	run_close(&c);
	KUNIT_EXPECT_EQ_MSG(test, c.bad, 0u, "first bad run at %#llx",
			    c.bad_at);
	KUNIT_EXPECT_EQ(test, c.i, nr);
}

/*
 * A 6 GiB machine: RAM below 640K, [1M, 2G) and [4G, 6G); an RMRR inside
 * RAM and one in the PCI hole; holes for the pool (2 MiB aligned) and for
 * green memory (unaligned, reaching past the end of RAM).
 */
static const struct gv_vtd_range id_map[] = {
	{ 4 * GB, 2 * GB },
	{ 0, 640 * KB },
	{ 0x7a000000, 128 * KB },		/* RMRR (USB), inside RAM */
	{ MB, 2 * GB - MB },
	{ 3 * GB + 16 * MB, 64 * KB },		/* RMRR in the PCI hole */
	{ 5 * GB, 0 },				/* empty */
};

static const struct gv_vtd_range id_holes[] = {
	{ 5 * GB + PG, GB },			/* green, to 6G + 4K */
	{ 256 * MB, 8 * MB },			/* the pool */
	{ 8 * GB, GB },				/* outside everything */
};

static const struct gv_vtd_range id_want[] = {
	{ 0, 640 * KB },
	{ MB, 255 * MB },
	{ 264 * MB, 2 * GB - 264 * MB },
	{ 3 * GB + 16 * MB, 64 * KB },
	{ 4 * GB, GB + PG },
};

static void identity_layout(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	struct gv_vtd_pt_stats st;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map_identity(&f->pt, id_map,
						     ARRAY_SIZE(id_map),
						     id_holes,
						     ARRAY_SIZE(id_holes), RW),
			0);
	expect_runs(test, f, id_want, ARRAY_SIZE(id_want));
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, &st), 0);
	/* Large pages wherever alignment allows. */
	expect_leaf(test, f, GB + 0x1234000, 3, GB + 0x1234000, RW);
	expect_leaf(test, f, 4 * GB, 3, 4 * GB, RW);
	expect_leaf(test, f, 264 * MB, 2, 264 * MB, RW);
	expect_leaf(test, f, 2 * MB, 2, 2 * MB, RW);
	expect_leaf(test, f, MB, 1, MB, RW);
	expect_leaf(test, f, 5 * GB, 1, 5 * GB, RW);
	expect_leaf(test, f, 3 * GB + 16 * MB, 1, 3 * GB + 16 * MB, RW);
	expect_unmapped(test, f, 5 * GB + PG);
	expect_unmapped(test, f, 256 * MB);
	expect_unmapped(test, f, 640 * KB);
	/*
	 * 1 GiB: [1G, 2G), [4G, 5G). 2 MiB: [2M, 256M) and [264M, 1G).
	 * 4 KiB: below 640K, [1M, 2M), the RMRR in the hole, the page at 5G.
	 */
	KUNIT_EXPECT_EQ(test, st.leaves[3], 2ull);
	KUNIT_EXPECT_EQ(test, st.leaves[2], 127ull + 380);
	KUNIT_EXPECT_EQ(test, st.leaves[1], 160ull + 256 + 16 + 1);
	/* PML4, PDPT, PD [0, 1G) and its PT, PD and PT at 3G and at 5G. */
	KUNIT_EXPECT_EQ(test, st.tables, 8ull);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_coherent(test, f);
	/* Again: every page is busy now. */
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, id_map,
						     ARRAY_SIZE(id_map),
						     id_holes,
						     ARRAY_SIZE(id_holes), RW),
			-GV_EBUSY);
	expect_runs(test, f, id_want, ARRAY_SIZE(id_want));
	fix_done(test, f);
}

/* Errors part-way undo the runs already mapped. */
static void identity_rollback(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	static const struct gv_vtd_range pre[] = { { 4 * GB + 8 * MB, PG } };
	static const struct gv_vtd_range bad[] = { { 0, 0x800 } };
	struct gv_vtd_pt_stats st;
	int live, budget, ret;

	/* -GV_EBUSY in the last run. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, pre[0].start,
					    pre[0].start, PG, R), 0);
	live = f->a.nr_live;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, id_map,
						     ARRAY_SIZE(id_map),
						     id_holes,
						     ARRAY_SIZE(id_holes), RW),
			-GV_EBUSY);
	expect_runs(test, f, pre, 1);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, live);
	expect_coherent(test, f);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, pre[0].start, PG), 0);
	gv_vtd_pt_flush_done(&f->pt);

	/* -GV_ENOSPC at every point: the tables end up empty again. */
	for (budget = 0; budget < 12; budget++) {
		f->a.budget = budget;
		ret = gv_vtd_pt_map_identity(&f->pt, id_map,
					     ARRAY_SIZE(id_map), id_holes,
					     ARRAY_SIZE(id_holes), RW);
		gv_vtd_pt_flush_done(&f->pt);
		if (!ret)
			break;
		KUNIT_EXPECT_EQ(test, ret, -GV_ENOSPC);
		gv_vtd_pt_get_stats(&f->pt, &st);
		KUNIT_EXPECT_EQ_MSG(test, st.tables, 1ull, "budget %d", budget);
		KUNIT_EXPECT_EQ(test, st.leaves[1] + st.leaves[2] +
				st.leaves[3], 0ull);
		KUNIT_EXPECT_EQ(test, f->a.nr_live, 1);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_GT(test, budget, 3);
	expect_runs(test, f, id_want, ARRAY_SIZE(id_want));
	f->a.budget = -1;
	/* Bad ranges. */
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, bad, 1, NULL, 0,
						     RW), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, id_map, 1, bad,
						     1, RW), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, NULL, 1, NULL, 0,
						     RW), -GV_EINVAL);
	fix_done(test, f);
}

/* A hole that covers a whole range, holes only, nothing at all. */
static void identity_edges(struct kunit *test)
{
	struct fix *f = fix_init(test, 3, F_2M);
	static const struct gv_vtd_range map[] = {
		{ 2 * MB, 2 * MB }, { 8 * MB, 4 * MB }, { 6 * MB, 2 * MB } };
	static const struct gv_vtd_range holes[] = {
		{ 0, 4 * MB }, { 10 * MB, PG } };
	static const struct gv_vtd_range want[] = {
		{ 6 * MB, 4 * MB }, { 10 * MB + PG, 2 * MB - PG } };

	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, NULL, 0, holes,
						     2, RW), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, map, 1, holes,
						     2, RW), 0);
	expect_stats(test, f, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_map_identity(&f->pt, map, 3, holes,
						     2, R), 0);
	expect_runs(test, f, want, ARRAY_SIZE(want));
	expect_leaf(test, f, 6 * MB, 2, 6 * MB, R);
	expect_leaf(test, f, 8 * MB, 2, 8 * MB, R);
	expect_leaf(test, f, 10 * MB + PG, 1, 10 * MB + PG, R);
	expect_unmapped(test, f, 10 * MB);
	fix_done(test, f);
}

/* ---- lookup and walk ---- */

struct walk_rec {
	unsigned int n, stop_at;
	u64 iova[8];
	u64 size[8];
};

static int rec_leaf(void *arg, const struct gv_vtd_pt_leaf *l)
{
	struct walk_rec *w = arg;

	if (w->n < ARRAY_SIZE(w->iova)) {
		w->iova[w->n] = l->iova;
		w->size[w->n] = l->size;
	}
	return ++w->n == w->stop_at ? 77 : 0;
}

static void walk_and_lookup(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	struct walk_rec w = {};
	struct gv_vtd_pt_leaf l;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, GB - 2 * MB, 3 * GB - 2 * MB,
					    GB + 2 * MB + PG, RW), 0);
	/* A range inside the 1 GiB leaf reports it whole. */
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, GB + 4 * MB, PG,
					     rec_leaf, &w), 0);
	KUNIT_EXPECT_EQ(test, w.n, 1u);
	KUNIT_EXPECT_EQ(test, w.iova[0], GB);
	KUNIT_EXPECT_EQ(test, w.size[0], GB);
	/* In order, across levels: 2M, 1G, 4K. */
	w = (struct walk_rec){};
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 0, 4 * GB, rec_leaf, &w),
			0);
	KUNIT_EXPECT_EQ(test, w.n, 3u);
	KUNIT_EXPECT_EQ(test, w.iova[0], GB - 2 * MB);
	KUNIT_EXPECT_EQ(test, w.size[0], 2 * MB);
	KUNIT_EXPECT_EQ(test, w.iova[2], 2 * GB);
	KUNIT_EXPECT_EQ(test, w.size[2], PG);
	/* The callback's value stops the walk. */
	w = (struct walk_rec){ .stop_at = 2 };
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 0, 4 * GB, rec_leaf, &w),
			77);
	KUNIT_EXPECT_EQ(test, w.n, 2u);
	/* Refusals. */
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 0, 0, rec_leaf, &w),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 0, PG, NULL, &w),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_walk(&f->pt, 1ull << 48, PG, rec_leaf,
					     &w), -GV_ERANGE);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_lookup(&f->pt, 1ull << 48, &l),
			-GV_ERANGE);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_lookup(&f->pt, 0, NULL), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_lookup(NULL, 0, &l), -GV_EINVAL);
	/* Lookup: offsets inside leaves, the entry's raw bits. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_lookup(&f->pt, GB + 0x123456, &l), 0);
	KUNIT_EXPECT_EQ(test, l.iova, GB);
	KUNIT_EXPECT_EQ(test, l.pa, 3 * GB);
	KUNIT_EXPECT_EQ(test, l.entry, 3 * GB | GV_VTD_PTE_PS | 3);
	expect_leaf(test, f, 2 * GB + 0xfff, 1, 4 * GB + 0xfff, RW);
	fix_done(test, f);
}

/* Unmap, map back: merge restores the large leaves, and only then. */
static void merge_back(struct kunit *test)
{
	struct fix *f = fix_init(test, 4, F_BOTH);
	u64 start, size;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 2 * GB, RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB + PG, PG), 0);
	gv_vtd_pt_flush_done(&f->pt);
	/* Different permissions: nothing to fold. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, GB + PG, GB + PG, PG, R),
			0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_merge(&f->pt, 0, 2 * GB), 0);
	KUNIT_EXPECT_FALSE(test, gv_vtd_pt_flush_needed(&f->pt));
	expect_stats(test, f, 4, 1, 511, 512);
	/* The same page as before: PT -> 2M leaf, PD -> 1G leaf. */
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, GB + PG, PG), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, GB + PG, GB + PG, PG, RW),
			0);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_merge(&f->pt, GB + PG, PG), 2);
	expect_stats(test, f, 2, 2, 0, 0);
	KUNIT_EXPECT_EQ(test, f->pt.stats.pending_free, 2ull);
	KUNIT_EXPECT_TRUE(test, gv_vtd_pt_flush_needed(&f->pt));
	gv_vtd_pt_flush_range(&f->pt, &start, &size);
	KUNIT_EXPECT_EQ(test, start, GB);
	KUNIT_EXPECT_EQ(test, size, GB);
	expect_leaf(test, f, GB + PG, 3, GB + PG, RW);
	expect_coherent(test, f);
	gv_vtd_pt_flush_done(&f->pt);
	KUNIT_EXPECT_EQ(test, f->a.nr_live, 2);
	/* Without 1G pages, the PD stays; a shifted pa never folds. */
	gv_vtd_pt_destroy(&f->pt);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_init(&f->pt, &f->ops, 3, F_2M), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, GB, RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, GB, PG, 2 * MB, RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 2 * MB, PG), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 2 * MB, 2 * MB, PG, RW),
			0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_merge(&f->pt, 0, 2 * GB), 1);
	expect_stats(test, f, 4, 0, 512, 512);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_merge(&f->pt, 0, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_merge(&f->pt, 0, 1ull << 40),
			-GV_ERANGE);
	fix_done(test, f);
}

/* Destroy gives back deferred tables too; the audit catches corruption. */
static void destroy_and_audit(struct kunit *test)
{
	struct fix *f = fix_init(test, 3, F_BOTH);
	u64 *pd;

	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 0, 0, 4 * MB, RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_map(&f->pt, 8 * MB, 0, PG, RW), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_pt_unmap(&f->pt, 8 * MB, PG), 0);
	KUNIT_EXPECT_EQ(test, f->pt.stats.pending_free, 1ull);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, NULL), 0);
	/* A stray bit in a leaf, then a count that disagrees. */
	pd = arena_va(&f->a, f->pt.root[0] & GV_VTD_PTE_ADDR_MASK);
	pd[1] |= BIT_ULL(62);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, NULL), -GV_EFAULT);
	pd[1] &= ~BIT_ULL(62);
	f->pt.stats.leaves[2]++;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, NULL), -GV_EFAULT);
	f->pt.stats.leaves[2]--;
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, NULL), 0);
	fix_done(test, f);	/* no flush_done: destroy frees the pending */
}

/* ---- random operations against a model ---- */

#define MODEL_TOP	(2 * GB)
#define MODEL_PAGES	(MODEL_TOP / PG)

/* One u64 per 4 KiB page of [0, MODEL_TOP): pa | perm, 0 when unmapped. */
struct model {
	u64 *page;
	u64 mapped;
	u32 seed;
};

static u32 rnd(struct model *m)
{
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 17;
	m->seed ^= m->seed << 5;
	return m->seed;
}

/* A random range: 4 KiB, 2 MiB or 1 GiB units, often aligned to them. */
static void random_range(struct model *m, u64 *iova, u64 *size, u64 *pa)
{
	static const u64 unit[] = { PG, PG, PG, PG, 2 * MB, 2 * MB, 2 * MB,
				    2 * MB, 2 * MB, GB };
	u64 u = unit[rnd(m) % ARRAY_SIZE(unit)];
	u64 n = u == GB ? 1 : 1 + rnd(m) % (u == PG ? 600 : 5);

	*size = n * u;
	*iova = (rnd(m) % (MODEL_TOP / u)) * u;
	if (rnd(m) % 4 == 0)
		*iova += (rnd(m) % 512) * PG;	/* misaligned */
	if (*iova + *size > MODEL_TOP)
		*iova = MODEL_TOP - *size;
	/* Half of them at one fixed offset, so that neighbours can merge. */
	*pa = 8 * GB + *iova;
	if (rnd(m) % 2)
		*pa += (u64)(rnd(m) % 64) * GB +
		       (rnd(m) % 8 ? 0 : (rnd(m) % 512) * PG);
}

/* Compare the page at @iova: tables, the unit's view and the model. */
static bool model_page_ok(struct fix *f, struct model *m, u64 iova)
{
	u64 want = m->page[iova / PG], upa;
	struct gv_vtd_pt_leaf l;
	unsigned int uperm;
	int ret = gv_vtd_pt_lookup(&f->pt, iova, &l);
	int uret = unit_translate(&f->a, &f->pt, iova, &upa, &uperm);

	if (!want)
		return ret == -GV_ENOENT && uret == -GV_ENOENT;
	return !ret && !uret && l.pa + (iova - l.iova) == (want & ~3ull) &&
	       l.perm == (want & 3) && upa == l.pa + (iova - l.iova) &&
	       uperm == l.perm;
}

static int model_leaf(void *arg, const struct gv_vtd_pt_leaf *l)
{
	struct model *m = arg;
	u64 p;

	for (p = 0; p < l->size; p += PG)
		if (m->page[(l->iova + p) / PG] != ((l->pa + p) | l->perm))
			return -GV_EFAULT;
	m->mapped -= l->size / PG;	/* must come out at 0 */
	return 0;
}

/* Every leaf agrees with the model and covers all its mapped pages. */
static int model_full_check(struct fix *f, struct model *m)
{
	u64 mapped = m->mapped;
	int ret = gv_vtd_pt_walk(&f->pt, 0, MODEL_TOP, model_leaf, m);

	ret = ret ?: (m->mapped ? -GV_ERANGE : 0);
	m->mapped = mapped;
	return ret;
}

/*
 * Apply a successful map or unmap to the model. Returns whether anything
 * was mapped in the range, and the first and last such page in *@lo, *@hi.
 */
static bool model_apply(struct model *m, u64 iova, u64 size, u64 pa,
			unsigned int perm, u64 *lo, u64 *hi)
{
	bool any = false;
	u64 i;

	for (i = iova / PG; i < (iova + size) / PG; i++) {
		if (m->page[i]) {
			*lo = any ? *lo : i * PG;
			*hi = i * PG;
			any = true;
			m->mapped--;
		}
		m->page[i] = perm ? (pa + i * PG - iova) | perm : 0;
		m->mapped += perm != 0;
	}
	return any;
}

/*
 * If the model maps [@iova, +@size) with one contiguous translation, unmap
 * it and map it back as it was (splitting and refilling large leaves:
 * what merge undoes). Returns 1 on a failure.
 */
static unsigned int punch_refill(struct fix *f, struct model *m, u64 iova,
				 u64 size)
{
	u64 first = m->page[iova / PG], i;

	for (i = 0; i < size / PG; i++)
		if (!first || m->page[iova / PG + i] != first + i * PG)
			return 0;
	return gv_vtd_pt_unmap(&f->pt, iova, size) != 0 ||
	       gv_vtd_pt_map(&f->pt, iova, first & ~3ull, size, first & 3) != 0;
}

/* Nothing was written (no write-back) and nothing kept. Returns 1 if not. */
static unsigned int unchanged(struct fix *f, struct gv_vtd_pt_stats *st0,
			      struct gv_vtd_pt_stats *st1, u64 flushes,
			      int live)
{
	gv_vtd_pt_get_stats(&f->pt, st1);
	return memcmp(st0, st1, sizeof(*st0)) || f->a.flushes != flushes ||
	       f->a.nr_live != live;
}

struct random_case {
	const char *name;
	unsigned int levels, flags;
	u32 seed;
};

static const struct random_case random_cases[] = {
	{ "l4_2m_1g", 4, F_BOTH, 0x9e3779b9 },
	{ "l3_2m_1g", 3, F_BOTH, 0x12345678 },
	{ "l4_2m_only", 4, F_2M, 0xcafef00d },
	{ "l3_4k_only", 3, 0, 0x0badc0de },
};

static void random_desc(const struct random_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(random, random_cases, random_desc);

static void random_ops(struct kunit *test)
{
	const struct random_case *c = test->param_value;
	struct fix *f = fix_init(test, c->levels, c->flags);
	struct model m = { .seed = c->seed };
	u64 iova, size, pa, fs, fsz, lo = 0, hi = 0, flushes;
	struct gv_vtd_pt_stats st0, st1;
	unsigned int op, k, perm, bad = 0, maps = 0, unmaps = 0, busy = 0;
	unsigned int full = 0;
	bool was;
	int ret, live, merges = 0;

	m.page = vzalloc(MODEL_PAGES * sizeof(u64));
	KUNIT_ASSERT_NOT_NULL(test, m.page);
	for (op = 0; op < 400 && !bad; op++) {
		random_range(&m, &iova, &size, &pa);
		perm = pa == 8 * GB + iova ? RW : 1 + rnd(&m) % 3;
		gv_vtd_pt_get_stats(&f->pt, &st0);
		flushes = f->a.flushes;
		live = f->a.nr_live;
		if (rnd(&m) % 3) {
			ret = gv_vtd_pt_map(&f->pt, iova, pa, size, perm);
			was = false;
			for (k = 0; k < size / PG && !was; k++)
				was = m.page[iova / PG + k];
			if ((ret == -GV_EBUSY && was) || ret == -GV_ENOSPC) {
				busy += ret == -GV_EBUSY;
				full += ret == -GV_ENOSPC;
				bad += unchanged(f, &st0, &st1, flushes, live);
				continue;
			}
			bad += ret != 0 || was;
			model_apply(&m, iova, size, pa, perm, &lo, &hi);
			maps++;
		} else {
			ret = gv_vtd_pt_unmap(&f->pt, iova, size);
			if (ret == -GV_ENOSPC) {
				full++;
				bad += unchanged(f, &st0, &st1, flushes, live);
				continue;
			}
			bad += ret != 0;
			was = model_apply(&m, iova, size, 0, 0, &lo, &hi);
			gv_vtd_pt_flush_range(&f->pt, &fs, &fsz);
			/* Something removed: the span covers it. */
			bad += was && (!gv_vtd_pt_flush_needed(&f->pt) ||
				       fs > lo || fs + fsz < hi + PG);
			unmaps++;
		}
		if (rnd(&m) % 4 == 0) {
			random_range(&m, &iova, &size, &pa);
			bad += punch_refill(f, &m, iova, size);
		}
		if (rnd(&m) % 8 == 0)
			merges += gv_vtd_pt_merge(&f->pt, 0, MODEL_TOP);
		if (rnd(&m) % 2)
			gv_vtd_pt_flush_done(&f->pt);
		for (k = 0; k < 24; k++)
			bad += !model_page_ok(f, &m, k < 2 ?
					      iova + k * (size - PG) :
					      (rnd(&m) % MODEL_PAGES) * PG);
		if (op % 100 == 99)
			bad += model_full_check(f, &m) != 0;
		if (bad)
			KUNIT_FAIL(test, "op %u: %s [%#llx, +%#llx) pa %#llx perm %u: %d",
				   op, was ? "was mapped" : "was free", iova,
				   size, pa, perm, ret);
	}
	KUNIT_EXPECT_EQ(test, model_full_check(f, &m), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_pt_audit(&f->pt, NULL), 0);
	expect_coherent(test, f);
	kunit_info(test, "%u maps, %u refused as busy, %u unmaps, %u out of tables, %d tables merged, %llu pages mapped, %d table pages\n",
		   maps, busy, unmaps, full, merges, m.mapped, f->a.nr_live);
	KUNIT_EXPECT_GT(test, busy, 10u);
	if (c->flags)
		KUNIT_EXPECT_GT(test, merges, 0);
	KUNIT_EXPECT_GT(test, maps, 80u);
	vfree(m.page);
	fix_done(test, f);
}

static struct kunit_case gv_vtd_pt_cases[] = {
	KUNIT_CASE_PARAM(cap_decode, cap_gen_params),
	KUNIT_CASE(init_args),
	KUNIT_CASE_PARAM(map_sizes, map_gen_params),
	KUNIT_CASE_PARAM(map_refused, refuse_gen_params),
	KUNIT_CASE(unmap_split_1g),
	KUNIT_CASE(unmap_split_2m),
	KUNIT_CASE(unmap_4k_exact),
	KUNIT_CASE(unmap_nothing),
	KUNIT_CASE(unmap_enospc),
	KUNIT_CASE(map_enospc),
	KUNIT_CASE(flush_every_write),
	KUNIT_CASE(flush_counts),
	KUNIT_CASE(no_flush_cache),
	KUNIT_CASE(identity_layout),
	KUNIT_CASE(identity_rollback),
	KUNIT_CASE(identity_edges),
	KUNIT_CASE(walk_and_lookup),
	KUNIT_CASE(merge_back),
	KUNIT_CASE(destroy_and_audit),
	KUNIT_CASE_PARAM(random_ops, random_gen_params),
	{}
};

struct kunit_suite gv_vtd_pt_suite = {
	.name = "gv_vtd_pt",
	.exit = pt_exit,
	.test_cases = gv_vtd_pt_cases,
};
