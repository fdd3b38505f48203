// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_vtd_domid: vtd/vtd_domid.c, the VT-d domain-id allocator:
 * capacity from CAP.ND (2^(4 + 2 * ND), at most GV_VTD_DOMID_MAX), id 0
 * never handed out, lowest free id first (so ids are recycled), exhaustion,
 * and refused frees that change nothing.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../vtd/vtd_domid.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

struct nd_case {
	const char *name;
	unsigned int nd;
	int ret;
	unsigned int capacity;		/* ids allocatable at once */
};

static const struct nd_case nd_cases[] = {
	{ "nd0_16_ids", 0, 0, 15 },
	{ "nd1_64_ids", 1, 0, 63 },
	{ "nd2_256_ids", 2, 0, 255 },
	{ "nd3_capped", 3, 0, 255 },
	{ "nd6_qemu_capped", 6, 0, 255 },
	{ "nd7_reserved", 7, -GV_EINVAL, 0 },
	{ "nd_huge", 100, -GV_EINVAL, 0 },
};

static void nd_desc(const struct nd_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nd, nd_cases, nd_desc);

/* Allocate until exhaustion: 1, 2, ... capacity, then -GV_ENOSPC. */
static void capacity(struct kunit *test)
{
	const struct nd_case *c = test->param_value;
	struct gv_vtd_domid d;
	unsigned int i;
	int id;

	KUNIT_ASSERT_EQ(test, gv_vtd_domid_init(&d, c->nd), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_capacity(&d), c->capacity);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), 0u);
	KUNIT_EXPECT_FALSE(test, gv_vtd_domid_in_use(&d, 0));
	for (i = 1; i <= c->capacity; i++) {
		id = gv_vtd_domid_alloc(&d);
		KUNIT_ASSERT_EQ(test, id, (int)i);
		KUNIT_EXPECT_TRUE(test, gv_vtd_domid_in_use(&d, i));
	}
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), -GV_ENOSPC);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), c->capacity);
	/* Freeing any one makes exactly that one available again. */
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, c->capacity / 2), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), (int)(c->capacity / 2));
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), -GV_ENOSPC);
}

static void lowest_free_recycled(struct kunit *test)
{
	struct gv_vtd_domid d;
	int i;

	KUNIT_ASSERT_EQ(test, gv_vtd_domid_init(&d, 2), 0);
	for (i = 1; i <= 6; i++)
		KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), i);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 5), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 2), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 3), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), 3u);
	KUNIT_EXPECT_FALSE(test, gv_vtd_domid_in_use(&d, 2));
	KUNIT_EXPECT_TRUE(test, gv_vtd_domid_in_use(&d, 4));
	/* Lowest first: 2, 3, 5, then the next new one, 7. */
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 2);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 3);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 5);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 7);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), 7u);
	/* Ids across a 64-bit word of the bitmap. */
	for (i = 8; i <= 70; i++)
		KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), i);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 64), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 63), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 63);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 64);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 71);
}

struct bad_free_case {
	const char *name;
	unsigned int nd;
	unsigned int id;
};

/* Ids 1..3 are allocated before each free. */
static const struct bad_free_case bad_free_cases[] = {
	{ "id0_reserved", 2, 0 },
	{ "not_allocated", 2, 4 },
	{ "last_not_allocated", 2, 255 },
	{ "beyond_tracked", 6, 256 },
	{ "beyond_nd0", 0, 16 },
	{ "huge", 2, 0xffffffffu },
};

static void bad_free_desc(const struct bad_free_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_free, bad_free_cases, bad_free_desc);

static void bad_free(struct kunit *test)
{
	const struct bad_free_case *c = test->param_value;
	struct gv_vtd_domid d, before;

	KUNIT_ASSERT_EQ(test, gv_vtd_domid_init(&d, c->nd), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), 1);
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), 2);
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), 3);
	before = d;
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, c->id), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(&d, &before, sizeof(d)), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), 3u);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 4);
}

static void double_free(struct kunit *test)
{
	struct gv_vtd_domid d;

	KUNIT_ASSERT_EQ(test, gv_vtd_domid_init(&d, 1), 0);
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), 1);
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), 2);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 1), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 1), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), 1u);
	KUNIT_EXPECT_TRUE(test, gv_vtd_domid_in_use(&d, 2));
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(&d, 2), 0);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_count(&d), 0u);
	/* Re-init forgets everything. */
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_alloc(&d), 1);
	KUNIT_ASSERT_EQ(test, gv_vtd_domid_init(&d, 1), 0);
	KUNIT_EXPECT_FALSE(test, gv_vtd_domid_in_use(&d, 1));
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(&d), 1);
}

static void null_args(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_init(NULL, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_alloc(NULL), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_vtd_domid_free(NULL, 1), -GV_EINVAL);
	KUNIT_EXPECT_FALSE(test, gv_vtd_domid_in_use(NULL, 1));
}

static struct kunit_case gv_vtd_domid_cases[] = {
	KUNIT_CASE_PARAM(capacity, nd_gen_params),
	KUNIT_CASE(lowest_free_recycled),
	KUNIT_CASE_PARAM(bad_free, bad_free_gen_params),
	KUNIT_CASE(double_free),
	KUNIT_CASE(null_args),
	{}
};

struct kunit_suite gv_vtd_domid_suite = {
	.name = "gv_vtd_domid",
	.test_cases = gv_vtd_domid_cases,
};
