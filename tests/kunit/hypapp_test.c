// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_hypapp: the hypapp registry's pure logic
 * (hvcore/hv_hypapp_tab.c): description checks (one row per rule),
 * conflicts with registered hypapps (number range, CPUID range, text
 * address and page, name), slot bookkeeping, and the dispatcher's lookups
 * at every range edge.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../hvcore/hv_hypapp.h"
#include "../../hvcore/hv_hc_perm.h"
#include "gv_kunit.h"

#define VA_LO	0xffffffffc0000000ull
#define VA_HI	0xffffffffff000000ull
#define TEXT	(VA_LO + 0x100000)
#define T2	(TEXT + 0x2000)	/* right after the first hypapp's text */
#define P2	0x200000ull	/* and its own pages */
#define L2	0x40000101u	/* a free CPUID leaf */

static const struct gv_hypapp_va_limits limits = { VA_LO, VA_HI };

/* A valid description: 2 text pages, calls 0x1000+4, CPUID leaf 0x40000100. */
static void good_desc(struct gv_hypapp_desc *d, const char *name, u32 hc,
		      u32 leaf, u64 text, u64 pa)
{
	memset(d, 0, sizeof(*d));
	d->magic = GV_HYPAPP_DESC_MAGIC;
	strscpy(d->name, name, sizeof(d->name));
	d->hc_base = hc;
	d->hc_count = 4;
	d->cpuid_base = leaf;
	d->cpuid_count = 1;
	d->data_pages = 1;
	d->nr_text = 2;
	d->text_va = text;
	d->text_pa[0] = pa;
	d->text_pa[1] = pa + 0x3000;
	d->ops[GV_HEV_HYPERCALL] = text + 0x10;
	d->ops[GV_HEV_CPUID] = text + 0x1ff0;
	d->ops[GV_HEV_INIT] = text;
}

struct check_case {
	const char *name;
	void (*mutate)(struct gv_hypapp_desc *d);
	int want;
};

#define MUT(n, body) static void n(struct gv_hypapp_desc *d) { body; }
MUT(m_none, (void)d)
MUT(m_magic, d->magic ^= 1)
MUT(m_name_empty, d->name[0] = 0)
MUT(m_name_unterminated, memset(d->name, 'a', sizeof(d->name)))
MUT(m_name_15, memset(d->name, 'a', sizeof(d->name) - 1))
MUT(m_hc_below, d->hc_base = GV_HC_HYPAPP_FIRST - 1)
MUT(m_hc_core, d->hc_base = 0)
MUT(m_hc_last, d->hc_base = GV_HC_HYPAPP_END - 4)
MUT(m_hc_past_end, d->hc_base = GV_HC_HYPAPP_END - 3)
MUT(m_hc_wrap, d->hc_base = 0xfffffffe)
MUT(m_hc_huge_count, d->hc_count = 0xffffffff)
MUT(m_hc_none, d->hc_count = 0; d->hc_base = 0; d->ops[GV_HEV_HYPERCALL] = 0)
MUT(m_hc_no_callback, d->ops[GV_HEV_HYPERCALL] = 0)
MUT(m_cpuid_below, d->cpuid_base = GV_CPUID_HYPAPP_FIRST - 1)
MUT(m_cpuid_hv_leaf, d->cpuid_base = 0x40000000)
MUT(m_cpuid_past_end, d->cpuid_base = GV_CPUID_HYPAPP_END)
MUT(m_cpuid_no_callback, d->ops[GV_HEV_CPUID] = 0)
MUT(m_user_all_calls, d->hc_user = 0xf)
MUT(m_user_past_count, d->hc_user = 0x10)
MUT(m_user_64_calls, d->hc_count = 64; d->hc_user = ~0ull)
MUT(m_user_bit63_of_63, d->hc_count = 63; d->hc_user = BIT_ULL(63))
MUT(m_quiesce_all, d->quiesce = BIT(GV_HEV_DISPATCHED) - 1)
MUT(m_quiesce_reserved, d->quiesce = BIT(GV_HEV_PORT))
MUT(m_data_two, d->data_pages = 2)
MUT(m_data_none, d->data_pages = 0)
MUT(m_text_none, d->nr_text = 0)
MUT(m_text_too_many, d->nr_text = GV_HYPAPP_TEXT_PAGES + 1)
MUT(m_text_unaligned, d->text_va += 8; d->ops[GV_HEV_INIT] += 8)

static void m_text_max(struct gv_hypapp_desc *d)
{
	u32 i;

	d->nr_text = GV_HYPAPP_TEXT_PAGES;
	for (i = 0; i < GV_HYPAPP_TEXT_PAGES; i++)
		d->text_pa[i] = 0x1000 * (i + 1);
}

/* Text (and its callbacks) moved to @va. */
static void move_text(struct gv_hypapp_desc *d, u64 va)
{
	d->text_va = va;
	d->ops[GV_HEV_INIT] = va;
	d->ops[GV_HEV_HYPERCALL] = va;
	d->ops[GV_HEV_CPUID] = va;
}

static void m_text_below_area(struct gv_hypapp_desc *d)
{
	move_text(d, VA_LO - 0x2000);
}

static void m_text_past_area(struct gv_hypapp_desc *d)
{
	move_text(d, VA_HI - 0x1000);
}

MUT(m_text_pa_zero, d->text_pa[1] = 0)
MUT(m_text_pa_unaligned, d->text_pa[0] |= 0x800)
MUT(m_op_before_text, d->ops[GV_HEV_NMI] = TEXT - 1)
MUT(m_op_at_end, d->ops[GV_HEV_SHUTDOWN] = TEXT + 0x2000)
MUT(m_op_last_byte, d->ops[GV_HEV_SHUTDOWN] = TEXT + 0x1fff)
MUT(m_op_port, d->ops[GV_HEV_PORT] = TEXT)
MUT(m_op_mtrr, d->ops[GV_HEV_MTRR] = TEXT)
MUT(m_op_db, d->ops[GV_HEV_DB] = TEXT)
MUT(m_op_bp, d->ops[GV_HEV_BP] = TEXT)

static const struct check_case check_cases[] = {
	{ "valid", m_none, 0 },
	{ "bad_magic", m_magic, -GV_EINVAL },
	{ "name_empty", m_name_empty, -GV_EINVAL },
	{ "name_unterminated", m_name_unterminated, -GV_EINVAL },
	{ "name_15_chars", m_name_15, 0 },
	{ "hc_below_area", m_hc_below, -GV_EINVAL },
	{ "hc_core_numbers", m_hc_core, -GV_EINVAL },
	{ "hc_last_numbers", m_hc_last, 0 },
	{ "hc_past_end", m_hc_past_end, -GV_EINVAL },
	{ "hc_wrapping", m_hc_wrap, -GV_EINVAL },
	{ "hc_huge_count", m_hc_huge_count, -GV_EINVAL },
	{ "hc_no_calls", m_hc_none, 0 },
	{ "hc_without_callback", m_hc_no_callback, -GV_EINVAL },
	{ "cpuid_below_area", m_cpuid_below, -GV_EINVAL },
	{ "cpuid_greenvisor_leaf", m_cpuid_hv_leaf, -GV_EINVAL },
	{ "cpuid_past_end", m_cpuid_past_end, -GV_EINVAL },
	{ "cpuid_without_callback", m_cpuid_no_callback, -GV_EINVAL },
	{ "user_all_calls", m_user_all_calls, 0 },
	{ "user_call_past_count", m_user_past_count, -GV_EINVAL },
	{ "user_64_calls", m_user_64_calls, 0 },
	{ "user_bit63_of_63_calls", m_user_bit63_of_63, -GV_EINVAL },
	{ "quiesce_all_dispatched", m_quiesce_all, 0 },
	{ "quiesce_reserved_event", m_quiesce_reserved, -GV_EINVAL },
	{ "data_two_pages", m_data_two, -GV_EINVAL },
	{ "data_none", m_data_none, 0 },
	{ "text_none", m_text_none, -GV_EINVAL },
	{ "text_max_pages", m_text_max, 0 },
	{ "text_too_many_pages", m_text_too_many, -GV_EINVAL },
	{ "text_unaligned", m_text_unaligned, -GV_EINVAL },
	{ "text_below_module_area", m_text_below_area, -GV_EINVAL },
	{ "text_past_module_area", m_text_past_area, -GV_EINVAL },
	{ "text_pa_zero", m_text_pa_zero, -GV_EINVAL },
	{ "text_pa_unaligned", m_text_pa_unaligned, -GV_EINVAL },
	{ "callback_before_text", m_op_before_text, -GV_EINVAL },
	{ "callback_at_text_end", m_op_at_end, -GV_EINVAL },
	{ "callback_last_byte", m_op_last_byte, 0 },
	{ "reserved_port", m_op_port, -GV_EINVAL },
	{ "reserved_mtrr", m_op_mtrr, -GV_EINVAL },
	{ "reserved_db", m_op_db, -GV_EINVAL },
	{ "reserved_bp", m_op_bp, -GV_EINVAL },
};

static void check_desc_name(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_desc_name);

static void desc_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	struct gv_hypapp_desc *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	good_desc(d, "app", GV_HC_HYPAPP_FIRST, GV_CPUID_HYPAPP_FIRST, TEXT,
		  0x100000);
	c->mutate(d);
	KUNIT_EXPECT_EQ_MSG(test, gv_hypapp_desc_check(d, &limits), c->want,
			    "%s", c->name);
}

/* A table with "hello" (0x1000+4, leaf 0x40000100) in slot 0. */
static struct gv_hypapp_table *table_with_hello(struct kunit *test)
{
	struct gv_hypapp_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	good_desc(&t->s[0].d, "hello", 0x1000, 0x40000100, TEXT, 0x100000);
	t->s[0].used = 1;
	t->nr = 1;
	return t;
}

struct conflict_case {
	const char *name;
	const char *app;
	u32 hc, hc_count, leaf, leaf_count;
	u64 text, pa;
	int want;
};

static const struct conflict_case conflict_cases[] = {
	{ "disjoint", "other", 0x1004, 4, L2, 1, T2, P2, 0 },
	{ "hc_same_range", "other", 0x1000, 4, L2, 1, T2, P2, -GV_EBUSY },
	{ "hc_overlap_end", "other", 0x1003, 2, L2, 1, T2, P2, -GV_EBUSY },
	{ "hc_overlap_start", "other", 0xffe, 4, L2, 1, T2, P2, -GV_EBUSY },
	{ "hc_adjacent_below", "other", 0xffc, 4, L2, 1, T2, P2, 0 },
	{ "hc_adjacent_above", "other", 0x1004, 1, L2, 1, T2, P2, 0 },
	{ "hc_none", "other", 0x1000, 0, L2, 1, T2, P2, 0 },
	{ "hc_inside", "other", 0x1001, 1, L2, 1, T2, P2, -GV_EBUSY },
	{ "hc_covering", "other", 0x1000, 0x100, L2, 1, T2, P2, -GV_EBUSY },
	{ "cpuid_same_leaf", "other", 0x1010, 1, 0x40000100, 1, T2, P2, -GV_EBUSY },
	{ "cpuid_range_covering", "other", 0x1010, 1, 0x400000ff + 1, 8, T2, P2, -GV_EBUSY },
	{ "cpuid_none", "other", 0x1010, 1, 0, 0, T2, P2, 0 },
	{ "text_va_overlap", "other", 0x1010, 1, L2, 1, TEXT + 0x1000, P2, -GV_EBUSY },
	{ "text_va_adjacent", "other", 0x1010, 1, L2, 1, T2, P2, 0 },
	{ "text_page_shared", "other", 0x1010, 1, L2, 1, T2, 0x103000, -GV_EBUSY },
	{ "same_name", "hello", 0x1010, 1, L2, 1, T2, P2, -GV_EBUSY },
	{ "name_prefix", "hell", 0x1010, 1, L2, 1, T2, P2, 0 },
	{ "second_instance", "hello", 0x1000, 4, 0x40000100, 1, TEXT, 0x100000, -GV_EBUSY },
};

static void conflict_desc_name(const struct conflict_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(conflict, conflict_cases, conflict_desc_name);

static void conflict(struct kunit *test)
{
	const struct conflict_case *c = test->param_value;
	struct gv_hypapp_table *t = table_with_hello(test);
	struct gv_hypapp_desc *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	good_desc(d, c->app, c->hc, c->leaf, c->text, c->pa);
	d->hc_count = c->hc_count;
	d->cpuid_count = c->leaf_count;
	KUNIT_EXPECT_EQ(test, gv_hypapp_conflict(t, d, GV_HYPAPP_MAX), c->want);
	/* The slot being filled is not compared with itself. */
	KUNIT_EXPECT_EQ(test, gv_hypapp_conflict(t, d, 0), 0);
	/* A free slot's leftovers do not count. */
	t->s[0].used = 0;
	KUNIT_EXPECT_EQ(test, gv_hypapp_conflict(t, d, GV_HYPAPP_MAX), 0);
}

/* Slots fill up to GV_HYPAPP_MAX, then -ENOSPC; freed slots are reused. */
static void slots(struct kunit *test)
{
	struct gv_hypapp_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < GV_HYPAPP_MAX; i++) {
		int s = gv_hypapp_free_slot(t);

		KUNIT_ASSERT_EQ(test, s, (int)i);
		t->s[s].used = 1;
		KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_slot_of(t, i + 1), &t->s[i]);
	}
	KUNIT_EXPECT_EQ(test, gv_hypapp_free_slot(t), -GV_ENOSPC);
	t->s[6].used = 0;
	KUNIT_EXPECT_EQ(test, gv_hypapp_free_slot(t), 6);
	KUNIT_EXPECT_NULL(test, gv_hypapp_slot_of(t, 7));
	KUNIT_EXPECT_NULL(test, gv_hypapp_slot_of(t, 0));
	KUNIT_EXPECT_NULL(test, gv_hypapp_slot_of(t, GV_HYPAPP_MAX + 1));
	KUNIT_EXPECT_NULL(test, gv_hypapp_slot_of(t, ~0ull));
	KUNIT_EXPECT_NULL(test, gv_hypapp_slot_of(t, 1ull << 32));
}

/* Lookups at every edge of two registered ranges. */
static void lookup(struct kunit *test)
{
	struct gv_hypapp_table *t = table_with_hello(test);
	u32 idx = 99;

	good_desc(&t->s[3].d, "pal", 0x1100, 0x40000110, TEXT + 0x10000, 0x300000);
	t->s[3].d.hc_count = 16;
	t->s[3].d.cpuid_count = 2;
	t->s[3].used = 1;
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, 0xfff, &idx));
	KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_find_hc(t, 0x1000, &idx), &t->s[0]);
	KUNIT_EXPECT_EQ(test, idx, 0u);
	KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_find_hc(t, 0x1003, &idx), &t->s[0]);
	KUNIT_EXPECT_EQ(test, idx, 3u);
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, 0x1004, &idx));
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, 0x10ff, &idx));
	KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_find_hc(t, 0x1100, &idx), &t->s[3]);
	KUNIT_EXPECT_EQ(test, idx, 0u);
	KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_find_hc(t, 0x110f, &idx), &t->s[3]);
	KUNIT_EXPECT_EQ(test, idx, 15u);
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, 0x1110, &idx));
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, 0, &idx));
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, ~0u, &idx));
	KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_find_cpuid(t, 0x40000100, &idx), &t->s[0]);
	KUNIT_EXPECT_EQ(test, idx, 0u);
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_cpuid(t, 0x40000101, &idx));
	KUNIT_EXPECT_PTR_EQ(test, gv_hypapp_find_cpuid(t, 0x40000111, &idx), &t->s[3]);
	KUNIT_EXPECT_EQ(test, idx, 1u);
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_cpuid(t, 0x40000112, &idx));
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_cpuid(t, 0x40000000, &idx));
	/* An unregistered slot is never found, whatever it still holds. */
	t->s[3].used = 0;
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_hc(t, 0x1100, &idx));
	KUNIT_EXPECT_NULL(test, gv_hypapp_find_cpuid(t, 0x40000110, &idx));
}

/*
 * Per-call permissions: hc_user's bits reach gv_hc_permit() unchanged, so
 * a CPL0-only call of a hypapp from ring 3 is #GP(0) there, like a core one.
 */
static void call_perm(struct kunit *test)
{
	struct gv_hypapp_slot s = { .used = 1 };
	u32 f;

	s.d.hc_count = 4;
	s.d.hc_user = 0x5;
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 0), GV_HC_FROM_RICH | GV_HC_FROM_USER);
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 1), GV_HC_FROM_RICH);
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 2), GV_HC_FROM_RICH | GV_HC_FROM_USER);
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 3), GV_HC_FROM_RICH);
	f = gv_hypapp_hc_perm(&s, 1);
	KUNIT_EXPECT_EQ(test, gv_hc_permit(true, BIT(GV_PART_RICH), GV_PART_RICH, 3, &f),
			GV_HC_RAISE_GP);
	KUNIT_EXPECT_EQ(test, gv_hc_permit(true, BIT(GV_PART_RICH), GV_PART_RICH, 0, &f),
			GV_HC_RUN);
	KUNIT_EXPECT_EQ(test, gv_hc_permit(true, BIT(GV_PART_GREEN) | BIT(GV_PART_RICH),
					   GV_PART_GREEN, 0, &f), GV_HC_FAIL_EINVAL);
	f = gv_hypapp_hc_perm(&s, 0);
	KUNIT_EXPECT_EQ(test, gv_hc_permit(true, BIT(GV_PART_RICH), GV_PART_RICH, 3, &f),
			GV_HC_RUN);
	/* Ranges longer than 64 calls: calls 64 and up are CPL0 only. */
	s.d.hc_count = 100;
	s.d.hc_user = BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 63), GV_HC_FROM_RICH | GV_HC_FROM_USER);
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 64), GV_HC_FROM_RICH);
	KUNIT_EXPECT_EQ(test, gv_hypapp_hc_perm(&s, 99), GV_HC_FROM_RICH);
}

static struct kunit_case gv_hypapp_cases[] = {
	KUNIT_CASE_PARAM(desc_check, check_gen_params),
	KUNIT_CASE_PARAM(conflict, conflict_gen_params),
	KUNIT_CASE(slots),
	KUNIT_CASE(lookup),
	KUNIT_CASE(call_perm),
	{}
};

struct kunit_suite gv_hypapp_suite = {
	.name = "gv_hypapp",
	.test_cases = gv_hypapp_cases,
};
