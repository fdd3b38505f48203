/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypapp registry (DESIGN.md "Hypapps", docs/hypapps.md): the
 * description the Linux side hands over at registration, and the root
 * side's table of registered hypapps. The table logic (checks, conflicts,
 * lookups) is pure and KUnit-tested (tests/kunit/hypapp_test.c); the root
 * side's use of it is hvcore/hv_hypapp.c.
 */
#ifndef GV_HV_HYPAPP_H
#define GV_HV_HYPAPP_H

#include "hv_types.h"
#include "../include/greenvisor/hypapp.h"

#define GV_HYPAPP_DESC_MAGIC	0x48595041u	/* "APYH" */
#define GV_HYPAPP_PAGE		4096ull

/*
 * What GV_HC_HYPAPP_REGISTER reads from the page at arg0 (filled by
 * module/hypapp.c). The root side copies it before checking anything.
 * @text_va:  the .gv_root_text section's address (the module's mapping,
 *            which the root side maps too, at the same address).
 * @text_pa:  the host-physical address of each of its @nr_text pages.
 * @ops:      callback addresses, by GV_HEV_*; 0 = none.
 */
struct gv_hypapp_desc {
	u32 magic;
	char name[GV_HYPAPP_NAME_LEN];
	u32 hc_base, hc_count;
	u64 hc_user;		/* bit i: hc_base + i callable from CPL 1-3 */
	u32 cpuid_base, cpuid_count;
	u32 quiesce;
	u32 data_pages;
	u32 nr_text;
	u64 text_va;
	u64 ops[GV_HEV_NR];
	u64 text_pa[GV_HYPAPP_TEXT_PAGES];
};

/* One registered hypapp (pool). Slot i holds id i + 1. */
struct gv_hypapp_slot {
	u32 used;
	u32 inflight;		/* CPUs inside one of its callbacks */
	u64 calls;		/* vmcalls dispatched to it */
	void *data;		/* its pool page, or NULL */
	struct gv_hypapp_desc d;
};

struct gv_hypapp_table {
	u32 nr;
	struct gv_hypapp_slot s[GV_HYPAPP_MAX];
};

/* The VA window hypapp text may live in (the kernel's module area). */
struct gv_hypapp_va_limits {
	u64 lo, hi;
};

/**
 * gv_hypapp_desc_check - is @d well-formed? Checks the magic, the name
 * (non-empty, NUL-terminated), the number and CPUID ranges (inside the
 * hypapp areas, not wrapping, with their callback), flags, data pages, the
 * text (1 .. GV_HYPAPP_TEXT_PAGES page-aligned pages inside @va), every
 * callback inside the text, and that the reserved events have none.
 * Return: 0 or -GV_EINVAL.
 */
int gv_hypapp_desc_check(const struct gv_hypapp_desc *d,
			 const struct gv_hypapp_va_limits *va);

/**
 * gv_hypapp_conflict - does @d collide with a registered hypapp (number
 * range, CPUID range, text address or page, name)? @skip: a slot index to
 * ignore (the one @d is being copied into), or GV_HYPAPP_MAX.
 * Return: 0 or -GV_EBUSY.
 */
int gv_hypapp_conflict(const struct gv_hypapp_table *t,
		       const struct gv_hypapp_desc *d, u32 skip);

/* A free slot's index, or -GV_ENOSPC. */
int gv_hypapp_free_slot(const struct gv_hypapp_table *t);

/*
 * The slot registered for vmcall @nr (*@index = @nr - its base, clamped
 * against speculation), or NULL.
 */
struct gv_hypapp_slot *gv_hypapp_find_hc(struct gv_hypapp_table *t, u32 nr,
					 u32 *index);

/* The same for CPUID @leaf. */
struct gv_hypapp_slot *gv_hypapp_find_cpuid(struct gv_hypapp_table *t,
					    u32 leaf, u32 *index);

/*
 * The dispatcher flags (hv_hc_perm.h GV_HC_FROM_*) of call @index of
 * slot @s: the rich OS's kernel, and user mode for the calls in hc_user.
 */
u32 gv_hypapp_hc_perm(const struct gv_hypapp_slot *s, u32 index);

/* The registered slot of hypapp @id (1 .. GV_HYPAPP_MAX), or NULL. */
struct gv_hypapp_slot *gv_hypapp_slot_of(struct gv_hypapp_table *t, u64 id);

#endif /* GV_HV_HYPAPP_H */
