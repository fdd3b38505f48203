// SPDX-License-Identifier: GPL-2.0
/* Pool page allocator (see hv_palloc.h). Root-side, freestanding. */
#include "hv_palloc.h"
#include "hv_root.h"
#include "../uapi/linux/greenvisor.h"

static bool page_used(const struct gv_palloc *p, u32 i)
{
	return p->bitmap[i / 64] & BIT_ULL(i % 64);
}

static void mark(struct gv_palloc *p, u32 i, bool used)
{
	if (used)
		p->bitmap[i / 64] |= BIT_ULL(i % 64);
	else
		p->bitmap[i / 64] &= ~BIT_ULL(i % 64);
}

int gv_palloc_init(struct gv_palloc *p, void *va, u64 pa, u32 nr_pages)
{
	u32 bitmap_pages = (nr_pages / 8 + GV_PAGE_SIZE - 1) / GV_PAGE_SIZE;
	u32 i;

	if (!nr_pages || bitmap_pages >= nr_pages || (pa & (GV_PAGE_SIZE - 1)))
		return -GV_EINVAL;
	p->lock.locked = 0;
	p->base_va = va;
	p->base_pa = pa;
	p->nr_pages = nr_pages;
	p->bitmap = va;
	gv_memset(p->bitmap, 0, (size_t)bitmap_pages * GV_PAGE_SIZE);
	for (i = 0; i < bitmap_pages; i++)
		mark(p, i, true);
	p->nr_free = nr_pages - bitmap_pages;
	p->first = bitmap_pages;
	p->next = bitmap_pages;
	return 0;
}

static s64 find_free(const struct gv_palloc *p)
{
	u32 n, i;

	for (n = 0; n < p->nr_pages; n++) {
		i = (p->next + n) % p->nr_pages;
		if (!page_used(p, i))
			return i;
	}
	return -1;
}

void *gv_palloc_alloc(struct gv_palloc *p, u64 *pa)
{
	void *va = NULL;
	s64 i;

	gv_spin_lock(&p->lock);
	i = p->nr_free ? find_free(p) : -1;
	if (i >= 0) {
		mark(p, (u32)i, true);
		p->nr_free--;
		p->next = (u32)i + 1;
		va = p->base_va + (u64)i * GV_PAGE_SIZE;
		*pa = p->base_pa + (u64)i * GV_PAGE_SIZE;
	}
	gv_spin_unlock(&p->lock);
	if (va)
		gv_memset(va, 0, GV_PAGE_SIZE);
	return va;
}

void gv_palloc_free(struct gv_palloc *p, void *va)
{
	u64 off = (u8 *)va - p->base_va;
	u32 i = (u32)(off / GV_PAGE_SIZE);

	if ((u8 *)va < p->base_va || i >= p->nr_pages || (off % GV_PAGE_SIZE))
		return;
	gv_spin_lock(&p->lock);
	if (i >= p->first && page_used(p, i)) {
		mark(p, i, false);
		p->nr_free++;
	}
	gv_spin_unlock(&p->lock);
}

void *gv_palloc_va(const struct gv_palloc *p, u64 pa)
{
	if (pa < p->base_pa || pa - p->base_pa >= (u64)p->nr_pages * GV_PAGE_SIZE)
		return NULL;
	return p->base_va + (pa - p->base_pa);
}

void *gv_palloc_ept_alloc(void *ctx, u64 *pa)
{
	return gv_palloc_alloc(ctx, pa);
}

void gv_palloc_ept_free(void *ctx, void *va, u64 pa)
{
	gv_palloc_free(ctx, va);
}

void *gv_palloc_ept_va(void *ctx, u64 pa)
{
	return gv_palloc_va(ctx, pa);
}
