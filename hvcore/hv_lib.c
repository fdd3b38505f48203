// SPDX-License-Identifier: GPL-2.0
/* Root-side memory helpers: the root side never calls Linux's. */
#include "hv_root.h"

void *gv_memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = (u8)c;
	return dst;
}

void *gv_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
