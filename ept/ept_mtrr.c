// SPDX-License-Identifier: GPL-2.0
/*
 * MTRR resolution (SDM Vol. 3A, 11.11). Root-side and freestanding; also
 * linked into the KUnit suites. See ept_mtrr.h and docs/ept.md.
 */
#include "ept_mtrr.h"
#include "../uapi/linux/greenvisor.h"

#define PAGE_SHIFT_4K		12
#define FIX64K_END		0x80000ull
#define FIX16K_END		0xc0000ull

bool gv_mtrr_type_valid(u64 type)
{
	return type == GV_MT_UC || type == GV_MT_WC || type == GV_MT_WT ||
	       type == GV_MT_WP || type == GV_MT_WB;
}

/* A field's type as the resolution uses it: undefined encodings are UC. */
static unsigned int mtrr_sane(u64 type)
{
	return gv_mtrr_type_valid(type) ? (unsigned int)type : GV_MT_UC;
}

static bool phys_bits_ok(unsigned int bits)
{
	return bits >= GV_MTRR_MIN_PHYS_BITS && bits <= GV_MTRR_MAX_PHYS_BITS;
}

/* Address bits 12..MAXPHYADDR-1. */
static u64 addr_mask(const struct gv_mtrr_state *s)
{
	return ((1ull << s->phys_bits) - 1) & ~((1ull << PAGE_SHIFT_4K) - 1);
}

static unsigned int nr_var(const struct gv_mtrr_state *s)
{
	unsigned int n = s->cap & GV_MTRRCAP_VCNT;

	return n < GV_MTRR_MAX_VAR ? n : GV_MTRR_MAX_VAR;
}

static bool mtrr_enabled(const struct gv_mtrr_state *s)
{
	return s->def_type & GV_MTRR_DEF_E;
}

static bool fixed_enabled(const struct gv_mtrr_state *s)
{
	return mtrr_enabled(s) && (s->def_type & GV_MTRR_DEF_FE) &&
	       (s->cap & GV_MTRRCAP_FIX);
}

int gv_mtrr_init(struct gv_mtrr_state *s, u64 cap, unsigned int phys_bits)
{
	unsigned int i;

	if (!phys_bits_ok(phys_bits) ||
	    (cap & GV_MTRRCAP_VCNT) > GV_MTRR_MAX_VAR)
		return -GV_EINVAL;
	s->cap = cap;
	s->def_type = 0;
	for (i = 0; i < GV_MTRR_NR_FIXED; i++)
		s->fixed[i] = 0;
	for (i = 0; i < GV_MTRR_MAX_VAR; i++) {
		s->var[i].base = 0;
		s->var[i].mask = 0;
	}
	s->phys_bits = phys_bits;
	return 0;
}

/* Index into @fixed of a fixed-range MSR, or -1. */
static int fixed_index(u32 msr)
{
	if (msr == GV_MSR_MTRR_FIX64K_00000)
		return 0;
	if (msr == GV_MSR_MTRR_FIX16K_80000)
		return 1;
	if (msr == GV_MSR_MTRR_FIX16K_A0000)
		return 2;
	if (msr >= GV_MSR_MTRR_FIX4K_C0000 && msr <= GV_MSR_MTRR_FIX4K_C0000 + 7)
		return 3 + (int)(msr - GV_MSR_MTRR_FIX4K_C0000);
	return -1;
}

/* Variable-range pair of a PHYSBASEn/PHYSMASKn index, or -1. */
static int var_index(const struct gv_mtrr_state *s, u32 msr)
{
	u32 n;

	if (msr < GV_MSR_MTRR_PHYSBASE0 ||
	    msr >= GV_MSR_MTRR_PHYSBASE0 + 2 * GV_MTRR_MAX_VAR)
		return -1;
	n = (msr - GV_MSR_MTRR_PHYSBASE0) / 2;
	return n < nr_var(s) ? (int)n : -1;
}

bool gv_mtrr_is_msr(const struct gv_mtrr_state *s, u32 msr)
{
	if (msr == GV_MSR_MTRR_DEF_TYPE)
		return true;
	if (fixed_index(msr) >= 0)
		return s->cap & GV_MTRRCAP_FIX;
	return var_index(s, msr) >= 0;
}

/* A type a WRMSR accepts: defined, and WC only if the CPU has it. */
static bool type_writable(const struct gv_mtrr_state *s, u64 type)
{
	if (type == GV_MT_WC)
		return s->cap & GV_MTRRCAP_WC;
	return gv_mtrr_type_valid(type);
}

static bool value_ok(const struct gv_mtrr_state *s, u32 msr, u64 value)
{
	u64 am = addr_mask(s);
	unsigned int i;

	if (msr == GV_MSR_MTRR_DEF_TYPE)
		return !(value & ~(GV_MTRR_DEF_TYPE_MASK | GV_MTRR_DEF_FE |
				   GV_MTRR_DEF_E)) &&
		       type_writable(s, value & GV_MTRR_DEF_TYPE_MASK);
	if (fixed_index(msr) >= 0) {
		for (i = 0; i < 8; i++)
			if (!type_writable(s, (value >> (8 * i)) & 0xff))
				return false;
		return true;
	}
	if ((msr - GV_MSR_MTRR_PHYSBASE0) % 2 == 0)
		return !(value & ~(am | GV_MTRR_BASE_TYPE_MASK)) &&
		       type_writable(s, value & GV_MTRR_BASE_TYPE_MASK);
	return !(value & ~(am | GV_MTRR_MASK_VALID));
}

int gv_mtrr_set_msr(struct gv_mtrr_state *s, u32 msr, u64 value)
{
	int i;

	if (msr == GV_MSR_MTRRCAP)
		return -GV_EPERM;
	if (!phys_bits_ok(s->phys_bits) || !gv_mtrr_is_msr(s, msr))
		return -GV_ENOENT;
	if (!value_ok(s, msr, value))
		return -GV_EINVAL;
	if (msr == GV_MSR_MTRR_DEF_TYPE) {
		s->def_type = value;
		return 0;
	}
	i = fixed_index(msr);
	if (i >= 0) {
		s->fixed[i] = value;
		return 0;
	}
	i = var_index(s, msr);
	if ((msr - GV_MSR_MTRR_PHYSBASE0) % 2 == 0)
		s->var[i].base = value;
	else
		s->var[i].mask = value;
	return 0;
}

int gv_mtrr_get_msr(const struct gv_mtrr_state *s, u32 msr, u64 *value)
{
	int i;

	if (msr == GV_MSR_MTRRCAP) {
		*value = s->cap;
		return 0;
	}
	if (!gv_mtrr_is_msr(s, msr))
		return -GV_ENOENT;
	if (msr == GV_MSR_MTRR_DEF_TYPE) {
		*value = s->def_type;
		return 0;
	}
	i = fixed_index(msr);
	if (i >= 0) {
		*value = s->fixed[i];
		return 0;
	}
	i = var_index(s, msr);
	*value = (msr - GV_MSR_MTRR_PHYSBASE0) % 2 ? s->var[i].mask :
						    s->var[i].base;
	return 0;
}

/*
 * The fixed-range unit holding @pa (< 1 MiB): its type, and its first byte
 * and size in *@ustart and *@usize.
 */
static unsigned int fixed_unit(const struct gv_mtrr_state *s, u64 pa,
			       u64 *ustart, u64 *usize)
{
	unsigned int msr, unit;
	u64 first, size;

	if (pa < FIX64K_END) {
		first = 0;
		size = 0x10000;
		msr = 0;
	} else if (pa < FIX16K_END) {
		first = FIX64K_END;
		size = 0x4000;
		msr = 1;
	} else {
		first = FIX16K_END;
		size = 0x1000;
		msr = 3;
	}
	unit = (unsigned int)((pa - first) / size);
	*ustart = first + (u64)unit * size;
	*usize = size;
	return mtrr_sane((s->fixed[msr + unit / 8] >> (8 * (unit % 8))) & 0xff);
}

/*
 * Combine the types of the matching variable ranges, given as a bit set
 * (bit n: a range of type n matched), SDM Vol. 3A, 11.11.4.1.
 */
static unsigned int combine(const struct gv_mtrr_state *s, unsigned int set)
{
	if (!set)
		return mtrr_sane(s->def_type & GV_MTRR_DEF_TYPE_MASK);
	if (set & (1u << GV_MT_UC))
		return GV_MT_UC;
	if (set == ((1u << GV_MT_WT) | (1u << GV_MT_WB)))
		return GV_MT_WT;
	if (!(set & (set - 1)))
		return __builtin_ctz(set);
	return GV_MT_UC;	/* undefined overlap: UC (docs/ept.md) */
}

static bool var_valid(const struct gv_mtrr_state *s, unsigned int i)
{
	return s->var[i].mask & GV_MTRR_MASK_VALID;
}

static unsigned int var_type(const struct gv_mtrr_state *s, unsigned int i)
{
	return mtrr_sane(s->var[i].base & GV_MTRR_BASE_TYPE_MASK);
}

/* Type of @pa by the variable ranges (MTRRs enabled, fixed not applying). */
static unsigned int var_pa_type(const struct gv_mtrr_state *s, u64 pa)
{
	u64 am = addr_mask(s);
	unsigned int i, set = 0;

	for (i = 0; i < nr_var(s); i++) {
		u64 m = s->var[i].mask & am;

		if (var_valid(s, i) && (pa & m) == (s->var[i].base & m))
			set |= 1u << var_type(s, i);
	}
	return combine(s, set);
}

int gv_mtrr_type(const struct gv_mtrr_state *s, u64 pa)
{
	u64 us, usz;

	if (!phys_bits_ok(s->phys_bits) || pa >> s->phys_bits)
		return -GV_ERANGE;
	if (!mtrr_enabled(s))
		return GV_MT_UC;
	if (pa < GV_MTRR_FIXED_END && fixed_enabled(s))
		return fixed_unit(s, pa, &us, &usz);
	return var_pa_type(s, pa);
}

/*
 * Type of the aligned block [@base, @base + 2^@order), @order >= 12, by the
 * variable ranges. A range either matches the whole block (its mask has no
 * bit below @order), none of it (the bits at and above @order differ), or
 * part of it. With no partial match the answer is immediate; when every
 * subset of the partly matching types gives the same result it is that;
 * otherwise the halves are resolved. At 4 KiB no match can be partial.
 */
static unsigned int var_block_type(const struct gv_mtrr_state *s, u64 base,
				   unsigned int order)
{
	u64 am = addr_mask(s), low = (1ull << order) - 1;
	unsigned int i, full = 0, part = 0, t, sub, t1;

	for (i = 0; i < nr_var(s); i++) {
		u64 m = s->var[i].mask & am;

		if (!var_valid(s, i) ||
		    (base & m & ~low) != (s->var[i].base & m & ~low))
			continue;
		if (m & low)
			part |= 1u << var_type(s, i);
		else
			full |= 1u << var_type(s, i);
	}
	t = combine(s, full);
	for (sub = part; sub; sub = (sub - 1) & part)
		if (combine(s, full | sub) != t)
			break;
	if (!sub)
		return t;
	t1 = var_block_type(s, base, order - 1);
	if (t1 == GV_MT_MIXED)
		return GV_MT_MIXED;
	t = var_block_type(s, base + (1ull << (order - 1)), order - 1);
	return t == t1 ? t : GV_MT_MIXED;
}

/* Fold @t into the running result @acc (GV_MT_MIXED: none yet is ~0u). */
static unsigned int fold(unsigned int acc, unsigned int t)
{
	if (acc == ~0u)
		return t;
	return acc == t ? acc : GV_MT_MIXED;
}

/* Largest order with @start aligned and @start + 2^order <= @end. */
static unsigned int block_order(u64 start, u64 end)
{
	unsigned int order = start ? __builtin_ctzll(start) : 63;

	while (order > PAGE_SHIFT_4K && end - start < (1ull << order))
		order--;
	return order;
}

int gv_mtrr_range_type(const struct gv_mtrr_state *s, u64 start, u64 size)
{
	u64 end = start + size, us, usz;
	unsigned int acc = ~0u;

	if (!size || (start | size) & (GV_PAGE_4K - 1) || end < start)
		return -GV_EINVAL;
	if (!phys_bits_ok(s->phys_bits) || end > (1ull << s->phys_bits))
		return -GV_ERANGE;
	if (!mtrr_enabled(s))
		return GV_MT_UC;
	if (fixed_enabled(s)) {
		while (start < end && start < GV_MTRR_FIXED_END) {
			acc = fold(acc, fixed_unit(s, start, &us, &usz));
			if (acc == GV_MT_MIXED)
				return GV_MT_MIXED;
			start = us + usz;
		}
	}
	while (start < end) {
		unsigned int order = block_order(start, end);

		acc = fold(acc, var_block_type(s, start, order));
		if (acc == GV_MT_MIXED)
			return GV_MT_MIXED;
		start += 1ull << order;
	}
	return (int)acc;
}

u64 gv_mtrr_page_size(const struct gv_mtrr_state *s, u64 addr, u64 end,
		      u64 max_size, u8 *type)
{
	static const u64 sizes[] = { GV_PAGE_1G, GV_PAGE_2M, GV_PAGE_4K };
	unsigned int i;
	int t;

	if (addr & (GV_PAGE_4K - 1) || end <= addr || max_size < GV_PAGE_4K)
		return 0;
	for (i = 0; i < 3; i++) {
		u64 sz = sizes[i];

		if (sz > max_size || addr & (sz - 1) || end - addr < sz)
			continue;
		t = gv_mtrr_range_type(s, addr, sz);
		if (t < 0)
			return 0;
		if (t != GV_MT_MIXED) {
			*type = (u8)t;
			return sz;
		}
	}
	return 0;
}
