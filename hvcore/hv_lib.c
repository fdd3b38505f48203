// SPDX-License-Identifier: GPL-2.0
/*
 * Root-side memory helpers: the root side never calls Linux's. String
 * instructions (fast with ERMS, SDM Vol. 1, 7.3.9.3); DF is clear in root
 * mode (VM exit loads RFLAGS = 2, SDM 28.5.3).
 */
#include "hv_root.h"

void *gv_memset(void *dst, int c, size_t n)
{
	void *d = dst;

	if (!(((unsigned long)dst | n) & 7)) {
		u64 pattern = 0x0101010101010101ull * (u8)c;
		size_t q = n / 8;

		asm volatile("rep stosq"
			     : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
		return dst;
	}
	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *gv_memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}
