// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_ept_table: ept/ept_table.c, the EPT builder and walker
 * (SDM Vol. 3C, 29.3) on synthetic physical maps: the identity view of an
 * emulated 512 MiB machine and of a modelled 64 GiB server (leaf and table
 * counts printed, every leaf checked against the MTRRs), splits and merges,
 * set-protection, memory type, address, removal, lookup and walk, every
 * refusal case, allocation failures midway, and the INVEPT bookkeeping.
 *
 * The tables live in pages from __get_free_page(); the identity maps point
 * at physical addresses that are never touched.
 */
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../ept/ept_table.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"
#include "gv_tmem.h"

#define UC	GV_MT_UC
#define WC	GV_MT_WC
#define WT	GV_MT_WT
#define WP	GV_MT_WP
#define WB	GV_MT_WB
#define R	GV_EPT_R
#define W	GV_EPT_W
#define X	GV_EPT_X
#define RWX	GV_EPT_RWX

#define KB	0x400ull
#define MB	0x100000ull
#define GB	0x40000000ull
#define ALL8(t)	(0x0101010101010101ull * (t))

struct fixture {
	struct tmem mem;
	struct gv_ept_ops ops;
	struct gv_ept_view v;
	struct gv_mtrr_state mtrr;
	bool inited;
};

static struct fixture *fixture_new(struct kunit *test)
{
	struct fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	tmem_ept_ops(&f->mem, &f->ops);
	return f;
}

static void fixture_init(struct kunit *test, struct fixture *f,
			 unsigned int bits, unsigned int flags)
{
	KUNIT_ASSERT_EQ(test, gv_ept_init(&f->v, &f->ops, bits, flags), 0);
	f->inited = true;
}

/* Destroy the view and check that every page came back. */
static void fixture_done(struct kunit *test, struct fixture *f)
{
	if (f->inited)
		gv_ept_destroy(&f->v);
	f->inited = false;
	KUNIT_EXPECT_EQ(test, f->mem.live, 0);
	KUNIT_EXPECT_EQ(test, f->mem.bad_free, 0);
}

/* ---- synthetic physical maps ---- */

static void set_msr(struct kunit *test, struct gv_mtrr_state *s, u32 msr,
		    u64 val)
{
	KUNIT_ASSERT_EQ_MSG(test, gv_mtrr_set_msr(s, msr, val), 0,
			    "MSR %#x = %#llx", msr, val);
}

static void set_var(struct kunit *test, struct gv_mtrr_state *s,
		    unsigned int n, u64 base, u64 size, u8 type)
{
	set_msr(test, s, 0x200 + 2 * n, base | type);
	set_msr(test, s, 0x201 + 2 * n,
		(~(size - 1) & ((1ull << s->phys_bits) - 1)) |
		GV_MTRR_MASK_VALID);
}

/* Fixed ranges of a PC: RAM WB, VGA UC, option ROMs and BIOS WP. */
static void set_fixed_pc(struct kunit *test, struct gv_mtrr_state *s)
{
	unsigned int i;

	set_msr(test, s, 0x250, ALL8(WB));
	set_msr(test, s, 0x258, ALL8(WB));
	set_msr(test, s, 0x259, ALL8(UC));
	for (i = 0; i < 8; i++)
		set_msr(test, s, 0x268 + i, ALL8(WP));
}

/*
 * The emulated lab box: 512 MiB of RAM, MAXPHYADDR 36, WB by default, the
 * PCI hole [3 GiB, 4 GiB) UC, PC fixed ranges.
 */
static void layout_512m(struct kunit *test, struct gv_mtrr_state *s)
{
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(s, 8 | GV_MTRRCAP_FIX |
					   GV_MTRRCAP_WC, 36), 0);
	set_fixed_pc(test, s);
	set_var(test, s, 0, 3 * GB, GB, UC);
	set_msr(test, s, GV_MSR_MTRR_DEF_TYPE,
		GV_MTRR_DEF_E | GV_MTRR_DEF_FE | WB);
}

/*
 * A modelled 64 GiB server, MAXPHYADDR 39: UC by default; RAM [0, 2 GiB)
 * and [4 GiB, 66 GiB) WB through two ranges, the PCI hole [2 GiB, 4 GiB)
 * UC inside the first, and an 8 MiB UC TSEG below 2 GiB.
 */
static void layout_64g(struct kunit *test, struct gv_mtrr_state *s)
{
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(s, 10 | GV_MTRRCAP_FIX |
					   GV_MTRRCAP_WC, 39), 0);
	set_fixed_pc(test, s);
	set_var(test, s, 0, 0, 64 * GB, WB);
	set_var(test, s, 1, 64 * GB, 2 * GB, WB);
	set_var(test, s, 2, 2 * GB, 2 * GB, UC);
	set_var(test, s, 3, 2 * GB - 8 * MB, 8 * MB, UC);
	set_msr(test, s, GV_MSR_MTRR_DEF_TYPE,
		GV_MTRR_DEF_E | GV_MTRR_DEF_FE | UC);
}

/* ---- checkers ---- */

struct idcheck {
	const struct gv_mtrr_state *mtrr;
	u64 next, limit, max_page;
	unsigned int perm;
	bool maximal;
	u64 leaves[4];
	u64 bad;		/* first leaf that failed, or ~0 */
	const char *why;
};

static int idcheck_leaf(void *arg, const struct gv_ept_leaf *l)
{
	struct idcheck *c = arg;
	const char *why = NULL;
	u64 up = l->size == GV_PAGE_4K ? GV_PAGE_2M : GV_PAGE_1G;
	u64 upbase = l->gpa & ~(up - 1);

	c->leaves[l->level]++;
	if (l->gpa != c->next)
		why = "gap or overlap";
	else if (l->hpa != l->gpa)
		why = "not identity";
	else if (l->perm != c->perm)
		why = "permissions";
	else if (l->mt != (unsigned int)gv_mtrr_range_type(c->mtrr, l->gpa,
							   l->size))
		why = "memory type not the MTRRs' uniform type";
	else if (l->size != (l->level == 3 ? GV_PAGE_1G : l->level == 2 ?
			     GV_PAGE_2M : GV_PAGE_4K))
		why = "size and level disagree";
	else if (c->maximal && l->size < c->max_page &&
		 upbase + up <= c->limit &&
		 gv_mtrr_range_type(c->mtrr, upbase, up) != GV_MT_MIXED)
		why = "a larger page would have been uniform";
	c->next = l->gpa + l->size;
	if (why && c->bad == ~0ull) {
		c->bad = l->gpa;
		c->why = why;
	}
	return 0;
}

/* The view maps [0, limit) to itself with the MTRR types, as built. */
static void check_identity(struct kunit *test, struct gv_ept_view *v,
			   const struct gv_mtrr_state *mtrr, u64 limit,
			   unsigned int perm, bool maximal)
{
	struct idcheck c = { .mtrr = mtrr, .limit = limit, .perm = perm,
			     .maximal = maximal, .bad = ~0ull };
	struct gv_ept_stats st;

	c.max_page = v->flags & GV_EPT_F_1G ? GV_PAGE_1G :
		     v->flags & GV_EPT_F_2M ? GV_PAGE_2M : GV_PAGE_4K;
	KUNIT_EXPECT_EQ(test, gv_ept_walk(v, 0, limit, idcheck_leaf, &c), 0);
	KUNIT_EXPECT_EQ(test, c.next, limit);
	KUNIT_EXPECT_EQ_MSG(test, c.bad, ~0ull, "leaf at %#llx: %s", c.bad,
			    c.why);
	gv_ept_get_stats(v, &st);
	KUNIT_EXPECT_EQ(test, c.leaves[1], st.leaves[1]);
	KUNIT_EXPECT_EQ(test, c.leaves[2], st.leaves[2]);
	KUNIT_EXPECT_EQ(test, c.leaves[3], st.leaves[3]);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(v, NULL), 0);
}

/* Sampled addresses translate to themselves with the MTRR type of the page. */
static void check_samples(struct kunit *test, struct gv_ept_view *v,
			  const struct gv_mtrr_state *mtrr, u64 limit,
			  unsigned int perm)
{
	static const u64 edges[] = { 0, 0x9f000, 0xa0000, 0xbf000, 0xc0000,
		0xff000, MB, 2 * MB - 4 * KB, 2 * MB, GB - 4 * KB, GB,
		2 * GB - 8 * MB - 4 * KB, 2 * GB - 8 * MB, 2 * GB - 4 * KB,
		2 * GB, 3 * GB - 4 * KB, 3 * GB, 4 * GB - 4 * KB, 4 * GB,
		64 * GB - 4 * KB, 64 * GB, 66 * GB - 4 * KB, 66 * GB };
	struct gv_ept_leaf l = {};
	unsigned int i, bad = 0, n = 0;
	u32 seed = 1;

	for (i = 0; i < ARRAY_SIZE(edges) + 2000; i++) {
		u64 gpa, off = i & 7 ? 0 : 0xabc;

		if (i < ARRAY_SIZE(edges)) {
			gpa = edges[i];
		} else {
			seed = seed * 1103515245u + 12345u;
			gpa = ((u64)seed << 12) % limit;
		}
		if (gpa >= limit)
			continue;
		gpa += off;
		n++;
		if (gv_ept_lookup(v, gpa, &l) ||
		    l.hpa + (gpa - l.gpa) != gpa || l.perm != perm ||
		    l.mt != (unsigned int)gv_mtrr_type(mtrr, gpa) ||
		    gpa - l.gpa >= l.size) {
			if (!bad++)
				KUNIT_FAIL(test, "GPA %#llx: level %u hpa %#llx perm %u mt %u",
					   gpa, l.level, l.hpa, l.perm, l.mt);
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_GT(test, n, 1000u);
}

struct hash {
	u64 h;
	u64 n;
};

static int hash_leaf(void *arg, const struct gv_ept_leaf *l)
{
	struct hash *h = arg;

	h->h = (h->h ^ l->gpa ^ (l->entry * 0x9e3779b97f4a7c15ull)) *
	       0x100000001b3ull;
	h->n++;
	return 0;
}

/* Everything a caller can observe of a view, folded into one value. */
static u64 view_hash(struct gv_ept_view *v)
{
	struct hash h = { 0xcbf29ce484222325ull, 0 };
	struct gv_ept_stats st;
	unsigned int i;

	gv_ept_walk(v, 0, 1ull << v->phys_bits, hash_leaf, &h);
	gv_ept_get_stats(v, &st);
	h.h ^= st.tables * 31 + st.pending_free * 37;
	for (i = 1; i < 4; i++)
		h.h = h.h * 131 + st.leaves[i];
	return h.h ^ h.n;
}

static void expect_stats(struct kunit *test, struct gv_ept_view *v,
			 u64 tables, u64 l1g, u64 l2m, u64 l4k)
{
	struct gv_ept_stats st;

	gv_ept_get_stats(v, &st);
	KUNIT_EXPECT_EQ(test, st.tables, tables);
	KUNIT_EXPECT_EQ(test, st.leaves[3], l1g);
	KUNIT_EXPECT_EQ(test, st.leaves[2], l2m);
	KUNIT_EXPECT_EQ(test, st.leaves[1], l4k);
}

static void expect_leaf(struct kunit *test, struct gv_ept_view *v, u64 gpa,
			unsigned int level, u64 hpa, unsigned int perm,
			unsigned int mt)
{
	struct gv_ept_leaf l;

	KUNIT_ASSERT_EQ_MSG(test, gv_ept_lookup(v, gpa, &l), 0, "GPA %#llx",
			    gpa);
	KUNIT_EXPECT_EQ_MSG(test, l.level, level, "GPA %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, l.hpa + (gpa - l.gpa), hpa, "GPA %#llx",
			    gpa);
	KUNIT_EXPECT_EQ_MSG(test, l.perm, perm, "GPA %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, l.mt, mt, "GPA %#llx", gpa);
}

static void report(struct kunit *test, const char *what,
		   struct gv_ept_view *v)
{
	struct gv_ept_stats st;

	gv_ept_get_stats(v, &st);
	kunit_info(test, "%s: %llu table pages (%llu KiB), leaves 1G %llu, 2M %llu, 4K %llu\n",
		   what, st.tables, st.tables * 4, st.leaves[3], st.leaves[2],
		   st.leaves[1]);
}

/* ---- init, EPTP ---- */

static void init_and_eptp(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	struct gv_ept_ops bad = f->ops;
	u64 eptp;

	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, &f->ops, 31, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, &f->ops, 49, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, &f->ops, 39, 0x10),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, NULL, 39, 0), -GV_EINVAL);
	bad.alloc_table = NULL;
	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, &bad, 39, 0), -GV_EINVAL);
	bad = f->ops;
	bad.pa_to_va = NULL;
	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, &bad, 39, 0), -GV_EINVAL);
	f->mem.budget = 0;
	KUNIT_EXPECT_EQ(test, gv_ept_init(&f->v, &f->ops, 39, 0), -GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, f->mem.live, 0);
	f->mem.budget = -1;

	fixture_init(test, f, 39, GV_EPT_F_2M);
	eptp = gv_ept_eptp(&f->v);
	KUNIT_EXPECT_EQ(test, eptp & 0xfff, 0x1eull);	/* WB, walk 4, no A/D */
	KUNIT_EXPECT_EQ(test, eptp & ~0xfffull, f->v.pml4_pa);
	KUNIT_EXPECT_PTR_EQ(test, (void *)f->v.pml4,
			    phys_to_virt(eptp & ~0xfffull));
	expect_stats(test, &f->v, 1, 0, 0, 0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	fixture_done(test, f);
	/* A destroyed view refuses every operation. */
	KUNIT_EXPECT_EQ(test, gv_ept_map_4k(&f->v, 0, 0, RWX, WB), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_remove(&f->v, 0, 4 * KB), -GV_EINVAL);

	fixture_init(test, f, 48, GV_EPT_F_ALL);
	eptp = gv_ept_eptp(&f->v);
	KUNIT_EXPECT_EQ(test, eptp & 0xfff, 0x5eull);	/* A/D enabled */
	fixture_done(test, f);
}

/* ---- identity views: the figures ---- */

static void identity_512m(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	u64 limit = 64 * GB;	/* 2^MAXPHYADDR */

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, limit,
						    RWX), 0);
	/*
	 * [0, 2 MiB): 4 KiB (fixed ranges); [2 MiB, 1 GiB): 2 MiB; the rest,
	 * PCI hole included, 1 GiB. PML4, PDPT, one PD, one PT.
	 */
	expect_stats(test, &f->v, 4, 63, 511, 512);
	check_identity(test, &f->v, &f->mtrr, limit, RWX, true);
	check_samples(test, &f->v, &f->mtrr, limit, RWX);
	expect_leaf(test, &f->v, 0xa0000, 1, 0xa0000, RWX, UC);
	expect_leaf(test, &f->v, 0xc0000, 1, 0xc0000, RWX, WP);
	expect_leaf(test, &f->v, 3 * GB, 3, 3 * GB, RWX, UC);
	expect_leaf(test, &f->v, 256 * MB, 2, 256 * MB, RWX, WB);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	report(test, "512 MiB layout, MAXPHYADDR 36, 1G pages", &f->v);
	fixture_done(test, f);

	fixture_init(test, f, 36, GV_EPT_F_2M);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, limit,
						    RWX), 0);
	/* 32768 2 MiB blocks, the first split: PML4, PDPT, 64 PDs, one PT. */
	expect_stats(test, &f->v, 67, 0, 32767, 512);
	check_identity(test, &f->v, &f->mtrr, limit, RWX, true);
	check_samples(test, &f->v, &f->mtrr, limit, RWX);
	report(test, "512 MiB layout, MAXPHYADDR 36, 2M pages only", &f->v);
	fixture_done(test, f);

	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 4 * GB,
						    RWX), 0);
	expect_stats(test, &f->v, 4, 3, 511, 512);
	check_identity(test, &f->v, &f->mtrr, 4 * GB, RWX, true);
	report(test, "512 MiB layout, below 4 GiB only, 1G pages", &f->v);
	fixture_done(test, f);
}

static void identity_64g(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	u64 limit = 512 * GB;	/* 2^MAXPHYADDR */

	layout_64g(test, &f->mtrr);
	fixture_init(test, f, 39, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, limit,
						    RWX), 0);
	/*
	 * [0, 1 GiB): 512 x 4 KiB + 511 x 2 MiB; [1 GiB, 2 GiB): 512 x
	 * 2 MiB (TSEG); then 1 GiB pages: 2 UC (PCI hole), 62 WB, 446 UC.
	 */
	expect_stats(test, &f->v, 5, 510, 1023, 512);
	check_identity(test, &f->v, &f->mtrr, limit, RWX, true);
	check_samples(test, &f->v, &f->mtrr, limit, RWX);
	expect_leaf(test, &f->v, 2 * GB - 8 * MB, 2, 2 * GB - 8 * MB, RWX, UC);
	expect_leaf(test, &f->v, 2 * GB - 10 * MB, 2, 2 * GB - 10 * MB, RWX,
		    WB);
	expect_leaf(test, &f->v, 65 * GB + 5, 3, 65 * GB + 5, RWX, WB);
	expect_leaf(test, &f->v, 66 * GB, 3, 66 * GB, RWX, UC);
	report(test, "64 GiB model, MAXPHYADDR 39, 1G pages", &f->v);
	fixture_done(test, f);

	fixture_init(test, f, 39, GV_EPT_F_2M);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, limit,
						    RWX), 0);
	expect_stats(test, &f->v, 515, 0, 262143, 512);
	check_identity(test, &f->v, &f->mtrr, limit, RWX, true);
	report(test, "64 GiB model, MAXPHYADDR 39, 2M pages only", &f->v);
	fixture_done(test, f);

	fixture_init(test, f, 39, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 66 * GB,
						    RWX), 0);
	expect_stats(test, &f->v, 5, 64, 1023, 512);
	report(test, "64 GiB model, RAM and PCI hole only (66 GiB), 1G pages",
	       &f->v);
	fixture_done(test, f);
}

/* ---- split, neighbours, merge ---- */

static void split_1g_for_one_page(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	u64 gpa = 5 * GB + 0x123000, h0;

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 64 * GB,
						    RWX), 0);
	h0 = view_hash(&f->v);
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, gpa, 4 * KB, R), 0);
	/* One 1 GiB leaf became 511 x 2 MiB + 512 x 4 KiB in two tables. */
	expect_stats(test, &f->v, 6, 62, 511 + 511, 512 + 512);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	expect_leaf(test, &f->v, gpa, 1, gpa, R, WB);
	expect_leaf(test, &f->v, gpa - 4 * KB, 1, gpa - 4 * KB, RWX, WB);
	expect_leaf(test, &f->v, gpa + 4 * KB, 1, gpa + 4 * KB, RWX, WB);
	expect_leaf(test, &f->v, 5 * GB, 1, 5 * GB, RWX, WB);
	expect_leaf(test, &f->v, 5 * GB + 2 * MB - 1, 1, 5 * GB + 2 * MB - 1,
		    RWX, WB);
	expect_leaf(test, &f->v, 5 * GB + 2 * MB, 2, 5 * GB + 2 * MB, RWX, WB);
	expect_leaf(test, &f->v, 6 * GB - 1, 2, 6 * GB - 1, RWX, WB);
	expect_leaf(test, &f->v, 6 * GB, 3, 6 * GB, RWX, WB);
	expect_leaf(test, &f->v, 5 * GB - 1, 3, 5 * GB - 1, RWX, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	gv_ept_flush_done(&f->v);

	/* Give the access back: no flush needed; merge restores the view. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, gpa, 4 * KB, RWX), 0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	check_identity(test, &f->v, &f->mtrr, 64 * GB, RWX, false);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, gpa, 4 * KB), 2);
	expect_stats(test, &f->v, 4, 63, 511, 512);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	KUNIT_EXPECT_EQ(test, f->v.stats.pending_free, 2ull);
	KUNIT_EXPECT_EQ(test, f->mem.live, 6);	/* not freed before INVEPT */
	gv_ept_flush_done(&f->v);
	KUNIT_EXPECT_EQ(test, f->mem.live, 4);
	KUNIT_EXPECT_EQ(test, view_hash(&f->v), h0);
	check_identity(test, &f->v, &f->mtrr, 64 * GB, RWX, true);
	/* The fixed-range page table cannot merge (types differ). */
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 0, 64 * GB), 0);

	/* map_4k into a 2 MiB leaf: split once, neighbours unchanged. */
	KUNIT_ASSERT_EQ(test, gv_ept_map_4k(&f->v, 4 * MB, 0x7000, R | X,
					    UC | GV_EPT_IPAT), 0);
	expect_stats(test, &f->v, 5, 63, 510, 1024);
	expect_leaf(test, &f->v, 4 * MB, 1, 0x7000, R | X, UC | GV_EPT_IPAT);
	expect_leaf(test, &f->v, 4 * MB + 4 * KB, 1, 4 * MB + 4 * KB, RWX, WB);
	expect_leaf(test, &f->v, 6 * MB, 2, 6 * MB, RWX, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	fixture_done(test, f);
}

static void set_prot_memtype_remove(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	u64 a = GB + 2 * MB - 8 * KB, b = GB + 4 * MB + 8 * KB, h;
	struct gv_ept_leaf l;

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 64 * GB,
						    RWX), 0);
	/* Straddles two 2 MiB boundaries inside one 1 GiB leaf. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, a, b - a, R | X), 0);
	expect_stats(test, &f->v, 4 + 3, 62, 511 + 512 - 2, 512 + 1024);
	expect_leaf(test, &f->v, a - 4 * KB, 1, a - 4 * KB, RWX, WB);
	expect_leaf(test, &f->v, a, 1, a, R | X, WB);
	expect_leaf(test, &f->v, GB + 2 * MB, 2, GB + 2 * MB, R | X, WB);
	expect_leaf(test, &f->v, b - 4 * KB, 1, b - 4 * KB, R | X, WB);
	expect_leaf(test, &f->v, b, 1, b, RWX, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);

	/* Memory type over a whole 1 GiB leaf and part of another. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_memtype(&f->v, 8 * GB, GB + 2 * MB,
						 WC | GV_EPT_IPAT), 0);
	expect_leaf(test, &f->v, 8 * GB, 3, 8 * GB, RWX, WC | GV_EPT_IPAT);
	expect_leaf(test, &f->v, 9 * GB, 2, 9 * GB, RWX, WC | GV_EPT_IPAT);
	expect_leaf(test, &f->v, 9 * GB + 2 * MB, 2, 9 * GB + 2 * MB, RWX, WB);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	gv_ept_flush_done(&f->v);

	/* Remove two pages inside the UC 1 GiB leaf. */
	KUNIT_ASSERT_EQ(test, gv_ept_remove(&f->v, 3 * GB + 4 * KB, 8 * KB),
			0);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	gv_ept_flush_done(&f->v);
	KUNIT_EXPECT_EQ(test, gv_ept_lookup(&f->v, 3 * GB + 4 * KB, &l),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_ept_lookup(&f->v, 3 * GB + 8 * KB, &l),
			-GV_ENOENT);
	expect_leaf(test, &f->v, 3 * GB, 1, 3 * GB, RWX, UC);
	expect_leaf(test, &f->v, 3 * GB + 12 * KB, 1, 3 * GB + 12 * KB, RWX,
		    UC);
	/* Ranges over the hole are refused with no change. */
	h = view_hash(&f->v);
	KUNIT_EXPECT_EQ(test, gv_ept_set_prot(&f->v, 3 * GB, 2 * MB, R),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_ept_set_memtype(&f->v, 3 * GB + 8 * KB,
						 8 * KB, WB), -GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_ept_set_addr(&f->v, 3 * GB + 4 * KB, 0),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, view_hash(&f->v), h);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	/* Removing what is not there is a no-op. */
	KUNIT_EXPECT_EQ(test, gv_ept_remove(&f->v, 3 * GB + 4 * KB, 8 * KB),
			0);
	KUNIT_EXPECT_EQ(test, view_hash(&f->v), h);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	/* The page comes back through map_4k. */
	KUNIT_EXPECT_EQ(test, gv_ept_map_4k(&f->v, 3 * GB + 4 * KB,
					    3 * GB + 4 * KB, RWX, UC), 0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));

	/* Remove everything: all leaves go, tables stay until merge. */
	KUNIT_ASSERT_EQ(test, gv_ept_remove(&f->v, 0, 64 * GB), 0);
	expect_stats(test, &f->v, 4 + 3 + 1 + 2, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 0, 64 * GB), 9);
	expect_stats(test, &f->v, 1, 0, 0, 0);
	gv_ept_flush_done(&f->v);
	KUNIT_EXPECT_EQ(test, f->mem.live, 1);
	/* An empty view can be built again. */
	KUNIT_EXPECT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 64 * GB,
						    RWX), 0);
	expect_stats(test, &f->v, 4, 63, 511, 512);
	fixture_done(test, f);
}

static void set_addr_and_walk(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	struct gv_ept_leaf l;

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 64 * GB,
						    R | W), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_set_addr(&f->v, 10 * GB + 4 * MB,
					      0xfff000), 0);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	expect_leaf(test, &f->v, 10 * GB + 4 * MB, 1, 0xfff000, R | W, WB);
	expect_leaf(test, &f->v, 10 * GB + 4 * MB - 4 * KB, 2,
		    10 * GB + 4 * MB - 4 * KB, R | W, WB);
	expect_leaf(test, &f->v, 10 * GB + 4 * MB + 4 * KB, 1,
		    10 * GB + 4 * MB + 4 * KB, R | W, WB);
	/* Same address again: nothing to flush. */
	gv_ept_flush_done(&f->v);
	KUNIT_ASSERT_EQ(test, gv_ept_set_addr(&f->v, 10 * GB + 4 * MB,
					      0xfff000), 0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	/* Lookup of an address beyond the width. */
	KUNIT_EXPECT_EQ(test, gv_ept_lookup(&f->v, 64 * GB, &l), -GV_ERANGE);
	fixture_done(test, f);
}

struct walk_rec {
	unsigned int calls, stop_at;
	u64 gpa[4], size[4];
};

static int walk_record(void *arg, const struct gv_ept_leaf *l)
{
	struct walk_rec *r = arg;

	if (r->calls < 4) {
		r->gpa[r->calls] = l->gpa;
		r->size[r->calls] = l->size;
	}
	return ++r->calls == r->stop_at ? 7 : 0;
}

static void walk_ranges(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	struct walk_rec r = {};

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, 64 * GB,
						    RWX), 0);
	/* A range inside one leaf reports that leaf, whole. */
	KUNIT_EXPECT_EQ(test, gv_ept_walk(&f->v, GB + 4 * KB, 8 * KB,
					  walk_record, &r), 0);
	KUNIT_EXPECT_EQ(test, r.calls, 1u);
	KUNIT_EXPECT_EQ(test, r.gpa[0], GB);
	KUNIT_EXPECT_EQ(test, r.size[0], GV_PAGE_1G);
	/* Across the 4K/2M/1G boundaries, in order. */
	memset(&r, 0, sizeof(r));
	KUNIT_EXPECT_EQ(test, gv_ept_walk(&f->v, 2 * MB - 4 * KB, GB,
					  walk_record, &r), 0);
	KUNIT_EXPECT_EQ(test, r.calls, 1u + 511u + 1u);
	KUNIT_EXPECT_EQ(test, r.gpa[0], 2 * MB - 4 * KB);
	KUNIT_EXPECT_EQ(test, r.size[0], GV_PAGE_4K);
	KUNIT_EXPECT_EQ(test, r.gpa[1], 2 * MB);
	KUNIT_EXPECT_EQ(test, r.size[1], GV_PAGE_2M);
	/* A non-zero return stops the walk and is passed on. */
	memset(&r, 0, sizeof(r));
	r.stop_at = 3;
	KUNIT_EXPECT_EQ(test, gv_ept_walk(&f->v, 0, 64 * GB, walk_record, &r),
			7);
	KUNIT_EXPECT_EQ(test, r.calls, 3u);
	KUNIT_EXPECT_EQ(test, r.gpa[2], 8 * KB);
	fixture_done(test, f);
}

/* ---- refusals: every bad argument, nothing changes ---- */

enum op { MAP, PROT, MT, ADDR, REMOVE, WALK, MERGE, LOOKUP, BUILD, SYNC };

struct refusal {
	const char *name;
	enum op op;
	u64 a, b;		/* gpa, size or hpa */
	unsigned int c;		/* perm or memory type */
	int ret;
};

#define TOP	(64 * GB)	/* 2^36 */
#define HOLE	(8 * GB)	/* [8 GiB, 8 GiB + 2 MiB) removed */

static const struct refusal refusals[] = {
	{ "map_gpa_unaligned", MAP, GB + 0x800, GB, RWX, -GV_EINVAL },
	{ "map_hpa_unaligned", MAP, GB, GB + 8, RWX, -GV_EINVAL },
	{ "map_gpa_beyond_width", MAP, TOP, 0, RWX, -GV_ERANGE },
	{ "map_hpa_beyond_width", MAP, GB, TOP, RWX, -GV_ERANGE },
	{ "map_gpa_bit_63", MAP, BIT_ULL(63), 0, RWX, -GV_ERANGE },
	{ "map_perm_w_only", MAP, GB, GB, W, -GV_EINVAL },
	{ "map_perm_wx", MAP, GB, GB, W | X, -GV_EINVAL },
	{ "map_perm_bit3", MAP, GB, GB, RWX | 8, -GV_EINVAL },
	{ "map_x_only_unsupported", MAP, GB, GB, X, -GV_EINVAL },
	{ "map_type_2", MAP, GB, GB, RWX, -GV_EINVAL },
	{ "map_type_3", MAP, GB, GB, RWX, -GV_EINVAL },
	{ "map_type_7", MAP, GB, GB, RWX, -GV_EINVAL },
	{ "map_type_bit4", MAP, GB, GB, RWX, -GV_EINVAL },
	{ "prot_size_0", PROT, GB, 0, R, -GV_EINVAL },
	{ "prot_size_unaligned", PROT, GB, 0x1800, R, -GV_EINVAL },
	{ "prot_gpa_unaligned", PROT, GB + 1, 4 * KB, R, -GV_EINVAL },
	{ "prot_past_width", PROT, TOP - 4 * KB, 8 * KB, R, -GV_ERANGE },
	{ "prot_wraps", PROT, ~0xfffull, 8 * KB, R, -GV_ERANGE },
	{ "prot_w_only", PROT, GB, 4 * KB, W, -GV_EINVAL },
	{ "prot_bad_bits", PROT, GB, 4 * KB, 0x10 | R, -GV_EINVAL },
	{ "prot_over_hole", PROT, HOLE - 4 * KB, 8 * KB, R, -GV_ENOENT },
	{ "prot_in_hole", PROT, HOLE, 4 * KB, RWX, -GV_ENOENT },
	{ "memtype_type_2", MT, GB, 4 * KB, 2, -GV_EINVAL },
	{ "memtype_type_7_ipat", MT, GB, 4 * KB, 7 | GV_EPT_IPAT, -GV_EINVAL },
	{ "memtype_bit4", MT, GB, 4 * KB, WB | 0x10, -GV_EINVAL },
	{ "memtype_over_hole", MT, HOLE + 2 * MB - 4 * KB, 8 * KB, UC,
	  -GV_ENOENT },
	{ "memtype_beyond_width", MT, TOP, 4 * KB, UC, -GV_ERANGE },
	{ "addr_unmapped", ADDR, HOLE + 4 * KB, GB, 0, -GV_ENOENT },
	{ "addr_gpa_unaligned", ADDR, GB + 4, GB, 0, -GV_EINVAL },
	{ "addr_hpa_unaligned", ADDR, GB, GB + 4, 0, -GV_EINVAL },
	{ "addr_hpa_beyond_width", ADDR, GB, TOP, 0, -GV_ERANGE },
	{ "remove_size_0", REMOVE, GB, 0, 0, -GV_EINVAL },
	{ "remove_past_width", REMOVE, GB, TOP, 0, -GV_ERANGE },
	{ "remove_unaligned", REMOVE, GB + 0x10, 4 * KB, 0, -GV_EINVAL },
	{ "walk_no_callback", WALK, 0, GB, 0, -GV_EINVAL },
	{ "walk_past_width", WALK, TOP - GB, 2 * GB, 0, -GV_ERANGE },
	{ "merge_past_width", MERGE, 0, TOP + 4 * KB, 0, -GV_ERANGE },
	{ "merge_unaligned", MERGE, 0x10, GB, 0, -GV_EINVAL },
	{ "lookup_beyond_width", LOOKUP, TOP, 0, 0, -GV_ERANGE },
	{ "lookup_hole", LOOKUP, HOLE + 0x123, 0, 0, -GV_ENOENT },
	{ "build_not_empty", BUILD, TOP, 0, RWX, -GV_EBUSY },
	{ "sync_unaligned", SYNC, 0, 0x800, 0, -GV_EINVAL },
	{ "sync_beyond_width", SYNC, TOP, 4 * KB, 0, -GV_ERANGE },
};

static void refusal_desc(const struct refusal *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(refusal, refusals, refusal_desc);

static int count_leaf(void *arg, const struct gv_ept_leaf *l)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static void refused(struct kunit *test)
{
	const struct refusal *c = test->param_value;
	struct fixture *f = fixture_new(test);
	unsigned int mt = WB, calls = 0;
	struct gv_ept_leaf l;
	u64 h;
	int ret = 0;

	/* The map_type_* rows carry their type in the name. */
	if (!strcmp(c->name, "map_type_2"))
		mt = 2;
	else if (!strcmp(c->name, "map_type_3"))
		mt = 3;
	else if (!strcmp(c->name, "map_type_7"))
		mt = 7;
	else if (!strcmp(c->name, "map_type_bit4"))
		mt = WB | 0x10;

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, TOP,
						    RWX), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_remove(&f->v, HOLE, 2 * MB), 0);
	gv_ept_flush_done(&f->v);
	h = view_hash(&f->v);

	switch (c->op) {
	case MAP:
		ret = gv_ept_map_4k(&f->v, c->a, c->b, c->c, mt);
		break;
	case PROT:
		ret = gv_ept_set_prot(&f->v, c->a, c->b, c->c);
		break;
	case MT:
		ret = gv_ept_set_memtype(&f->v, c->a, c->b, c->c);
		break;
	case ADDR:
		ret = gv_ept_set_addr(&f->v, c->a, c->b);
		break;
	case REMOVE:
		ret = gv_ept_remove(&f->v, c->a, c->b);
		break;
	case WALK:
		ret = gv_ept_walk(&f->v, c->a, c->b,
				  c->ret == -GV_EINVAL ? NULL : count_leaf,
				  &calls);
		break;
	case MERGE:
		ret = gv_ept_merge(&f->v, c->a, c->b);
		break;
	case LOOKUP:
		ret = gv_ept_lookup(&f->v, c->a, &l);
		break;
	case BUILD:
		ret = gv_ept_build_identity(&f->v, &f->mtrr, c->a, c->c);
		break;
	case SYNC:
		ret = gv_ept_sync_mtrr(&f->v, &f->mtrr, c->a, c->b);
		break;
	}
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, calls, 0u);
	KUNIT_EXPECT_EQ(test, view_hash(&f->v), h);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	fixture_done(test, f);
}

/* Execute-only is accepted when the CPU supports it. */
static void execute_only(struct kunit *test)
{
	struct fixture *f = fixture_new(test);

	fixture_init(test, f, 39, GV_EPT_F_2M | GV_EPT_F_XONLY);
	KUNIT_EXPECT_EQ(test, gv_ept_map_4k(&f->v, GB, GB, X, WB), 0);
	expect_leaf(test, &f->v, GB, 1, GB, X, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_set_prot(&f->v, GB, 4 * KB, W), -GV_EINVAL);
	/* No access at all is a valid mapping too (present bit clear). */
	KUNIT_EXPECT_EQ(test, gv_ept_set_prot(&f->v, GB, 4 * KB, 0), 0);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	expect_leaf(test, &f->v, GB, 1, GB, 0, WB);
	/* ... even for GPA 0 at HPA 0, UC: the entry is still not empty. */
	KUNIT_EXPECT_EQ(test, gv_ept_map_4k(&f->v, 0, 0, 0, UC), 0);
	expect_leaf(test, &f->v, 0, 1, 0, 0, UC);
	expect_stats(test, &f->v, 6, 0, 0, 2);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	fixture_done(test, f);
}

/* ---- allocation failure midway ---- */

static void alloc_failure(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	u64 a = 4 * GB + 4 * KB, b = 5 * GB + 4 * KB, h;
	int budget, live;

	layout_512m(test, &f->mtrr);
	/* Build: PDPT, PD, PT needed; every shortfall leaves it empty. */
	for (budget = 0; budget < 3; budget++) {
		fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
		f->mem.budget = budget;
		KUNIT_EXPECT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr,
							    TOP, RWX),
				-GV_ENOSPC);
		expect_stats(test, &f->v, 1, 0, 0, 0);
		KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
		KUNIT_EXPECT_EQ(test, f->v.stats.pending_free, (u64)budget);
		gv_ept_flush_done(&f->v);
		KUNIT_EXPECT_EQ(test, f->mem.live, 1);
		f->mem.budget = -1;
		KUNIT_EXPECT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr,
							    TOP, RWX), 0);
		expect_stats(test, &f->v, 4, 63, 511, 512);
		fixture_done(test, f);
	}
	/* Same with 2 MiB pages: fail after 1, 10 and 60 of 66 tables. */
	for (budget = 1; budget < 66; budget += budget < 10 ? 9 : 50) {
		fixture_init(test, f, 36, GV_EPT_F_2M);
		f->mem.budget = budget;
		KUNIT_EXPECT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr,
							    TOP, RWX),
				-GV_ENOSPC);
		expect_stats(test, &f->v, 1, 0, 0, 0);
		KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
		f->mem.budget = -1;
		fixture_done(test, f);
	}

	/* set_prot across two 1 GiB leaves needs four tables. */
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, TOP,
						    RWX), 0);
	h = view_hash(&f->v);
	live = f->mem.live;
	for (budget = 0; budget < 4; budget++) {
		f->mem.budget = budget;
		KUNIT_EXPECT_EQ(test, gv_ept_set_prot(&f->v, a, b - a, R),
				-GV_ENOSPC);
		KUNIT_EXPECT_EQ(test, gv_ept_set_memtype(&f->v, a, b - a, UC),
				-GV_ENOSPC);
		KUNIT_EXPECT_EQ(test, gv_ept_remove(&f->v, a, b - a),
				-GV_ENOSPC);
		KUNIT_EXPECT_EQ(test, view_hash(&f->v), h);
		KUNIT_EXPECT_EQ(test, f->mem.live, live);
		KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	}
	f->mem.budget = 4;
	KUNIT_EXPECT_EQ(test, gv_ept_set_prot(&f->v, a, b - a, R), 0);
	expect_stats(test, &f->v, 8, 61, 511 + 2 * 511, 512 + 2 * 512);
	expect_leaf(test, &f->v, a - 4 * KB, 1, a - 4 * KB, RWX, WB);
	expect_leaf(test, &f->v, a, 1, a, R, WB);
	expect_leaf(test, &f->v, b - 4 * KB, 1, b - 4 * KB, R, WB);
	expect_leaf(test, &f->v, b, 1, b, RWX, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	/* set_addr inside a 1 GiB leaf needs two. */
	h = view_hash(&f->v);
	f->mem.budget = 1;
	KUNIT_EXPECT_EQ(test, gv_ept_set_addr(&f->v, 20 * GB, 0x1000),
			-GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, view_hash(&f->v), h);
	f->mem.budget = -1;
	fixture_done(test, f);

	/* map_4k into an empty view needs PDPT, PD and PT. */
	fixture_init(test, f, 39, GV_EPT_F_2M);
	for (budget = 0; budget < 3; budget++) {
		f->mem.budget = budget;
		KUNIT_EXPECT_EQ(test, gv_ept_map_4k(&f->v, 300 * GB, 0, RWX,
						    WB), -GV_ENOSPC);
		expect_stats(test, &f->v, 1, 0, 0, 0);
		KUNIT_EXPECT_EQ(test, f->mem.live, 1);
	}
	f->mem.budget = 3;
	KUNIT_EXPECT_EQ(test, gv_ept_map_4k(&f->v, 300 * GB, 0, RWX, WB), 0);
	expect_stats(test, &f->v, 4, 0, 0, 1);
	fixture_done(test, f);
}

/* ---- merge rules ---- */

static void map_block(struct kunit *test, struct gv_ept_view *v, u64 gpa,
		      u64 hpa, unsigned int perm, unsigned int mt)
{
	unsigned int i;

	for (i = 0; i < 512; i++)
		KUNIT_ASSERT_EQ(test, gv_ept_map_4k(v, gpa + i * 4 * KB,
						    hpa + i * 4 * KB, perm,
						    mt), 0);
}

static void merge_rules(struct kunit *test)
{
	struct fixture *f = fixture_new(test);

	fixture_init(test, f, 39, GV_EPT_F_2M);
	/* Contiguous, aligned, same attributes: merges to 2 MiB. */
	map_block(test, &f->v, 2 * MB, 8 * MB, R | X, WT);
	expect_stats(test, &f->v, 4, 0, 0, 512);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 2 * MB, 4 * KB), 1);
	expect_stats(test, &f->v, 3, 0, 1, 0);
	expect_leaf(test, &f->v, 2 * MB + 5 * 4 * KB, 2, 8 * MB + 5 * 4 * KB,
		    R | X, WT);
	/* One page with other permissions: no merge. */
	map_block(test, &f->v, 4 * MB, 4 * MB, RWX, WB);
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, 4 * MB + 100 * 4 * KB,
					      4 * KB, R), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 4 * MB, 2 * MB), 0);
	/* ... until it is the same again. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, 4 * MB + 100 * 4 * KB,
					      4 * KB, RWX), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 4 * MB, 2 * MB), 1);
	/* Another memory type or IPAT: no merge. */
	map_block(test, &f->v, 6 * MB, 6 * MB, RWX, WB);
	KUNIT_ASSERT_EQ(test, gv_ept_set_memtype(&f->v, 6 * MB, 4 * KB,
						 WB | GV_EPT_IPAT), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 6 * MB, 2 * MB), 0);
	/* Host pages not contiguous: no merge. */
	map_block(test, &f->v, 8 * MB, 8 * MB, RWX, WB);
	KUNIT_ASSERT_EQ(test, gv_ept_set_addr(&f->v, 9 * MB, 0), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 8 * MB, 2 * MB), 0);
	/* Host range not 2 MiB aligned: no merge. */
	map_block(test, &f->v, 10 * MB, 10 * MB + 4 * KB, RWX, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 10 * MB, 2 * MB), 0);
	/* A hole: no merge; all empty: the table goes. */
	map_block(test, &f->v, 12 * MB, 12 * MB, RWX, WB);
	KUNIT_ASSERT_EQ(test, gv_ept_remove(&f->v, 13 * MB, 4 * KB), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 12 * MB, 2 * MB), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_remove(&f->v, 12 * MB, 2 * MB), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 12 * MB, 2 * MB), 1);
	/* Without 1G support 512 x 2 MiB stay as they are. */
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	fixture_done(test, f);

	/* 2 MiB merges need GV_EPT_F_2M. */
	fixture_init(test, f, 39, 0);
	map_block(test, &f->v, 2 * MB, 2 * MB, RWX, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 0, GB), 0);
	expect_stats(test, &f->v, 4, 0, 0, 512);
	fixture_done(test, f);

	/* 1 GiB merges need GV_EPT_F_1G: a 2M-only identity view stays 2M. */
	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, TOP,
						    RWX), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, 5 * GB, 4 * KB, R), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, 5 * GB, 4 * KB, RWX), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 0, TOP), 1);
	expect_stats(test, &f->v, 67, 0, 32767, 512);
	fixture_done(test, f);
}

/* ---- INVEPT bookkeeping ---- */

struct flush_case {
	const char *name;
	u64 old, new;
	bool flush;
};

#define L4K(addr, perm, mt) ((addr) | (perm) | ((u64)(mt) << 3) | \
			     GV_EPTE_SW_MAPPED)

static const struct flush_case flush_cases[] = {
	{ "map_new", 0, L4K(0x1000, RWX, WB), false },
	{ "no_access_to_access", L4K(0x1000, 0, WB), L4K(0x2000, R, UC),
	  false },
	{ "add_write", L4K(0x1000, R, WB), L4K(0x1000, R | W, WB), false },
	{ "add_execute", L4K(0x1000, R | W, WB), L4K(0x1000, RWX, WB), false },
	{ "same", L4K(0x1000, RWX, WB), L4K(0x1000, RWX, WB), false },
	{ "accessed_dirty_only", L4K(0x1000, RWX, WB),
	  L4K(0x1000, RWX, WB) | GV_EPTE_ACCESSED | GV_EPTE_DIRTY, false },
	{ "remove_write", L4K(0x1000, RWX, WB), L4K(0x1000, R | X, WB), true },
	{ "remove_execute", L4K(0x1000, RWX, WB), L4K(0x1000, R | W, WB),
	  true },
	{ "remove_all", L4K(0x1000, R, WB), L4K(0x1000, 0, WB), true },
	{ "unmap", L4K(0x1000, R, WB), 0, true },
	{ "swap_w_for_x", L4K(0x1000, R | W, WB), L4K(0x1000, R | X, WB),
	  true },
	{ "new_address", L4K(0x1000, RWX, WB), L4K(0x2000, RWX, WB), true },
	{ "new_type", L4K(0x1000, RWX, WB), L4K(0x1000, RWX, UC), true },
	{ "ipat_set", L4K(0x1000, RWX, WB), L4K(0x1000, RWX, WB) |
	  GV_EPTE_IPAT, true },
};

static void flush_case_desc(const struct flush_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flush, flush_cases, flush_case_desc);

static void entry_needs_flush(struct kunit *test)
{
	const struct flush_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, gv_ept_entry_needs_flush(c->old, c->new),
			c->flush);
}

static void view_flush_flag(struct kunit *test)
{
	struct fixture *f = fixture_new(test);

	layout_512m(test, &f->mtrr);
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, TOP,
						    R), 0);
	/* Building and granting never need a flush. */
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, GB, GB, R | W), 0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	/* A split with unchanged permissions needs none either. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, 2 * GB + 4 * KB, 4 * KB,
					      R), 0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	KUNIT_ASSERT_EQ(test, gv_ept_map_4k(&f->v, 2 * GB, 2 * GB, RWX, WB),
			0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	/* Taking write away does. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->v, GB, 4 * KB, R), 0);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	gv_ept_flush_done(&f->v);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	/* So does a memory type change, even to the same page. */
	KUNIT_ASSERT_EQ(test, gv_ept_set_memtype(&f->v, 2 * GB, 4 * KB, UC),
			0);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	gv_ept_flush_done(&f->v);
	KUNIT_ASSERT_EQ(test, gv_ept_set_memtype(&f->v, 2 * GB, 4 * KB, UC),
			0);
	KUNIT_EXPECT_FALSE(test, gv_ept_flush_needed(&f->v));
	fixture_done(test, f);
}

/* ---- MTRR writes: re-type the identity view ---- */

static void sync_mtrr(struct kunit *test)
{
	struct fixture *f = fixture_new(test);
	struct gv_mtrr_state *old = kunit_kzalloc(test, sizeof(*old),
						  GFP_KERNEL);
	u64 h;

	KUNIT_ASSERT_NOT_NULL(test, old);
	layout_512m(test, &f->mtrr);
	*old = f->mtrr;
	fixture_init(test, f, 36, GV_EPT_F_2M | GV_EPT_F_1G);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->v, &f->mtrr, TOP,
						    RWX), 0);
	h = view_hash(&f->v);

	/* The rich OS makes one page UC and 2 MiB WC inside 1 GiB leaves. */
	set_var(test, &f->mtrr, 1, 5 * GB + 0x7000, 4 * KB, UC);
	set_var(test, &f->mtrr, 2, 7 * GB + 6 * MB, 2 * MB, WC);
	KUNIT_EXPECT_EQ(test, gv_ept_sync_mtrr(&f->v, &f->mtrr, 0, TOP), 0);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->v));
	gv_ept_flush_done(&f->v);
	expect_leaf(test, &f->v, 5 * GB + 0x7000, 1, 5 * GB + 0x7000, RWX, UC);
	expect_leaf(test, &f->v, 5 * GB + 0x8000, 1, 5 * GB + 0x8000, RWX, WB);
	expect_leaf(test, &f->v, 5 * GB + 2 * MB, 2, 5 * GB + 2 * MB, RWX, WB);
	expect_leaf(test, &f->v, 7 * GB + 6 * MB, 2, 7 * GB + 6 * MB, RWX, WC);
	expect_leaf(test, &f->v, 7 * GB + 8 * MB, 2, 7 * GB + 8 * MB, RWX, WB);
	expect_stats(test, &f->v, 4 + 3, 61, 511 + 511 + 512, 512 + 512);
	check_identity(test, &f->v, &f->mtrr, TOP, RWX, false);

	/* Back to the old MTRRs: types revert, merge restores the view. */
	KUNIT_EXPECT_EQ(test, gv_ept_sync_mtrr(&f->v, old, 0, TOP), 0);
	check_identity(test, &f->v, old, TOP, RWX, false);
	KUNIT_EXPECT_EQ(test, gv_ept_merge(&f->v, 0, TOP), 3);
	gv_ept_flush_done(&f->v);
	KUNIT_EXPECT_EQ(test, view_hash(&f->v), h);

	/* A split that cannot get a table: -GV_ENOSPC, view consistent. */
	f->mem.budget = 1;
	KUNIT_EXPECT_EQ(test, gv_ept_sync_mtrr(&f->v, &f->mtrr, 0, TOP),
			-GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->v, NULL), 0);
	f->mem.budget = -1;
	KUNIT_EXPECT_EQ(test, gv_ept_sync_mtrr(&f->v, &f->mtrr, 0, TOP), 0);
	check_identity(test, &f->v, &f->mtrr, TOP, RWX, false);
	/* Disabled MTRRs: everything UC, no split needed. */
	set_msr(test, &f->mtrr, GV_MSR_MTRR_DEF_TYPE, WB);
	KUNIT_EXPECT_EQ(test, gv_ept_sync_mtrr(&f->v, &f->mtrr, 0, TOP), 0);
	expect_leaf(test, &f->v, 12 * GB, 3, 12 * GB, RWX, UC);
	expect_leaf(test, &f->v, 0xc0000, 1, 0xc0000, RWX, UC);
	fixture_done(test, f);
}

static struct kunit_case gv_ept_table_cases[] = {
	KUNIT_CASE(init_and_eptp),
	KUNIT_CASE(identity_512m),
	KUNIT_CASE(identity_64g),
	KUNIT_CASE(split_1g_for_one_page),
	KUNIT_CASE(set_prot_memtype_remove),
	KUNIT_CASE(set_addr_and_walk),
	KUNIT_CASE(walk_ranges),
	KUNIT_CASE_PARAM(refused, refusal_gen_params),
	KUNIT_CASE(execute_only),
	KUNIT_CASE(alloc_failure),
	KUNIT_CASE(merge_rules),
	KUNIT_CASE_PARAM(entry_needs_flush, flush_gen_params),
	KUNIT_CASE(view_flush_flag),
	KUNIT_CASE(sync_mtrr),
	{}
};

struct kunit_suite gv_ept_table_suite = {
	.name = "gv_ept_table",
	.test_cases = gv_ept_table_cases,
};
