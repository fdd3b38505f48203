// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_event: hvcore/hv_event.h, the root side's per-CPU event
 * ring (uapi GV_HC_EVENT_READ): order, wrap-around, a full ring dropping
 * and counting the new event (never overwriting an old one), empty reads.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <kunit/test.h>

#include "../../hvcore/hv_event.h"
#include "gv_kunit.h"

static struct gv_event_rec rec(u64 n)
{
	struct gv_event_rec e = { .w = {
		gv_event_word0(GV_EVENT_HYPAPP, 3, 7), n, n + 1, n + 2, n + 3, n + 4,
	} };

	return e;
}

static struct gv_event_ring *new_ring(struct kunit *test)
{
	struct gv_event_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

static void event_word0_packs_fields(struct kunit *test)
{
	u64 w = gv_event_word0(GV_EVENT_EPT_VIOLATION, 0x1234, 0xfffffffe);

	KUNIT_EXPECT_EQ(test, w & 0xffff, (u64)GV_EVENT_EPT_VIOLATION);
	KUNIT_EXPECT_EQ(test, (w >> 16) & 0xffff, 0x1234ull);
	KUNIT_EXPECT_EQ(test, w >> 32, 0xfffffffeull);
	/* Out-of-range type and source are cut, never spill into the CPU. */
	KUNIT_EXPECT_EQ(test, gv_event_word0(0x10001, 0x10002, 5), 0x500020001ull);
}

static void event_ring_empty_take(struct kunit *test)
{
	struct gv_event_ring *r = new_ring(test);
	struct gv_event_rec e = rec(99);

	KUNIT_EXPECT_FALSE(test, gv_event_ring_take(r, &e));
	KUNIT_EXPECT_EQ(test, e.w[1], 99ull);	/* untouched */
	KUNIT_EXPECT_EQ(test, r->posted, 0ull);
}

static void event_ring_fifo_order(struct kunit *test)
{
	struct gv_event_ring *r = new_ring(test);
	struct gv_event_rec e, in;
	u64 i;

	for (i = 0; i < 10; i++) {
		in = rec(i);
		KUNIT_EXPECT_TRUE(test, gv_event_ring_put(r, &in));
	}
	for (i = 0; i < 10; i++) {
		KUNIT_ASSERT_TRUE(test, gv_event_ring_take(r, &e));
		KUNIT_EXPECT_EQ(test, e.w[1], i);
		KUNIT_EXPECT_EQ(test, e.w[5], i + 4);
	}
	KUNIT_EXPECT_FALSE(test, gv_event_ring_take(r, &e));
	KUNIT_EXPECT_EQ(test, r->posted, 10ull);
	KUNIT_EXPECT_EQ(test, r->dropped, 0ull);
}

/* Full: the new event is dropped and counted; the old ones all stay. */
static void event_ring_full_drops_new(struct kunit *test)
{
	struct gv_event_ring *r = new_ring(test);
	struct gv_event_rec e, in;
	u64 i;

	for (i = 0; i < GV_EVENT_RING_SIZE + 5; i++) {
		in = rec(i);
		KUNIT_EXPECT_EQ(test, gv_event_ring_put(r, &in), i < GV_EVENT_RING_SIZE);
	}
	KUNIT_EXPECT_EQ(test, r->posted, (u64)GV_EVENT_RING_SIZE + 5);
	KUNIT_EXPECT_EQ(test, r->dropped, 5ull);
	for (i = 0; i < GV_EVENT_RING_SIZE; i++) {
		KUNIT_ASSERT_TRUE(test, gv_event_ring_take(r, &e));
		KUNIT_EXPECT_EQ(test, e.w[1], i);
	}
	KUNIT_EXPECT_FALSE(test, gv_event_ring_take(r, &e));
	/* Room again after the drain. */
	in = rec(1000);
	KUNIT_EXPECT_TRUE(test, gv_event_ring_put(r, &in));
}

/* Many times round the ring, and across the u32 index wrap. */
static void event_ring_wraps(struct kunit *test)
{
	struct gv_event_ring *r = new_ring(test);
	struct gv_event_rec e, in;
	u64 i;

	r->head = 0xffffffff - 20;
	r->tail = r->head;
	for (i = 0; i < 5 * GV_EVENT_RING_SIZE; i++) {
		in = rec(i);
		KUNIT_ASSERT_TRUE(test, gv_event_ring_put(r, &in));
		KUNIT_ASSERT_TRUE(test, gv_event_ring_take(r, &e));
		KUNIT_EXPECT_EQ(test, e.w[1], i);
	}
	KUNIT_EXPECT_EQ(test, r->dropped, 0ull);
	KUNIT_EXPECT_FALSE(test, gv_event_ring_take(r, &e));
}

static struct kunit_case gv_event_cases[] = {
	KUNIT_CASE(event_word0_packs_fields),
	KUNIT_CASE(event_ring_empty_take),
	KUNIT_CASE(event_ring_fifo_order),
	KUNIT_CASE(event_ring_full_drops_new),
	KUNIT_CASE(event_ring_wraps),
	{}
};

struct kunit_suite gv_event_suite = {
	.name = "gv_event",
	.test_cases = gv_event_cases,
};
