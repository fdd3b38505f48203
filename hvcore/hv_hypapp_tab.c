// SPDX-License-Identifier: GPL-2.0
/*
 * The hypapp registry's pure logic (hv_hypapp.h): description checks,
 * range conflicts, lookups. No hardware, no VMX state: KUnit-tested
 * (tests/kunit/hypapp_test.c) as the root side compiles it.
 */
#include "hv_root.h"
#include "hv_hypapp.h"
#include "hv_hc_perm.h"

/* [base, base + count) inside [first, end), not wrapping (count 0: ok). */
static bool range_inside(u32 base, u32 count, u32 first, u32 end)
{
	if (!count)
		return true;
	return base >= first && base < end && count <= end - base;
}

static bool ranges_overlap(u32 b1, u32 n1, u32 b2, u32 n2)
{
	return n1 && n2 && b1 < b2 + n2 && b2 < b1 + n1;
}

/* Bits of hc_user that name calls of a range of @count. */
static u64 calls_mask(u32 count)
{
	return count >= 64 ? ~0ull : BIT_ULL(count) - 1;
}

static bool name_ok(const char *name)
{
	u32 i;

	if (!name[0])
		return false;
	for (i = 1; i < GV_HYPAPP_NAME_LEN; i++) {
		if (!name[i])
			return true;
	}
	return false;
}

static bool names_equal(const char *a, const char *b)
{
	u32 i;

	for (i = 0; i < GV_HYPAPP_NAME_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static u64 text_end(const struct gv_hypapp_desc *d)
{
	return d->text_va + (u64)d->nr_text * GV_HYPAPP_PAGE;
}

static bool text_ok(const struct gv_hypapp_desc *d,
		    const struct gv_hypapp_va_limits *va)
{
	u32 i;

	if (!d->nr_text || d->nr_text > GV_HYPAPP_TEXT_PAGES ||
	    d->text_va & (GV_HYPAPP_PAGE - 1) || d->text_va < va->lo ||
	    d->text_va > va->hi || text_end(d) > va->hi)
		return false;
	for (i = 0; i < d->nr_text; i++) {
		if (!d->text_pa[i] || d->text_pa[i] & (GV_HYPAPP_PAGE - 1))
			return false;
	}
	return true;
}

/* Dispatched callbacks inside the text; reserved events without one. */
static bool ops_ok(const struct gv_hypapp_desc *d)
{
	u32 i;

	for (i = 0; i < GV_HEV_NR; i++) {
		u64 fn = d->ops[i];

		if (!fn)
			continue;
		if (i >= GV_HEV_DISPATCHED || fn < d->text_va || fn >= text_end(d))
			return false;
	}
	return true;
}

int gv_hypapp_desc_check(const struct gv_hypapp_desc *d,
			 const struct gv_hypapp_va_limits *va)
{
	if (d->magic != GV_HYPAPP_DESC_MAGIC || !name_ok(d->name))
		return -GV_EINVAL;
	if (!range_inside(d->hc_base, d->hc_count, GV_HC_HYPAPP_FIRST,
			  GV_HC_HYPAPP_END) ||
	    (d->hc_count && !d->ops[GV_HEV_HYPERCALL]))
		return -GV_EINVAL;
	if (!range_inside(d->cpuid_base, d->cpuid_count, GV_CPUID_HYPAPP_FIRST,
			  GV_CPUID_HYPAPP_END) ||
	    (d->cpuid_count && !d->ops[GV_HEV_CPUID]))
		return -GV_EINVAL;
	if (d->hc_user & ~calls_mask(d->hc_count) ||
	    d->quiesce & ~(BIT(GV_HEV_DISPATCHED) - 1) ||
	    d->data_pages > GV_HYPAPP_DATA_PAGES)
		return -GV_EINVAL;
	if (!text_ok(d, va) || !ops_ok(d))
		return -GV_EINVAL;
	return 0;
}

static bool text_pages_shared(const struct gv_hypapp_desc *a,
			      const struct gv_hypapp_desc *b)
{
	u32 i, j;

	for (i = 0; i < a->nr_text; i++) {
		for (j = 0; j < b->nr_text; j++) {
			if (a->text_pa[i] == b->text_pa[j])
				return true;
		}
	}
	return false;
}

static bool descs_conflict(const struct gv_hypapp_desc *a,
			   const struct gv_hypapp_desc *b)
{
	return ranges_overlap(a->hc_base, a->hc_count, b->hc_base, b->hc_count) ||
	       ranges_overlap(a->cpuid_base, a->cpuid_count, b->cpuid_base,
			      b->cpuid_count) ||
	       (a->text_va < text_end(b) && b->text_va < text_end(a)) ||
	       text_pages_shared(a, b) || names_equal(a->name, b->name);
}

int gv_hypapp_conflict(const struct gv_hypapp_table *t,
		       const struct gv_hypapp_desc *d, u32 skip)
{
	u32 i;

	for (i = 0; i < GV_HYPAPP_MAX; i++) {
		if (i != skip && t->s[i].used && descs_conflict(&t->s[i].d, d))
			return -GV_EBUSY;
	}
	return 0;
}

int gv_hypapp_free_slot(const struct gv_hypapp_table *t)
{
	u32 i;

	for (i = 0; i < GV_HYPAPP_MAX; i++) {
		if (!t->s[i].used)
			return i;
	}
	return -GV_ENOSPC;
}

struct gv_hypapp_slot *gv_hypapp_find_hc(struct gv_hypapp_table *t, u32 nr,
					 u32 *index)
{
	u32 i;

	for (i = 0; i < GV_HYPAPP_MAX; i++) {
		struct gv_hypapp_slot *s = &t->s[i];
		u32 off = nr - s->d.hc_base;

		if (s->used && nr >= s->d.hc_base && off < s->d.hc_count) {
			*index = off & gv_index_mask_nospec(off, s->d.hc_count);
			return s;
		}
	}
	return NULL;
}

struct gv_hypapp_slot *gv_hypapp_find_cpuid(struct gv_hypapp_table *t,
					    u32 leaf, u32 *index)
{
	u32 i;

	for (i = 0; i < GV_HYPAPP_MAX; i++) {
		struct gv_hypapp_slot *s = &t->s[i];
		u32 off = leaf - s->d.cpuid_base;

		if (s->used && leaf >= s->d.cpuid_base && off < s->d.cpuid_count) {
			*index = off & gv_index_mask_nospec(off, s->d.cpuid_count);
			return s;
		}
	}
	return NULL;
}

u32 gv_hypapp_hc_perm(const struct gv_hypapp_slot *s, u32 index)
{
	bool user = index < 64 && (s->d.hc_user & BIT_ULL(index));

	return GV_HC_FROM_RICH | (user ? GV_HC_FROM_USER : 0);
}

struct gv_hypapp_slot *gv_hypapp_slot_of(struct gv_hypapp_table *t, u64 id)
{
	u64 i = id - 1;
	struct gv_hypapp_slot *s;

	if (!id || i >= GV_HYPAPP_MAX)
		return NULL;
	s = &t->s[i & gv_index_mask_nospec(i, GV_HYPAPP_MAX)];
	return s->used ? s : NULL;
}
