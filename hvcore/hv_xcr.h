/* SPDX-License-Identifier: GPL-2.0 */
/* XSETBV emulation checks (pure logic). */
#ifndef GV_HV_XCR_H
#define GV_HV_XCR_H

#include "hv_types.h"

#define GV_XFEATURE_X87		BIT_ULL(0)
#define GV_XFEATURE_SSE		BIT_ULL(1)
#define GV_XFEATURE_YMM		BIT_ULL(2)
#define GV_XFEATURE_BNDREGS	BIT_ULL(3)
#define GV_XFEATURE_BNDCSR	BIT_ULL(4)
#define GV_XFEATURE_AVX512	(7ull << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */
#define GV_XFEATURE_AMX		(3ull << 17)	/* XTILECFG, XTILEDATA */

/*
 * gv_xsetbv_valid - would XSETBV(@index, @value) succeed on hardware whose
 * CPUID.(EAX=0DH,ECX=0):EDX:EAX is @supported? Mirrors the #GP conditions
 * of XSETBV (SDM Vol. 2D, XSETBV; Vol. 1, 13.3).
 */
bool gv_xsetbv_valid(u32 index, u64 value, u64 supported);

#endif /* GV_HV_XCR_H */
