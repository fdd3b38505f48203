/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MTRR resolution (SDM Vol. 3A, 11.11): the memory type the MTRRs give a
 * physical address or a range, from the raw MSR values. Pure root-side
 * logic: no Linux symbol, no hardware access. The hypervisor fills a
 * struct gv_mtrr_state at launch (gv_mtrr_init() and gv_mtrr_set_msr() with
 * the values read by RDMSR) and updates it when the rich OS writes an MTRR;
 * the EPT builder (ept_table.h) asks it which memory type and which page
 * size each part of the identity view gets.
 */
#ifndef GV_EPT_MTRR_H
#define GV_EPT_MTRR_H

#include <linux/bits.h>
#include "../hvcore/hv_types.h"

/* Memory type encodings (SDM Vol. 3A, Table 11-8; EPT uses the same). */
#define GV_MT_UC		0
#define GV_MT_WC		1
#define GV_MT_WT		4
#define GV_MT_WP		5
#define GV_MT_WB		6
/* Returned by gv_mtrr_range_type() when a range has more than one type. */
#define GV_MT_MIXED		0xff

/* MSR indices. */
#define GV_MSR_MTRRCAP		0x0fe
#define GV_MSR_MTRR_PHYSBASE0	0x200	/* PHYSBASEn = 0x200 + 2n */
#define GV_MSR_MTRR_PHYSMASK0	0x201	/* PHYSMASKn = 0x201 + 2n */
#define GV_MSR_MTRR_FIX64K_00000 0x250
#define GV_MSR_MTRR_FIX16K_80000 0x258
#define GV_MSR_MTRR_FIX16K_A0000 0x259
#define GV_MSR_MTRR_FIX4K_C0000	0x268	/* ... FIX4K_F8000 = 0x26f */
#define GV_MSR_MTRR_DEF_TYPE	0x2ff

/* IA32_MTRRCAP fields. */
#define GV_MTRRCAP_VCNT		0xffull
#define GV_MTRRCAP_FIX		BIT_ULL(8)
#define GV_MTRRCAP_WC		BIT_ULL(10)
#define GV_MTRRCAP_SMRR		BIT_ULL(11)

/* IA32_MTRR_DEF_TYPE fields. */
#define GV_MTRR_DEF_TYPE_MASK	0xffull
#define GV_MTRR_DEF_FE		BIT_ULL(10)
#define GV_MTRR_DEF_E		BIT_ULL(11)

/* IA32_MTRR_PHYSBASEn / PHYSMASKn fields (address bits are 12..MAXPHYADDR-1). */
#define GV_MTRR_BASE_TYPE_MASK	0xffull
#define GV_MTRR_MASK_VALID	BIT_ULL(11)

/* Number of fixed-range MSRs: FIX64K_00000, FIX16K_80000/A0000, FIX4K_*. */
#define GV_MTRR_NR_FIXED	11
/* End of the fixed-range area: 1 MiB. */
#define GV_MTRR_FIXED_END	0x100000ull

/*
 * The MSR map has room for at most 40 variable-range pairs (0x200-0x24f,
 * FIX64K_00000 is 0x250). IA32_MTRRCAP.VCNT may not exceed this.
 */
#define GV_MTRR_MAX_VAR		40

#define GV_MTRR_MIN_PHYS_BITS	32
#define GV_MTRR_MAX_PHYS_BITS	52

/**
 * struct gv_mtrr_var - one variable-range pair, raw MSR values.
 * @base: IA32_MTRR_PHYSBASEn (type in bits 7:0, base in 12..MAXPHYADDR-1).
 * @mask: IA32_MTRR_PHYSMASKn (valid in bit 11, mask in 12..MAXPHYADDR-1).
 */
struct gv_mtrr_var {
	u64 base;
	u64 mask;
};

/**
 * struct gv_mtrr_state - the MTRR MSRs of a CPU, raw values.
 * @cap:        IA32_MTRRCAP (VCNT, FIX, WC).
 * @def_type:   IA32_MTRR_DEF_TYPE (E, FE, default type).
 * @fixed:      the fixed-range MSRs in this order: FIX64K_00000,
 *              FIX16K_80000, FIX16K_A0000, FIX4K_C0000 .. FIX4K_F8000; each
 *              holds eight one-byte types, the lowest byte for the lowest
 *              addresses.
 * @var:        variable-range pairs; only the first VCNT are used.
 * @phys_bits:  MAXPHYADDR (CPUID 0x80000008 EAX[7:0]), 32..52.
 *
 * The fields may be filled directly (tests do), but gv_mtrr_set_msr()
 * refuses values the CPU would refuse. The resolution functions accept any
 * contents: a reserved or undefined memory type encoding (2, 3, 7 and up)
 * in any field resolves as UC, the safe choice, and reserved bits are
 * ignored.
 */
struct gv_mtrr_state {
	u64 cap;
	u64 def_type;
	u64 fixed[GV_MTRR_NR_FIXED];
	struct gv_mtrr_var var[GV_MTRR_MAX_VAR];
	unsigned int phys_bits;
};

/**
 * gv_mtrr_init - start a state with MTRRs disabled (UC everywhere).
 * @s:         the state.
 * @cap:       IA32_MTRRCAP as read from the CPU (it is read-only).
 * @phys_bits: MAXPHYADDR as CPUID 0x80000008 EAX[7:0] reports it: not
 *             the EPT width (which stops at 48) and not Linux's
 *             x86_phys_bits when TME-MK key-ID bits reduce it, or the
 *             CPU's PHYSMASK values will be refused as reserved bits.
 *
 * Every other MSR reads 0 afterwards; the caller then loads the CPU's values
 * with gv_mtrr_set_msr().
 *
 * Return: 0; -GV_EINVAL when @phys_bits is outside 32..52 or VCNT exceeds
 * GV_MTRR_MAX_VAR (@s is then left unchanged).
 */
int gv_mtrr_init(struct gv_mtrr_state *s, u64 cap, unsigned int phys_bits);

/**
 * gv_mtrr_is_msr - is @msr an MTRR MSR that gv_mtrr_set_msr() accepts
 * on this CPU (DEF_TYPE, a fixed-range MSR when FIX is set, PHYSBASEn or
 * PHYSMASKn for n < VCNT)? IA32_MTRRCAP is not: it is read-only.
 */
bool gv_mtrr_is_msr(const struct gv_mtrr_state *s, u32 msr);

/**
 * gv_mtrr_set_msr - record a write to an MTRR MSR.
 * @s:     the state.
 * @msr:   MSR index.
 * @value: the value written.
 *
 * Checks @value as the CPU's WRMSR would (SDM Vol. 3A, 11.11): a memory
 * type must be UC, WC (only when IA32_MTRRCAP.WC is set), WT, WP or WB;
 * reserved bits (DEF_TYPE bits 63:12 and 9:8, PHYSBASE bits 11:8, PHYSMASK
 * bits 10:0, address bits at or above MAXPHYADDR) must be 0. A refused write
 * changes nothing; the hypervisor injects #GP as the CPU would.
 *
 * Return: 0; -GV_ENOENT when @msr is not an MTRR MSR of this CPU (see
 * gv_mtrr_is_msr()); -GV_EPERM for IA32_MTRRCAP; -GV_EINVAL when the CPU
 * would raise #GP for @value.
 */
int gv_mtrr_set_msr(struct gv_mtrr_state *s, u32 msr, u64 value);

/**
 * gv_mtrr_get_msr - read back an MTRR MSR (IA32_MTRRCAP included).
 *
 * Return: 0 and *@value; -GV_ENOENT as for gv_mtrr_set_msr().
 */
int gv_mtrr_get_msr(const struct gv_mtrr_state *s, u32 msr, u64 *value);

/**
 * gv_mtrr_type - memory type of one physical address.
 * @s:  the state.
 * @pa: physical address, below 2^MAXPHYADDR.
 *
 * Precedence (SDM Vol. 3A, 11.11.4.1): MTRRs disabled (E = 0): UC. Below
 * 1 MiB with FE = 1 and IA32_MTRRCAP.FIX = 1: the fixed range. Otherwise
 * the variable ranges that match (PA & mask == base & mask): none, the
 * default type; one, its type; several of the same type, that type; any
 * UC, UC; only WT and WB, WT. Any other overlap is undefined by the SDM and
 * resolves as UC (the type that can never be wrong for MMIO and is merely
 * slow for RAM).
 *
 * Return: the type (GV_MT_*), or -GV_ERANGE when @pa is beyond MAXPHYADDR or
 * MAXPHYADDR is invalid.
 */
int gv_mtrr_type(const struct gv_mtrr_state *s, u64 pa);

/**
 * gv_mtrr_range_type - memory type of [@start, @start + @size).
 * @s:     the state.
 * @start: first byte, 4 KiB aligned.
 * @size:  length in bytes, 4 KiB aligned, not 0; the range must end at or
 *         below 2^MAXPHYADDR.
 *
 * Reasons over the variable ranges as aligned blocks rather than over pages:
 * a range that no variable range partly covers costs one pass over the
 * variable ranges, whatever its size; a block partly covered is halved until
 * each half is uniform or a second type is found. (Non-contiguous masks are
 * resolved exactly too, at a cost that grows with how finely they
 * interleave.) Below 1 MiB the fixed-range units (at most 88) are visited.
 *
 * Return: the type shared by every byte of the range, GV_MT_MIXED when it
 * has more than one, -GV_EINVAL for a misaligned or empty range, -GV_ERANGE
 * for a range beyond MAXPHYADDR.
 */
int gv_mtrr_range_type(const struct gv_mtrr_state *s, u64 start, u64 size);

/* Page sizes the EPT builder chooses from. */
#define GV_PAGE_4K		0x1000ull
#define GV_PAGE_2M		0x200000ull
#define GV_PAGE_1G		0x40000000ull

/**
 * gv_mtrr_page_size - largest page usable at @addr for an identity map.
 * @s:        the state.
 * @addr:     the address to map, 4 KiB aligned.
 * @end:      end of the range being mapped (exclusive), above @addr.
 * @max_size: largest page size allowed (GV_PAGE_1G, GV_PAGE_2M or
 *            GV_PAGE_4K: what the CPU's EPT supports).
 * @type:     set to the memory type of the chosen page.
 *
 * Chooses the largest of 1 GiB, 2 MiB and 4 KiB that is at most @max_size,
 * to which @addr is aligned, that ends at or before @end and over which the
 * MTRR type is uniform.
 *
 * Return: the page size; 0 (and *@type untouched) for invalid arguments
 * (misaligned @addr, @end <= @addr, @max_size below 4 KiB, beyond
 * MAXPHYADDR).
 */
u64 gv_mtrr_page_size(const struct gv_mtrr_state *s, u64 addr, u64 end,
		      u64 max_size, u8 *type);

/**
 * gv_mtrr_type_valid - is @type a defined memory type (UC, WC, WT, WP, WB)?
 */
bool gv_mtrr_type_valid(u64 type);

#endif /* GV_EPT_MTRR_H */
