// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_ept_mtrr: ept/ept_mtrr.c, the memory type the MTRRs give
 * an address or a range (SDM Vol. 3A, 11.11), on crafted MTRR sets:
 * disabled MTRRs, every boundary of the three fixed-range groups, UC inside
 * WB, WT+WB and undefined overlaps, mask edge cases, invalid encodings,
 * range uniformity across boundaries (cross-checked page by page), the
 * page-size helper and the MSR writer's #GP rules.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../ept/ept_mtrr.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

#define UC	GV_MT_UC
#define WC	GV_MT_WC
#define WT	GV_MT_WT
#define WP	GV_MT_WP
#define WB	GV_MT_WB
#define MIXED	GV_MT_MIXED

#define KB	0x400ull
#define MB	0x100000ull
#define GB	0x40000000ull

#define CAP_STD		(10 | GV_MTRRCAP_FIX | GV_MTRRCAP_WC)
#define DEF(t)		(GV_MTRR_DEF_E | GV_MTRR_DEF_FE | (t))
#define DEF_NOFE(t)	(GV_MTRR_DEF_E | (t))
#define ALL8(t)		(0x0101010101010101ull * (t))

/* A contiguous variable range of @size bytes (a power of two) at @base. */
#define VAR(b, size, t, bits) \
	{ .base = (b) | (t), \
	  .mask = (~((size) - 1) & ((1ull << (bits)) - 1)) | \
		  GV_MTRR_MASK_VALID }
#define VAR36(b, size, t)	VAR(b, size, t, 36)
#define MASK36(size)	((~((size) - 1) & 0xfffffffffull) | GV_MTRR_MASK_VALID)

#define END	(~0ull)

struct probe {
	u64 pa;
	int type;
};

struct rprobe {
	u64 start, size;
	int type;
};

struct mtrr_case {
	const char *name;
	u64 cap, def;
	u64 fixed[GV_MTRR_NR_FIXED];
	struct gv_mtrr_var var[8];
	unsigned int phys_bits;		/* 0: 36 */
	struct probe p[12];		/* until pa == END */
	struct rprobe r[8];		/* until size == 0 */
};

/* Fixed ranges of a PC: RAM WB, VGA hole UC, option ROMs and BIOS WP. */
#define FIXED_PC { ALL8(WB), ALL8(WB), ALL8(UC), ALL8(WP), ALL8(WP), \
		   ALL8(WP), ALL8(WP), ALL8(WP), ALL8(WP), ALL8(WP), ALL8(WP) }

static const struct mtrr_case mtrr_cases[] = {
	{ "disabled_uc_everywhere", CAP_STD, GV_MTRR_DEF_FE | WB, FIXED_PC,
	  { VAR36(0, 4 * GB, WB) },
	  0, { { 0, UC }, { 0xa0000, UC }, { 0xfffff, UC }, { MB, UC },
	       { 2 * GB, UC }, { 63 * GB, UC }, { END } },
	  { { 0, 64 * GB, UC }, { 0, 4 * KB, UC }, { 0 } } },
	{ "disabled_zero_def", CAP_STD, 0, FIXED_PC, {},
	  0, { { 0, UC }, { 32 * GB, UC }, { END } }, { { 0, GB, UC }, { 0 } } },
	{ "wb_default_no_var", CAP_STD, DEF(WB), FIXED_PC, {},
	  0, { { 0, WB }, { 0x9ffff, WB }, { 0xa0000, UC }, { 0xbffff, UC },
	       { 0xc0000, WP }, { 0xfffff, WP }, { MB, WB }, { 4 * GB, WB },
	       { 64 * GB - 1, WB }, { END } },
	  { { MB, 63 * GB, WB }, { 0, MB, MIXED }, { 0xc0000, 0x40000, WP },
	    { 0xa0000, 0x20000, UC }, { 0xa0000, 0x21000, MIXED },
	    { 0xff000, 0x2000, MIXED }, { 0 } } },
	{ "fe_clear_uses_var", CAP_STD, DEF_NOFE(WB), FIXED_PC,
	  { VAR36(0, 512 * KB, WT) },
	  0, { { 0, WT }, { 0x7ffff, WT }, { 0x80000, WB }, { 0xa0000, WB },
	       { 0xc0000, WB }, { END } },
	  { { 0, 512 * KB, WT }, { 0, MB, MIXED }, { 0x80000, 4 * GB, WB },
	    { 0 } } },
	{ "fix_unsupported_ignores_fe", 10 | GV_MTRRCAP_WC, DEF(WB), FIXED_PC,
	  {}, 0, { { 0xa0000, WB }, { 0xc0000, WB }, { END } },
	  { { 0, 2 * MB, WB }, { 0 } } },
	{ "uc_hole_in_wb", CAP_STD, DEF(WB), FIXED_PC,
	  { VAR36(3 * GB, GB, UC) },
	  0, { { 3 * GB - 1, WB }, { 3 * GB, UC }, { 4 * GB - 1, UC },
	       { 4 * GB, WB }, { END } },
	  { { 3 * GB, GB, UC }, { 2 * GB, GB, WB }, { 2 * GB, 2 * GB, MIXED },
	    { 3 * GB - 4 * KB, 8 * KB, MIXED }, { 4 * GB, 60 * GB, WB },
	    { 0 } } },
	{ "wb_ram_in_uc_default", CAP_STD, DEF(UC), FIXED_PC,
	  { VAR36(0, 512 * MB, WB) },
	  0, { { MB, WB }, { 512 * MB - 1, WB }, { 512 * MB, UC },
	       { 4 * GB, UC }, { END } },
	  { { MB, 511 * MB, WB }, { 512 * MB, 512 * MB, UC },
	    { 0, GB, MIXED }, { 510 * MB, 4 * MB, MIXED }, { 0 } } },
	{ "wt_wb_overlap_is_wt", CAP_STD, DEF(UC), FIXED_PC,
	  { VAR36(0, 4 * GB, WB), VAR36(GB, GB, WT) },
	  0, { { GB - 1, WB }, { GB, WT }, { 2 * GB - 1, WT },
	       { 2 * GB, WB }, { 4 * GB, UC }, { END } },
	  { { GB, GB, WT }, { 0x100000, GB - MB, WB }, { GB, 2 * GB, MIXED },
	    { 0 } } },
	{ "uc_wins_any_overlap", CAP_STD, DEF_NOFE(WB), {},
	  { VAR36(0, 4 * GB, WT), VAR36(0, 4 * GB, WB), VAR36(GB, 4 * KB, UC),
	    VAR36(2 * GB, 2 * MB, WC) },
	  0, { { GB, UC }, { GB + 4 * KB, WT }, { 2 * GB, UC },
	       { 2 * GB + 2 * MB, WT }, { END } },
	  { { GB, 4 * KB, UC }, { GB, 8 * KB, MIXED }, { 0 } } },
	{ "undefined_overlaps_are_uc", CAP_STD, DEF_NOFE(WB), {},
	  { VAR36(0, GB, WC), VAR36(0, 2 * MB, WB), VAR36(GB, GB, WP),
	    VAR36(GB, 2 * MB, WT), VAR36(2 * GB, GB, WP),
	    VAR36(2 * GB, GB, WP) },
	  0, { { MB, UC }, { 2 * MB, WC }, { GB, UC }, { GB + 2 * MB, WP },
	       { 2 * GB, WP }, { END } },
	  { { 0, 2 * MB, UC }, { 2 * GB, GB, WP }, { GB, GB, MIXED },
	    { 0 } } },
	{ "same_type_overlap", CAP_STD, DEF_NOFE(UC), {},
	  { VAR36(0, 2 * GB, WB), VAR36(GB, GB, WB), VAR36(GB, 4 * KB, WB) },
	  0, { { GB, WB }, { 0, WB }, { 2 * GB, UC }, { END } },
	  { { 0, 2 * GB, WB }, { 0 } } },
	{ "mask_invalid_bit_clear", CAP_STD, DEF_NOFE(WB), {},
	  { { .base = GB | UC, .mask = ~(GB - 1) & 0xfffffffffull } },
	  0, { { GB, WB }, { END } }, { { 0, 64 * GB, WB }, { 0 } } },
	{ "mask_bits_above_maxphyaddr_ignored", CAP_STD, DEF_NOFE(WB), {},
	  { { .base = GB | UC,
	      .mask = (~(GB - 1)) | GV_MTRR_MASK_VALID } },
	  0, { { GB, UC }, { 2 * GB - 1, UC }, { 2 * GB, WB },
	       { 17 * GB, WB }, { END } },
	  { { GB, GB, UC }, { 0 } } },
	{ "mask_low_reserved_bits_ignored", CAP_STD, DEF_NOFE(WB), {},
	  { { .base = 2 * GB | UC | 0xf00,
	      .mask = (~(2 * MB - 1) & 0xfffffffffull) | 0xfff } },
	  0, { { 2 * GB, UC }, { 2 * GB + 2 * MB - 1, UC },
	       { 2 * GB + 2 * MB, WB }, { END } },
	  { { 2 * GB, 2 * MB, UC }, { 0 } } },
	{ "base_bits_outside_mask_ignored", CAP_STD, DEF_NOFE(WB), {},
	  { { .base = (GB + 0x123000) | WT,
	      .mask = (~(GB - 1) & 0xfffffffffull) | GV_MTRR_MASK_VALID } },
	  0, { { GB, WT }, { 2 * GB - 4 * KB, WT }, { END } },
	  { { GB, GB, WT }, { 0 } } },
	{ "mask_zero_matches_everything", CAP_STD, DEF_NOFE(WB), {},
	  { { .base = WT, .mask = GV_MTRR_MASK_VALID } },
	  0, { { 0, WT }, { 40 * GB, WT }, { END } },
	  { { 0, 64 * GB, WT }, { 0 } } },
	{ "smallest_range_4k", CAP_STD, DEF_NOFE(WB), {},
	  { VAR36(5 * GB + 0x7000, 4 * KB, UC) },
	  0, { { 5 * GB + 0x6fff, WB }, { 5 * GB + 0x7000, UC },
	       { 5 * GB + 0x7fff, UC }, { 5 * GB + 0x8000, WB }, { END } },
	  { { 5 * GB, GB, MIXED }, { 5 * GB + 0x7000, 4 * KB, UC },
	    { 5 * GB, 2 * MB, MIXED }, { 5 * GB + 0x8000, GB - 0x8000, WB },
	    { 0 } } },
	/* Non-contiguous mask 0xf_c000_1000: odd pages of [1G, 2G). */
	{ "mask_noncontiguous", CAP_STD, DEF_NOFE(WB), {},
	  { { .base = GB | 0x1000 | UC,
	      .mask = 0xfc0001000ull | GV_MTRR_MASK_VALID } },
	  0, { { GB, WB }, { GB + 0x1000, UC }, { GB + 0x2000, WB },
	       { GB + 0x3000, UC }, { 2 * GB + 0x1000, WB }, { END } },
	  { { GB, 4 * KB, WB }, { GB + 0x1000, 4 * KB, UC },
	    { GB, GB, MIXED }, { 2 * GB, GB, WB }, { 0 } } },
	{ "invalid_default_type_is_uc", CAP_STD, DEF_NOFE(2), {}, {},
	  0, { { MB, UC }, { 8 * GB, UC }, { END } },
	  { { 0, 64 * GB, UC }, { 0 } } },
	{ "invalid_var_type_is_uc", CAP_STD, DEF_NOFE(WB), {},
	  { VAR36(GB, GB, 7), VAR36(4 * GB, GB, 3), VAR36(8 * GB, GB, 0xff) },
	  0, { { GB, UC }, { 4 * GB, UC }, { 8 * GB, UC }, { 2 * GB, WB },
	       { END } },
	  { { GB, GB, UC }, { 0 } } },
	{ "invalid_fixed_type_is_uc", CAP_STD, DEF(WB),
	  { 0x0606060606060603ull, ALL8(WB), 0x0206060606060606ull },
	  {}, 0, { { 0, UC }, { 0x10000, WB }, { 0xbc000, UC },
		   { 0xb8000, WB }, { END } },
	  { { 0, 0x10000, UC }, { 0x10000, 0x70000, WB }, { 0 } } },
	{ "vars_beyond_vcnt_ignored", 2 | GV_MTRRCAP_FIX, DEF_NOFE(WB), {},
	  { VAR36(0, GB, WB), VAR36(0, GB, WB), VAR36(0, GB, UC) },
	  0, { { 0, WB }, { END } }, { { 0, GB, WB }, { 0 } } },
	{ "phys_bits_46", CAP_STD, DEF_NOFE(WB), {},
	  { VAR(64 * GB, 64 * GB, UC, 46) },
	  46, { { 64 * GB, UC }, { 128 * GB - 1, UC }, { 128 * GB, WB },
		{ (1ull << 46) - 1, WB }, { (1ull << 46), -GV_ERANGE },
		{ END } },
	  { { 0, 1ull << 46, MIXED }, { 64 * GB, 64 * GB, UC },
	    { 128 * GB, (1ull << 46) - 128 * GB, WB },
	    { 0, (1ull << 46) + 4 * KB, -GV_ERANGE }, { 0 } } },
	{ "beyond_maxphyaddr", CAP_STD, DEF_NOFE(WB), {}, {},
	  0, { { 64 * GB, -GV_ERANGE }, { ~0ull - 1, -GV_ERANGE }, { END } },
	  { { 64 * GB - 4 * KB, 8 * KB, -GV_ERANGE },
	    { 0, 0, 0 } } },
};

static void mtrr_case_desc(const struct mtrr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mtrr, mtrr_cases, mtrr_case_desc);

static void load_case(const struct mtrr_case *c, struct gv_mtrr_state *s)
{
	unsigned int i;

	memset(s, 0xa5, sizeof(*s));	/* init must clear everything */
	gv_mtrr_init(s, c->cap, c->phys_bits ? c->phys_bits : 36);
	s->def_type = c->def;
	for (i = 0; i < GV_MTRR_NR_FIXED; i++)
		s->fixed[i] = c->fixed[i];
	for (i = 0; i < ARRAY_SIZE(c->var); i++)
		s->var[i] = c->var[i];
}

static void mtrr_resolve(struct kunit *test)
{
	const struct mtrr_case *c = test->param_value;
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	const struct probe *p;
	const struct rprobe *r;

	KUNIT_ASSERT_NOT_NULL(test, s);
	load_case(c, s);
	for (p = c->p; p->pa != END; p++)
		KUNIT_EXPECT_EQ_MSG(test, gv_mtrr_type(s, p->pa), p->type,
				    "type of %#llx", p->pa);
	for (r = c->r; r->size; r++)
		KUNIT_EXPECT_EQ_MSG(test, gv_mtrr_range_type(s, r->start,
							     r->size),
				    r->type, "type of [%#llx, +%#llx)",
				    r->start, r->size);
}

/* ---- every boundary of the three fixed-range groups ---- */

static const struct {
	u64 start, unit;
	unsigned int units, first_msr;
} fixed_groups[] = {
	{ 0x00000, 64 * KB, 8, 0 },	/* FIX64K_00000 */
	{ 0x80000, 16 * KB, 16, 1 },	/* FIX16K_80000, FIX16K_A0000 */
	{ 0xc0000, 4 * KB, 64, 3 },	/* FIX4K_C0000 .. FIX4K_F8000 */
};

static const u8 five_types[] = { UC, WC, WT, WP, WB };

static u8 unit_type(unsigned int n)
{
	return five_types[(n * 3 + n / 5) % 5];
}

static void fixed_boundaries(struct kunit *test)
{
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int g, u, n = 0, checked = 0;
	u64 prev_end = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(s, CAP_STD, 36), 0);
	/* A variable range over the first MiB that FE must override. */
	KUNIT_ASSERT_EQ(test, gv_mtrr_set_msr(s, 0x200, UC), 0);
	KUNIT_ASSERT_EQ(test, gv_mtrr_set_msr(s, 0x201, MASK36(MB)), 0);
	/* Unit n of all 88 gets unit_type(n), through the MSR writer. */
	for (g = 0; g < ARRAY_SIZE(fixed_groups); g++) {
		for (u = 0; u < fixed_groups[g].units; u += 8) {
			static const u32 msrs[] = { 0x250, 0x258, 0x259, 0x268,
				0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f };
			unsigned int m = fixed_groups[g].first_msr + u / 8, b;
			u64 v = 0;

			for (b = 0; b < 8; b++)
				v |= (u64)unit_type(n + u + b) << (8 * b);
			KUNIT_ASSERT_EQ(test, gv_mtrr_set_msr(s, msrs[m], v), 0);
		}
		n += fixed_groups[g].units;
	}
	KUNIT_ASSERT_EQ(test, gv_mtrr_set_msr(s, GV_MSR_MTRR_DEF_TYPE,
					      DEF(WB)), 0);

	n = 0;
	for (g = 0; g < ARRAY_SIZE(fixed_groups); g++) {
		for (u = 0; u < fixed_groups[g].units; u++, n++) {
			u64 first = fixed_groups[g].start +
				    u * fixed_groups[g].unit;
			u64 unit = fixed_groups[g].unit;
			u64 last = first + unit - 1;
			u8 t = unit_type(n);

			KUNIT_EXPECT_EQ(test, first, prev_end);
			KUNIT_EXPECT_EQ_MSG(test, gv_mtrr_type(s, first), t,
					    "first byte of unit %u", n);
			KUNIT_EXPECT_EQ_MSG(test, gv_mtrr_type(s, last), t,
					    "last byte of unit %u", n);
			KUNIT_EXPECT_EQ_MSG(test,
					    gv_mtrr_range_type(s, first, unit),
					    t, "unit %u as a range", n);
			if (n + 1 < 88 && unit_type(n + 1) != t) {
				int across = gv_mtrr_range_type(s, last + 1 -
								4 * KB, 8 * KB);

				KUNIT_EXPECT_EQ_MSG(test, across, MIXED,
						    "across the end of unit %u",
						    n);
			}
			prev_end = last + 1;
			checked++;
		}
	}
	KUNIT_EXPECT_EQ(test, checked, 88u);
	KUNIT_EXPECT_EQ(test, prev_end, MB);
	/*
	 * Above the fixed area: the variable range (UC over the first MiB
	 * only), then the default.
	 */
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, MB), WB);
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, MB - 1), unit_type(87));
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, MB, GB - MB), WB);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, MB - 4 * KB, 8 * KB),
			unit_type(87) == WB ? WB : MIXED);
	/* FE off: the variable range applies below 1 MiB. */
	KUNIT_ASSERT_EQ(test, gv_mtrr_set_msr(s, GV_MSR_MTRR_DEF_TYPE,
					      DEF_NOFE(WB)), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, 0xc0000), UC);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, 0, MB), UC);
}

/* ---- range uniformity against a page-by-page reference ---- */

static u32 lcg(u32 *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void random_state(struct gv_mtrr_state *s, u32 *seed)
{
	unsigned int i, n = lcg(seed) % 7 + 1;

	gv_mtrr_init(s, n | GV_MTRRCAP_FIX | GV_MTRRCAP_WC, 32);
	s->def_type = DEF(five_types[lcg(seed) % 5]) |
		      (lcg(seed) % 4 ? 0 : GV_MTRR_DEF_FE);
	for (i = 0; i < GV_MTRR_NR_FIXED; i++)
		s->fixed[i] = ALL8(five_types[lcg(seed) % 5]);
	for (i = 0; i < n; i++) {
		/*
		 * Ranges of 4 KiB .. 1 MiB in the first 16 MiB; one in
		 * four with a non-contiguous mask (a hole bit).
		 */
		unsigned int order = 12 + lcg(seed) % 9;
		u64 size = 1ull << order;
		u64 mask = ~(size - 1) & 0xfffff000ull;

		if (lcg(seed) % 4 == 0)
			mask &= ~(1ull << (order + lcg(seed) % 4));
		s->var[i].base = ((u64)(lcg(seed) % 4096) << 12 & ~(size - 1)) |
				 five_types[lcg(seed) % 5];
		s->var[i].mask = mask | GV_MTRR_MASK_VALID;
	}
}

static int slow_range_type(const struct gv_mtrr_state *s, u64 start, u64 size)
{
	int t = gv_mtrr_type(s, start);
	u64 pa;

	for (pa = start; pa < start + size; pa += 4 * KB)
		if (gv_mtrr_type(s, pa) != t)
			return MIXED;
	return t;
}

static void range_matches_pages(struct kunit *test)
{
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int iter, probes = 0, mixed = 0;
	u32 seed = 0x5eed;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (iter = 0; iter < 100; iter++) {
		unsigned int j;

		random_state(s, &seed);
		for (j = 0; j < 40; j++) {
			u64 start = (u64)(lcg(&seed) % 4096) << 12;
			u64 size = (u64)(lcg(&seed) % 512 + 1) << 12;
			int want, got;

			/* Often an aligned power-of-two block. */
			if (j % 2) {
				size = 1ull << (12 + lcg(&seed) % 10);
				start &= ~(size - 1);
			}
			want = slow_range_type(s, start, size);
			got = gv_mtrr_range_type(s, start, size);
			KUNIT_EXPECT_EQ_MSG(test, got, want,
					    "iter %u [%#llx, +%#llx)", iter,
					    start, size);
			probes++;
			mixed += want == MIXED;
		}
	}
	/* The generator must produce both outcomes to mean anything. */
	KUNIT_EXPECT_GT(test, mixed, probes / 10);
	KUNIT_EXPECT_LT(test, mixed, probes - probes / 10);
}

/* ---- gv_mtrr_page_size ---- */

static void ps(struct kunit *test, const struct gv_mtrr_state *s, u64 addr,
	       u64 end, u64 max, u64 want_size, u8 want_type)
{
	u8 t = 0xee;

	KUNIT_EXPECT_EQ_MSG(test, gv_mtrr_page_size(s, addr, end, max, &t),
			    want_size, "page at %#llx", addr);
	KUNIT_EXPECT_EQ_MSG(test, t, want_size ? want_type : 0xee,
			    "type at %#llx", addr);
}

#define PS(...)	ps(test, s, __VA_ARGS__)

static void page_size(struct kunit *test)
{
	static const struct gv_mtrr_var vars[] = {
		VAR36(3 * GB, GB, UC),
		VAR36(5 * GB + 6 * MB, 2 * MB, WT),
		VAR36(6 * GB + 0x5000, 4 * KB, UC),
	};
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	gv_mtrr_init(s, CAP_STD, 36);
	s->def_type = DEF(WB);
	for (i = 0; i < GV_MTRR_NR_FIXED; i++)
		s->fixed[i] = ALL8(WB);
	s->fixed[2] = ALL8(UC);
	for (i = 0; i < ARRAY_SIZE(vars); i++)
		s->var[i] = vars[i];

	PS(0, 64 * GB, GV_PAGE_1G, GV_PAGE_4K, WB);	/* fixed ranges */
	PS(0xa0000, 64 * GB, GV_PAGE_1G, GV_PAGE_4K, UC);
	PS(2 * MB, 64 * GB, GV_PAGE_1G, GV_PAGE_2M, WB);
	PS(GB, 64 * GB, GV_PAGE_1G, GV_PAGE_1G, WB);
	PS(GB, 64 * GB, GV_PAGE_2M, GV_PAGE_2M, WB);	/* CPU: no 1G */
	PS(GB, 64 * GB, GV_PAGE_4K, GV_PAGE_4K, WB);
	PS(GB, GB + 2 * MB - 4 * KB, GV_PAGE_1G, GV_PAGE_4K, WB); /* end */
	PS(GB, GB + 2 * MB, GV_PAGE_1G, GV_PAGE_2M, WB);
	PS(GB + 4 * KB, 64 * GB, GV_PAGE_1G, GV_PAGE_4K, WB); /* alignment */
	PS(3 * GB, 64 * GB, GV_PAGE_1G, GV_PAGE_1G, UC);
	PS(5 * GB, 64 * GB, GV_PAGE_1G, GV_PAGE_2M, WB);
	PS(5 * GB + 6 * MB, 64 * GB, GV_PAGE_1G, GV_PAGE_2M, WT);
	PS(6 * GB, 64 * GB, GV_PAGE_1G, GV_PAGE_4K, WB);
	PS(6 * GB + 0x5000, 64 * GB, GV_PAGE_1G, GV_PAGE_4K, UC);
	PS(6 * GB + 2 * MB, 64 * GB, GV_PAGE_1G, GV_PAGE_2M, WB);
	PS(7 * GB, 64 * GB, GV_PAGE_1G, GV_PAGE_1G, WB);
	/* Refusals: misaligned, empty, no page size, beyond MAXPHYADDR. */
	PS(GB + 1, 64 * GB, GV_PAGE_1G, 0, 0);
	PS(GB, GB, GV_PAGE_1G, 0, 0);
	PS(GB, 64 * GB, 0, 0, 0);
	PS(64 * GB, 65 * GB, GV_PAGE_1G, 0, 0);
}

/* ---- the MSR writer ---- */

struct msr_case {
	const char *name;
	u32 msr;
	u64 value;
	int ret;
};

static const struct msr_case msr_cases[] = {
	{ "def_type_wb_e_fe", 0x2ff, DEF(WB), 0 },
	{ "def_type_uc_disabled", 0x2ff, 0, 0 },
	{ "def_type_type_2", 0x2ff, DEF(2), -GV_EINVAL },
	{ "def_type_type_3", 0x2ff, DEF(3), -GV_EINVAL },
	{ "def_type_type_7", 0x2ff, DEF(7), -GV_EINVAL },
	{ "def_type_type_0x16", 0x2ff, DEF(0x16), -GV_EINVAL },
	{ "def_type_bit9_reserved", 0x2ff, DEF(WB) | BIT(9), -GV_EINVAL },
	{ "def_type_bit12_reserved", 0x2ff, DEF(WB) | BIT(12), -GV_EINVAL },
	{ "fix64k_valid", 0x250, 0x0604050401000606ull, 0 },
	{ "fix64k_byte7_type_2", 0x250, 0x0206060606060606ull, -GV_EINVAL },
	{ "fix16k_a0000_uc", 0x259, 0, 0 },
	{ "fix4k_f8000_wp", 0x26f, ALL8(WP), 0 },
	{ "fix4k_f8000_byte0_7", 0x26f, 0x0505050505050507ull, -GV_EINVAL },
	{ "fix4k_f0000_wb", 0x26e, ALL8(WB), 0 },
	{ "physbase0_wb", 0x200, 0x80000000ull | WB, 0 },
	{ "physbase0_type_3", 0x200, 0x80000000ull | 3, -GV_EINVAL },
	{ "physbase0_bit8_reserved", 0x200, 0x80000000ull | BIT(8) | WB,
	  -GV_EINVAL },
	{ "physbase0_above_maxphyaddr", 0x200, BIT_ULL(36) | WB, -GV_EINVAL },
	{ "physbase0_top_address_bit", 0x200, BIT_ULL(35) | WB, 0 },
	{ "physmask0_valid", 0x201, MASK36(GB), 0 },
	{ "physmask0_not_valid", 0x201, MASK36(GB) & ~GV_MTRR_MASK_VALID, 0 },
	{ "physmask0_low_bits_reserved", 0x201, MASK36(GB) | 1, -GV_EINVAL },
	{ "physmask0_above_maxphyaddr", 0x201, MASK36(GB) | BIT_ULL(40),
	  -GV_EINVAL },
	{ "physbase9_last_of_vcnt_10", 0x212, WT, 0 },
	{ "physmask9_last_of_vcnt_10", 0x213, MASK36(4 * KB), 0 },
	{ "physbase10_beyond_vcnt", 0x214, WB, -GV_ENOENT },
	{ "physmask39_beyond_vcnt", 0x24f, 0, -GV_ENOENT },
	{ "mtrrcap_read_only", 0xfe, 0, -GV_EPERM },
	{ "not_mtrr_pat", 0x277, 0x0007040600070406ull, -GV_ENOENT },
	{ "not_mtrr_0x251", 0x251, 0, -GV_ENOENT },
	{ "not_mtrr_0x267", 0x267, 0, -GV_ENOENT },
	{ "not_mtrr_0x270", 0x270, 0, -GV_ENOENT },
	{ "not_mtrr_0x2fe", 0x2fe, 0, -GV_ENOENT },
	{ "not_mtrr_0x1ff", 0x1ff, 0, -GV_ENOENT },
};

static void msr_case_desc(const struct msr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(msr, msr_cases, msr_case_desc);

static void set_msr(struct kunit *test)
{
	const struct msr_case *c = test->param_value;
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	u64 before = 0x1234, after = 0x5678;
	bool known;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(s, CAP_STD, 36), 0);
	known = gv_mtrr_get_msr(s, c->msr, &before) == 0;
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, c->msr, c->value), c->ret);
	KUNIT_EXPECT_EQ(test, gv_mtrr_is_msr(s, c->msr),
			c->ret != -GV_ENOENT && c->msr != 0xfe);
	if (!known)
		return;
	KUNIT_EXPECT_EQ(test, gv_mtrr_get_msr(s, c->msr, &after), 0);
	/* Accepted values read back; refused ones change nothing. */
	KUNIT_EXPECT_EQ(test, after, c->ret ? before : c->value);
}

static void msr_writer_misc(struct kunit *test)
{
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	u64 v;

	KUNIT_ASSERT_NOT_NULL(test, s);
	/* init: MAXPHYADDR and VCNT limits, state untouched on refusal. */
	KUNIT_EXPECT_EQ(test, gv_mtrr_init(s, 8, 31), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_init(s, 8, 53), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_init(s, 41, 36), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, s->phys_bits, 0u);
	KUNIT_EXPECT_EQ(test, gv_mtrr_init(s, 40, 52), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x24e, WB), 0);
	v = (~(GB - 1) & (BIT_ULL(52) - 1)) | GV_MTRR_MASK_VALID;
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x24f, v), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_get_msr(s, 0xfe, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 40ull);
	/* No FIX: fixed-range MSRs do not exist. */
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(s, 8 | GV_MTRRCAP_WC, 36), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x250, 0), -GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_mtrr_get_msr(s, 0x26f, &v), -GV_ENOENT);
	KUNIT_EXPECT_FALSE(test, gv_mtrr_is_msr(s, 0x259));
	/* No WC: a WC type is refused everywhere, other types are fine. */
	KUNIT_ASSERT_EQ(test, gv_mtrr_init(s, 8 | GV_MTRRCAP_FIX, 36), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x2ff, DEF(WC)), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x200, WC), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x268, (ALL8(WB) & ~0xffull) |
					      WC), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x268, ALL8(WT)), 0);
	/* A write updates the resolution at once. */
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x2ff, DEF(WB)), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, 0xc0000), WT);
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, 2 * GB), WB);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x202, 2 * GB | UC), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, 2 * GB), WB);	/* not valid */
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x203, MASK36(2 * MB)), 0);
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, 2 * GB), UC);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, 2 * GB, GB), MIXED);
	KUNIT_EXPECT_EQ(test, gv_mtrr_set_msr(s, 0x2ff, 0), 0);	/* E = 0 */
	KUNIT_EXPECT_EQ(test, gv_mtrr_type(s, 4 * GB), UC);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, 0, 64 * GB), UC);
	/* Argument checks of the range function. */
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, 0, 0), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, 0x800, 4 * KB),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, 0, 0x800), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, ~0xfffull, 8 * KB),
			-GV_EINVAL);
}

/* 1 GiB and whole-address-space ranges resolve without walking pages. */
static void range_large_is_cheap(struct kunit *test)
{
	struct gv_mtrr_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int i;
	u64 t0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	gv_mtrr_init(s, 10 | GV_MTRRCAP_FIX, 52);
	s->def_type = DEF_NOFE(WB);
	for (i = 0; i < 10; i++) {
		s->var[i].base = ((u64)(i + 1) << 40) | UC;
		s->var[i].mask = (~(GB - 1) & (BIT_ULL(52) - 1)) |
				 GV_MTRR_MASK_VALID;
	}
	t0 = ktime_get_ns();
	for (i = 0; i < 1000; i++) {
		KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, (u64)i * GB, GB),
				WB);
		KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, BIT_ULL(40),
							 BIT_ULL(40)), MIXED);
	}
	KUNIT_EXPECT_EQ(test, gv_mtrr_range_type(s, BIT_ULL(44), BIT_ULL(51)),
			WB);
	/*
	 * 2000 queries over 2^30..2^40 bytes: page walking would take
	 * minutes; a second is very generous even under TCG.
	 */
	KUNIT_EXPECT_LT(test, ktime_get_ns() - t0, 1000000000ull);
}

static struct kunit_case gv_ept_mtrr_cases[] = {
	KUNIT_CASE_PARAM(mtrr_resolve, mtrr_gen_params),
	KUNIT_CASE(fixed_boundaries),
	KUNIT_CASE(range_matches_pages),
	KUNIT_CASE(page_size),
	KUNIT_CASE_PARAM(set_msr, msr_gen_params),
	KUNIT_CASE(msr_writer_misc),
	KUNIT_CASE(range_large_is_cheap),
	{}
};

struct kunit_suite gv_ept_mtrr_suite = {
	.name = "gv_ept_mtrr",
	.test_cases = gv_ept_mtrr_cases,
};
