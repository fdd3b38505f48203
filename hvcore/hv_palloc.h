/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page allocator over one physically contiguous pool chunk (EPT tables and
 * other root-side pages that come and go after launch). The same code serves
 * the Linux side before launch and the root side after.
 */
#ifndef GV_HV_PALLOC_H
#define GV_HV_PALLOC_H

#include "hv_types.h"
#include "hv_lock.h"

/**
 * struct gv_palloc - the arena and its allocation bitmap (kept in the
 * arena's first pages).
 */
struct gv_palloc {
	struct gv_spinlock lock;
	u32 nr_pages;		/* pages in the arena, bitmap pages included */
	u32 nr_free;
	u32 first;		/* first allocatable page (after the bitmap) */
	u32 next;		/* where the next search starts */
	u64 base_pa;
	u8 *base_va;
	u64 *bitmap;		/* bit set: page in use */
};

/* Returns 0, or -GV_EINVAL if the arena cannot hold its own bitmap. */
int gv_palloc_init(struct gv_palloc *p, void *va, u64 pa, u32 nr_pages);
/* A zeroed page and its physical address, or NULL when the arena is full. */
void *gv_palloc_alloc(struct gv_palloc *p, u64 *pa);
/* Give a page back; pages outside the arena or already free are ignored. */
void gv_palloc_free(struct gv_palloc *p, void *va);
/* The arena address of @pa, or NULL when @pa is outside the arena. */
void *gv_palloc_va(const struct gv_palloc *p, u64 pa);

/* struct gv_ept_ops callbacks; ctx is the struct gv_palloc. */
void *gv_palloc_ept_alloc(void *ctx, u64 *pa);
void gv_palloc_ept_free(void *ctx, void *va, u64 pa);
void *gv_palloc_ept_va(void *ctx, u64 pa);

#endif /* GV_HV_PALLOC_H */
