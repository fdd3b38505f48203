// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_ept_lend: ept/ept_lend.c, lending memory to the green
 * partition and returning it, on a synthetic machine: 64 MiB identity view
 * (2 MiB leaves, WB), System RAM [0, 640 KiB) and [1 MiB, 60 MiB), a
 * "pool" range removed from the rich view and a "text" range read+execute.
 * Checks the bookkeeping of both views, the order of flush/scrub/grant on
 * return, every refusal (with nothing changed), continuation, allocation
 * failures midway, and the RAM map.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../ept/ept_lend.h"
#include "../../ept/ept_owner.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"
#include "gv_tmem.h"

#define KB	0x400ull
#define MB	0x100000ull
#define PG	0x1000ull

#define MEM_END		(64 * MB)
#define RAM_END		(60 * MB)
#define POOL		(16 * MB + 64 * KB)
#define POOL_SIZE	(64 * KB)
#define TEXT		(20 * MB + 8 * KB)
#define TEXT_SIZE	(8 * KB)
#define PAGE_A		(2 * MB + 4 * KB)	/* lent by the refusal cases */
#define BUDGET		512

#define MAX_SCRUBS	2048

struct lf {
	struct tmem mem;
	struct gv_ept_ops ops;
	struct gv_mtrr_state mtrr;
	struct gv_ept_view rich, green;
	struct gv_ram_map ram;
	struct gv_mem_op op;
	struct gv_lend_ctx x;
	struct kunit *test;
	unsigned int flushes;
	unsigned int scrubs;
	unsigned int bad_scrubs;	/* scrubbed while still reachable */
	u64 scrubbed[MAX_SCRUBS];
};

static void lf_flush_green(void *arg)
{
	struct lf *f = arg;

	f->flushes++;
}

/*
 * Scrubbing must happen after the green view dropped the page and the
 * green flush, and before the rich view has access again.
 */
static void lf_scrub(void *arg, u64 pa)
{
	struct lf *f = arg;
	struct gv_ept_leaf leaf;

	if (!f->flushes || !gv_ept_lookup(&f->green, pa, &leaf) ||
	    gv_ept_lookup(&f->rich, pa, &leaf) || leaf.perm)
		f->bad_scrubs++;
	if (f->scrubs < MAX_SCRUBS)
		f->scrubbed[f->scrubs] = pa;
	f->scrubs++;
}

static struct lf *lf_new(struct kunit *test)
{
	struct lf *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	tmem_ept_ops(&f->mem, &f->ops);
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(&f->mtrr, 8, 36), 0);
	KUNIT_ASSERT_EQ(test, gv_mtrr_set_msr(&f->mtrr, GV_MSR_MTRR_DEF_TYPE,
					      GV_MTRR_DEF_E | GV_MT_WB), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_init(&f->rich, &f->ops, 36, GV_EPT_F_2M | GV_EPT_F_1G), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_init(&f->green, &f->ops, 36, GV_EPT_F_2M | GV_EPT_F_1G), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_build_identity(&f->rich, &f->mtrr, MEM_END,
						    GV_EPT_RWX), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_remove(&f->rich, POOL, POOL_SIZE), 0);
	KUNIT_ASSERT_EQ(test, gv_ept_set_prot(&f->rich, TEXT, TEXT_SIZE,
					      GV_EPT_R | GV_EPT_X), 0);
	gv_ept_flush_done(&f->rich);
	KUNIT_ASSERT_EQ(test, gv_ram_map_add(&f->ram, 0, 640 * KB), 0);
	KUNIT_ASSERT_EQ(test, gv_ram_map_add(&f->ram, MB, RAM_END), 0);
	f->x.rich = &f->rich;
	f->x.green = &f->green;
	f->x.ram = &f->ram;
	f->x.op = &f->op;
	f->x.flush_green = lf_flush_green;
	f->x.scrub = lf_scrub;
	f->x.arg = f;
	return f;
}

static void lf_done(struct lf *f)
{
	gv_ept_destroy(&f->rich);
	gv_ept_destroy(&f->green);
	KUNIT_EXPECT_EQ(f->test, f->mem.live, 0);
}

/* Run an operation to the end (as the Linux side does). */
static int run_all(struct lf *f, u32 dir, u64 gpa, u64 size, u64 *done)
{
	int ret;

	do
		ret = gv_mem_op_run(&f->x, dir, gpa, size, BUDGET, done);
	while (ret == GV_HC_RETRY);
	return ret;
}

static void expect_leaf(struct kunit *test, struct gv_ept_view *v, u64 gpa,
			unsigned int perm, u64 size)
{
	struct gv_ept_leaf leaf;

	KUNIT_ASSERT_EQ_MSG(test, gv_ept_lookup(v, gpa, &leaf), 0, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, leaf.perm, perm, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, leaf.size, size, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ(test, leaf.hpa + (gpa - leaf.gpa), gpa);
}

static void lend_one_page(struct kunit *test)
{
	struct lf *f = lf_new(test);
	struct gv_ept_leaf leaf;
	u64 done = 1;

	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, PAGE_A, PG,
					    BUDGET, &done), 0);
	KUNIT_EXPECT_EQ(test, done, PG);
	expect_leaf(test, &f->rich, PAGE_A, 0, PG);
	expect_leaf(test, &f->rich, PAGE_A + PG, GV_EPT_RWX, PG);
	expect_leaf(test, &f->green, PAGE_A, GV_EPT_RWX, PG);
	KUNIT_ASSERT_EQ(test, gv_ept_lookup(&f->green, PAGE_A, &leaf), 0);
	KUNIT_EXPECT_EQ(test, leaf.mt, (unsigned int)GV_MT_WB);
	KUNIT_EXPECT_EQ(test, gv_ept_lookup(&f->green, PAGE_A + PG, &leaf), -GV_ENOENT);
	KUNIT_EXPECT_TRUE(test, gv_ept_flush_needed(&f->rich));
	KUNIT_EXPECT_EQ(test, f->op.dir, (u32)GV_MEM_NONE);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 1ull);
	KUNIT_EXPECT_EQ(test, f->scrubs, 0u);
	lf_done(f);
}

static void return_scrubs_then_grants(struct kunit *test)
{
	struct lf *f = lf_new(test);
	u64 done = 0, green_tables = f->green.stats.tables;

	KUNIT_ASSERT_EQ(test, run_all(f, GV_MEM_LEND, PAGE_A, 2 * PG, &done), 0);
	KUNIT_EXPECT_GT(test, f->green.stats.tables, green_tables);
	gv_ept_flush_done(&f->rich);
	KUNIT_EXPECT_EQ(test, run_all(f, GV_MEM_RETURN, PAGE_A, 2 * PG, &done), 0);
	KUNIT_EXPECT_EQ(test, done, 2 * PG);
	KUNIT_EXPECT_EQ(test, f->scrubs, 2u);
	KUNIT_EXPECT_EQ(test, f->scrubbed[0], PAGE_A);
	KUNIT_EXPECT_EQ(test, f->scrubbed[1], PAGE_A + PG);
	KUNIT_EXPECT_EQ(test, f->bad_scrubs, 0u);
	KUNIT_EXPECT_EQ(test, f->flushes, 1u);
	/* Access is back and the 2 MiB leaf is rebuilt. */
	expect_leaf(test, &f->rich, PAGE_A, GV_EPT_RWX, 2 * MB);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 0ull);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->rich, NULL), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_audit(&f->green, NULL), 0);
	/* The green tables the lend needed are unlinked, freed after the flush. */
	gv_ept_flush_done(&f->green);
	KUNIT_EXPECT_EQ(test, f->green.stats.tables, green_tables);
	lf_done(f);
}

struct refusal {
	const char *name;
	u32 dir;
	u64 gpa, size;
	int err;
};

static const struct refusal refusals[] = {
	{ "unaligned_address", GV_MEM_LEND, 4 * MB + 1, PG, -GV_EINVAL },
	{ "unaligned_size", GV_MEM_LEND, 4 * MB, PG + 8, -GV_EINVAL },
	{ "empty", GV_MEM_LEND, 4 * MB, 0, -GV_EINVAL },
	{ "wrapping", GV_MEM_LEND, ~0ull & ~(PG - 1), 2 * PG, -GV_EINVAL },
	{ "hole_below_1m", GV_MEM_LEND, 640 * KB, PG, -GV_ERANGE },
	{ "straddles_ram_end", GV_MEM_LEND, RAM_END - PG, 2 * PG, -GV_ERANGE },
	{ "mmio", GV_MEM_LEND, RAM_END + MB, PG, -GV_ERANGE },
	{ "beyond_width", GV_MEM_LEND, 1ull << 40, PG, -GV_ERANGE },
	{ "pool", GV_MEM_LEND, POOL, PG, -GV_EPERM },
	{ "overlaps_pool", GV_MEM_LEND, POOL - PG, 2 * PG, -GV_EPERM },
	{ "text", GV_MEM_LEND, TEXT, PG, -GV_EPERM },
	{ "double_lend", GV_MEM_LEND, PAGE_A, PG, -GV_EBUSY },
	{ "overlaps_lent", GV_MEM_LEND, PAGE_A - PG, 2 * PG, -GV_EBUSY },
	{ "return_not_lent", GV_MEM_RETURN, 8 * MB, PG, -GV_ENOENT },
	{ "return_partly_lent", GV_MEM_RETURN, PAGE_A, 2 * PG, -GV_ENOENT },
	{ "return_unaligned", GV_MEM_RETURN, PAGE_A + 4, PG, -GV_EINVAL },
	{ "return_outside_ram", GV_MEM_RETURN, RAM_END, PG, -GV_ERANGE },
	{ "bad_direction", 7, PAGE_A, PG, -GV_EINVAL },
};

static void refusal_desc(const struct refusal *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(refusal, refusals, refusal_desc);

/* Every refusal leaves both views and the operation state as they were. */
static void refused_without_change(struct kunit *test)
{
	const struct refusal *r = test->param_value;
	struct lf *f = lf_new(test);
	struct gv_ept_stats rich, green, st;
	u64 done = 1;

	KUNIT_ASSERT_EQ(test, run_all(f, GV_MEM_LEND, PAGE_A, PG, &done), 0);
	gv_ept_get_stats(&f->rich, &rich);
	gv_ept_get_stats(&f->green, &green);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, r->dir, r->gpa, r->size,
					    BUDGET, &done), r->err);
	KUNIT_EXPECT_EQ(test, done, 0ull);
	KUNIT_EXPECT_EQ(test, f->op.dir, (u32)GV_MEM_NONE);
	gv_ept_get_stats(&f->rich, &st);
	KUNIT_EXPECT_EQ(test, memcmp(&st, &rich, sizeof(st)), 0);
	gv_ept_get_stats(&f->green, &st);
	KUNIT_EXPECT_EQ(test, memcmp(&st, &green, sizeof(st)), 0);
	expect_leaf(test, &f->rich, PAGE_A, 0, PG);
	expect_leaf(test, &f->green, PAGE_A, GV_EPT_RWX, PG);
	KUNIT_EXPECT_EQ(test, f->scrubs, 0u);
	lf_done(f);
}

/* 4 MiB with a budget of 512 pages: two steps; others refused meanwhile. */
static void continuation(struct kunit *test)
{
	struct lf *f = lf_new(test);
	u64 base = 4 * MB, size = 4 * MB, done = 0;

	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, base, size,
					    BUDGET, &done), GV_HC_RETRY);
	KUNIT_EXPECT_EQ(test, done, 2 * MB);
	KUNIT_EXPECT_EQ(test, f->op.dir, (u32)GV_MEM_LEND);
	/* Another operation, or the same one with other arguments: busy. */
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, 12 * MB, PG,
					    BUDGET, &done), -GV_EBUSY);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_RETURN, base, size,
					    BUDGET, &done), -GV_EBUSY);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, base, size - PG,
					    BUDGET, &done), -GV_EBUSY);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, base, size,
					    BUDGET, &done), 0);
	KUNIT_EXPECT_EQ(test, done, size);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], size / PG);
	expect_leaf(test, &f->rich, base + size - PG, 0, 2 * MB);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_RETURN, base, size,
					    BUDGET, &done), GV_HC_RETRY);
	KUNIT_EXPECT_EQ(test, f->scrubs, (unsigned int)BUDGET);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_RETURN, base, size,
					    BUDGET, &done), 0);
	KUNIT_EXPECT_EQ(test, f->scrubs, (unsigned int)(size / PG));
	KUNIT_EXPECT_EQ(test, f->bad_scrubs, 0u);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 0ull);
	expect_leaf(test, &f->rich, base, GV_EPT_RWX, 2 * MB);
	KUNIT_EXPECT_EQ(test, f->op.dir, (u32)GV_MEM_NONE);
	lf_done(f);
}

/* No table for the green view: nothing lent, nothing changed. */
static void enospc_first_step(struct kunit *test)
{
	struct lf *f = lf_new(test);
	u64 done = 1, tables = f->rich.stats.tables;

	f->mem.budget = 2;	/* the green view needs PDPT, PD and PT */
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, PAGE_A, PG,
					    BUDGET, &done), -GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, done, 0ull);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 0ull);
	KUNIT_EXPECT_EQ(test, f->rich.stats.tables, tables);
	expect_leaf(test, &f->rich, PAGE_A, GV_EPT_RWX, 2 * MB);
	KUNIT_EXPECT_EQ(test, f->op.dir, (u32)GV_MEM_NONE);
	lf_done(f);
}

/* The green pages are mapped but the rich split fails: undone. */
static void enospc_rich_split(struct kunit *test)
{
	struct lf *f = lf_new(test);
	u64 done = 1;

	f->mem.budget = 3;
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, PAGE_A, PG,
					    BUDGET, &done), -GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, done, 0ull);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 0ull);
	expect_leaf(test, &f->rich, PAGE_A, GV_EPT_RWX, 2 * MB);
	lf_done(f);
}

/* The second step fails: the first 2 MiB stay lent and can be returned. */
static void enospc_second_step(struct kunit *test)
{
	struct lf *f = lf_new(test);
	u64 base = 4 * MB, done = 0;

	f->mem.budget = 3;	/* enough for the first 2 MiB only */
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, base, 4 * MB,
					    BUDGET, &done), GV_HC_RETRY);
	KUNIT_EXPECT_EQ(test, gv_mem_op_run(&f->x, GV_MEM_LEND, base, 4 * MB,
					    BUDGET, &done), -GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, done, 2 * MB);
	KUNIT_EXPECT_EQ(test, f->op.dir, (u32)GV_MEM_NONE);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 512ull);
	expect_leaf(test, &f->rich, base + 2 * MB, GV_EPT_RWX, 2 * MB);
	f->mem.budget = -1;
	KUNIT_EXPECT_EQ(test, run_all(f, GV_MEM_RETURN, base, done, &done), 0);
	KUNIT_EXPECT_EQ(test, f->green.stats.leaves[1], 0ull);
	expect_leaf(test, &f->rich, base, GV_EPT_RWX, 2 * MB);
	lf_done(f);
}

static void ram_map_merges_and_refuses(struct kunit *test)
{
	struct gv_ram_map *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, 8 * MB, 9 * MB), 0);
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, 2 * MB, 3 * MB), 0);
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, 5 * MB, 6 * MB), 0);
	KUNIT_EXPECT_EQ(test, m->nr, 3u);
	KUNIT_EXPECT_EQ(test, m->r[0].start, 2 * MB);
	KUNIT_EXPECT_EQ(test, m->r[2].start, 8 * MB);
	/* Touching ranges merge; one range may swallow several. */
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, 3 * MB, 5 * MB), 0);
	KUNIT_EXPECT_EQ(test, m->nr, 2u);
	KUNIT_EXPECT_EQ(test, m->r[0].end, 6 * MB);
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, MB, 10 * MB), 0);
	KUNIT_EXPECT_EQ(test, m->nr, 1u);
	KUNIT_EXPECT_TRUE(test, gv_ram_map_covers(m, MB, 10 * MB));
	KUNIT_EXPECT_FALSE(test, gv_ram_map_covers(m, MB - PG, 2 * MB));
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, MB + 1, 2 * MB), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, 2 * MB, 2 * MB), -GV_EINVAL);
	for (i = 1; i < GV_RAM_MAP_MAX; i++)
		KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, (16 + 2 * i) * MB,
						     (17 + 2 * i) * MB), 0);
	KUNIT_EXPECT_EQ(test, m->nr, (u32)GV_RAM_MAP_MAX);
	KUNIT_EXPECT_EQ(test, gv_ram_map_add(m, 1024 * MB, 1025 * MB), -GV_ENOSPC);
	for (i = 1; i < m->nr; i++)
		KUNIT_EXPECT_LT(test, m->r[i - 1].end, m->r[i].start);
}

static void owner_claims(struct kunit *test)
{
	struct gv_ept_owners *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, 4 * MB, 8 * KB, 1), 0);
	/* Overlap in the same view is refused; another view is independent. */
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, 4 * MB + PG, PG, 2),
			-GV_EBUSY);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_GREEN, 4 * MB, PG, 2), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, 4 * MB + 8 * KB, PG, 2), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_find(o, GV_VIEW_RICH, 4 * MB + PG + 8), 1u);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_find(o, GV_VIEW_RICH, 4 * MB + 8 * KB), 2u);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_find(o, GV_VIEW_GREEN, 4 * MB), 2u);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_find(o, GV_VIEW_RICH, 4 * MB - 1), 0u);
	/* Bad arguments. */
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_NR, 0, PG, 1), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, 8 * MB, PG, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, 8 * MB + 1, PG, 1),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, ~0ull & ~(PG - 1), 2 * PG, 1),
			-GV_EINVAL);
	/* Release needs the exact claim; release_all drops an owner's claims. */
	KUNIT_EXPECT_EQ(test, gv_ept_owner_release(o, GV_VIEW_RICH, 4 * MB, PG, 1), -GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_release(o, GV_VIEW_RICH, 4 * MB, 8 * KB, 2),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_release(o, GV_VIEW_RICH, 4 * MB, 8 * KB, 1), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_find(o, GV_VIEW_RICH, 4 * MB), 0u);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_release_all(o, 2), 2u);
	KUNIT_EXPECT_EQ(test, o->nr, 0u);
	for (i = 0; i < GV_EPT_OWNERS_MAX; i++)
		KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_RICH, i * PG, PG, 3), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_owner_claim(o, GV_VIEW_GREEN, 0, PG, 3), -GV_ENOSPC);
}

struct change {
	const char *name;
	bool green;
	u64 gpa, size, hpa;
	int err;
};

#define NO_HPA	(~0ull)

static const struct change changes[] = {
	{ "rich_plain", false, 8 * MB, PG, NO_HPA, 0 },
	{ "rich_remap_plain", false, 8 * MB, PG, 9 * MB, 0 },
	{ "rich_over_pool", false, POOL, PG, NO_HPA, -GV_EPERM },
	{ "rich_touching_pool", false, POOL - PG, 2 * PG, NO_HPA, -GV_EPERM },
	{ "rich_over_text", false, TEXT + PG, PG, NO_HPA, -GV_EPERM },
	{ "rich_map_to_pool", false, 8 * MB, PG, POOL, -GV_EPERM },
	{ "green_map_to_pool", true, 8 * MB, PG, POOL + PG, -GV_EPERM },
	{ "green_map_to_text", true, 8 * MB, PG, TEXT, -GV_EPERM },
	{ "green_over_lent", true, PAGE_A, PG, NO_HPA, 0 },
	{ "rich_over_lent", false, PAGE_A, PG, NO_HPA, -GV_EBUSY },
	{ "rich_map_to_lent", false, 8 * MB, PG, PAGE_A, -GV_EBUSY },
	{ "unaligned", false, 8 * MB + 8, PG, NO_HPA, -GV_EINVAL },
	{ "unaligned_hpa", true, 8 * MB, PG, 9 * MB + 8, -GV_EINVAL },
	{ "empty", true, 8 * MB, 0, NO_HPA, -GV_EINVAL },
};

static void change_desc(const struct change *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(change, changes, change_desc);

/* The wall against hypapp EPT changes (gv_ept_change_allowed()). */
static void hypapp_change_allowed(struct kunit *test)
{
	const struct change *c = test->param_value;
	struct lf *f = lf_new(test);
	struct gv_ram_map *guard = kunit_kzalloc(test, sizeof(*guard), GFP_KERNEL);
	u64 done;

	KUNIT_ASSERT_NOT_NULL(test, guard);
	KUNIT_ASSERT_EQ(test, gv_ram_map_add(guard, POOL, POOL + POOL_SIZE), 0);
	KUNIT_ASSERT_EQ(test, gv_ram_map_add(guard, TEXT, TEXT + TEXT_SIZE), 0);
	KUNIT_ASSERT_EQ(test, run_all(f, GV_MEM_LEND, PAGE_A, PG, &done), 0);
	KUNIT_EXPECT_EQ(test, gv_ept_change_allowed(guard, &f->green, c->green,
						    c->gpa, c->size, c->hpa),
			c->err);
	lf_done(f);
}

static struct kunit_case gv_ept_lend_cases[] = {
	KUNIT_CASE(lend_one_page),
	KUNIT_CASE(return_scrubs_then_grants),
	KUNIT_CASE_PARAM(refused_without_change, refusal_gen_params),
	KUNIT_CASE(continuation),
	KUNIT_CASE(enospc_first_step),
	KUNIT_CASE(enospc_rich_split),
	KUNIT_CASE(enospc_second_step),
	KUNIT_CASE(ram_map_merges_and_refuses),
	KUNIT_CASE(owner_claims),
	KUNIT_CASE_PARAM(hypapp_change_allowed, change_gen_params),
	{}
};

struct kunit_suite gv_ept_lend_suite = {
	.name = "gv_ept_lend",
	.test_cases = gv_ept_lend_cases,
};
