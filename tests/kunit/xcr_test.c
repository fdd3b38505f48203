// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_xcr: hvcore/hv_xcr.c, the #GP conditions of XSETBV
 * (SDM Vol. 2D, XSETBV; Vol. 1, 13.3) that greenvisor's XSETBV exit must
 * reproduce before it writes XCR0 on the guest's behalf.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../hvcore/hv_xcr.h"
#include "gv_kunit.h"

#define X87		GV_XFEATURE_X87
#define SSE		GV_XFEATURE_SSE
#define YMM		GV_XFEATURE_YMM
#define BNDREGS		GV_XFEATURE_BNDREGS
#define BNDCSR		GV_XFEATURE_BNDCSR
#define OPMASK		BIT_ULL(5)
#define ZMM_HI256	BIT_ULL(6)
#define HI16_ZMM	BIT_ULL(7)
#define AVX512		GV_XFEATURE_AVX512
#define PKRU		BIT_ULL(9)
#define XTILECFG	BIT_ULL(17)
#define XTILEDATA	BIT_ULL(18)
#define AMX		GV_XFEATURE_AMX

/* CPUID.(EAX=0DH,ECX=0):EDX:EAX of a few CPUs. */
#define SUP_HASWELL	(X87 | SSE | YMM)
#define SUP_SKYLAKE_X	(SUP_HASWELL | BNDREGS | BNDCSR | AVX512 | PKRU)
#define SUP_SPR		(SUP_HASWELL | AVX512 | PKRU | AMX)
#define SUP_ALL		(~0ull)		/* isolates the dependency rules */

/* A typical Linux XCR0 on each. */
#define LINUX_SKX	(X87 | SSE | YMM | AVX512 | PKRU)
#define LINUX_SPR	(LINUX_SKX | AMX)

struct xsetbv_case {
	const char *name;
	u32 index;
	u64 value, supported;
	bool valid;
};

static const struct xsetbv_case xsetbv_cases[] = {
	/* Valid combinations. */
	{ "x87_only", 0, X87, SUP_HASWELL, true },
	{ "x87_sse", 0, X87 | SSE, SUP_HASWELL, true },
	{ "haswell_avx", 0, SUP_HASWELL, SUP_HASWELL, true },
	{ "skylake_x_linux", 0, LINUX_SKX, SUP_SKYLAKE_X, true },
	{ "skylake_x_everything", 0, SUP_SKYLAKE_X, SUP_SKYLAKE_X, true },
	{ "skylake_x_mpx_without_avx", 0, X87 | SSE | BNDREGS | BNDCSR,
	  SUP_SKYLAKE_X, true },
	{ "spr_linux_with_amx", 0, LINUX_SPR, SUP_SPR, true },
	{ "spr_amx_without_avx512", 0, X87 | SSE | YMM | AMX, SUP_SPR, true },
	{ "x87_pkru", 0, X87 | PKRU, SUP_SKYLAKE_X, true },
	/* #GP: ECX is not 0 (XCR0 is the only writable XCR). */
	{ "index_1", 1, X87, SUP_ALL, false },
	{ "index_ffffffff", 0xffffffff, X87, SUP_ALL, false },
	{ "index_80000000", 0x80000000, SUP_HASWELL, SUP_ALL, false },
	/* #GP: x87 state cannot be disabled. */
	{ "zero", 0, 0, SUP_ALL, false },
	{ "sse_without_x87", 0, SSE, SUP_ALL, false },
	{ "avx_without_x87", 0, SSE | YMM, SUP_ALL, false },
	/* #GP: a bit that CPUID does not report. */
	{ "haswell_mpx", 0, SUP_HASWELL | BNDREGS | BNDCSR, SUP_HASWELL,
	  false },
	{ "haswell_avx512", 0, SUP_HASWELL | AVX512, SUP_HASWELL, false },
	{ "haswell_pkru", 0, SUP_HASWELL | PKRU, SUP_HASWELL, false },
	{ "skylake_x_amx", 0, LINUX_SKX | AMX, SUP_SKYLAKE_X, false },
	{ "spr_mpx", 0, LINUX_SPR | BNDREGS | BNDCSR, SUP_SPR, false },
	{ "bit63", 0, X87 | BIT_ULL(63), SUP_SKYLAKE_X, false },
	{ "x87_only_supported_sse", 0, X87 | SSE, X87, false },
	/* #GP: YMM (AVX) without SSE. */
	{ "ymm_without_sse", 0, X87 | YMM, SUP_ALL, false },
	/* #GP: BNDREGS and BNDCSR differ. */
	{ "bndregs_only", 0, X87 | SSE | BNDREGS, SUP_ALL, false },
	{ "bndcsr_only", 0, X87 | SSE | BNDCSR, SUP_ALL, false },
	{ "bnd_split_with_avx", 0, SUP_HASWELL | BNDCSR, SUP_ALL, false },
	/* #GP: AVX-512 state partly enabled. */
	{ "avx512_opmask_only", 0, SUP_HASWELL | OPMASK, SUP_ALL, false },
	{ "avx512_zmm_hi256_only", 0, SUP_HASWELL | ZMM_HI256, SUP_ALL,
	  false },
	{ "avx512_hi16_zmm_only", 0, SUP_HASWELL | HI16_ZMM, SUP_ALL, false },
	{ "avx512_without_opmask", 0, SUP_HASWELL | ZMM_HI256 | HI16_ZMM,
	  SUP_ALL, false },
	{ "avx512_without_hi16_zmm", 0, SUP_HASWELL | OPMASK | ZMM_HI256,
	  SUP_ALL, false },
	/* #GP: AVX-512 without YMM (and SSE). */
	{ "avx512_without_ymm", 0, X87 | SSE | AVX512, SUP_ALL, false },
	{ "avx512_without_ymm_sse", 0, X87 | AVX512, SUP_ALL, false },
	{ "avx512_ymm_without_sse", 0, X87 | YMM | AVX512, SUP_ALL, false },
	/* #GP: XTILECFG and XTILEDATA differ. */
	{ "amx_xtilecfg_only", 0, LINUX_SKX | XTILECFG, SUP_ALL, false },
	{ "amx_xtiledata_only", 0, LINUX_SKX | XTILEDATA, SUP_ALL, false },
	{ "spr_amx_split", 0, X87 | SSE | YMM | XTILEDATA, SUP_SPR, false },
};

static void xsetbv_desc(const struct xsetbv_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsetbv, xsetbv_cases, xsetbv_desc);

static void xsetbv_valid(struct kunit *test)
{
	const struct xsetbv_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test,
			    gv_xsetbv_valid(c->index, c->value, c->supported),
			    c->valid, "XSETBV(%#x, %#llx) with supported %#llx",
			    c->index, c->value, c->supported);
}

/*
 * A valid XCR0 stays valid on a CPU that supports more, and fails on one
 * that lacks any of its bits (here x87).
 */
static void xsetbv_supported_superset(struct kunit *test)
{
	const struct xsetbv_case *c;

	for (c = xsetbv_cases; c < xsetbv_cases + ARRAY_SIZE(xsetbv_cases);
	     c++) {
		if (!c->valid)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test,
				      gv_xsetbv_valid(0, c->value, SUP_ALL),
				      "%s", c->name);
		KUNIT_EXPECT_FALSE_MSG(test,
				       gv_xsetbv_valid(0, c->value,
						       c->value & ~X87),
				       "%s without x87 support", c->name);
	}
}

static struct kunit_case gv_xcr_cases[] = {
	KUNIT_CASE_PARAM(xsetbv_valid, xsetbv_gen_params),
	KUNIT_CASE(xsetbv_supported_superset),
	{}
};

struct kunit_suite gv_xcr_suite = {
	.name = "gv_xcr",
	.test_cases = gv_xcr_cases,
};
