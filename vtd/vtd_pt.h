/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d second-level page tables (Intel VT-d specification 3.x, 3.6 and
 * 9.8): the DMA address translation of one domain. Pure root-side logic:
 * tables come from the caller through struct gv_vtd_pt_ops (pool pages in
 * the hypervisor, pages of the Linux side before launch, kmalloc'd pages in
 * KUnit); nothing here touches a unit's registers. The caller puts
 * gv_vtd_pt_root_pa() and gv_vtd_pt_aw() in the context entries and runs
 * the IOTLB invalidation when gv_vtd_pt_flush_needed() says so. See
 * docs/vtd.md.
 *
 * Levels are numbered as in the specification's walk: 4 = SL-PML4,
 * 3 = SL-PDPT (1 GiB leaves), 2 = SL-PD (2 MiB leaves), 1 = SL-PT (4 KiB).
 * A 3-level table (39-bit AGAW, SAGAW bit 1) starts at the SL-PDPT, a
 * 4-level one (48-bit AGAW, SAGAW bit 2) at the SL-PML4.
 *
 * Locking is the caller's: one writer at a time per table. The unit may
 * walk concurrently: every entry changes by one 64-bit store, a new table
 * is complete (and flushed from the CPU caches) before it is linked.
 */
#ifndef GV_VTD_PT_H
#define GV_VTD_PT_H

#include "../hvcore/hv_types.h"

/* Permissions (entry bits 1:0). Write-only is allowed by VT-d. */
#define GV_VTD_R		BIT(0)
#define GV_VTD_W		BIT(1)
#define GV_VTD_RW		(GV_VTD_R | GV_VTD_W)

/* Entry bits (9.8, second-level paging entries). */
#define GV_VTD_PTE_R		BIT_ULL(0)
#define GV_VTD_PTE_W		BIT_ULL(1)
#define GV_VTD_PTE_PS		BIT_ULL(7)	/* leaf at level 2 or 3 */
#define GV_VTD_PTE_ADDR_MASK	0x000ffffffffff000ull	/* bits 51:12 */

/* Table flags: what the unit supports (CAP.SLLPS, bits 37:34). */
#define GV_VTD_PT_F_2M		BIT(0)	/* SLLPS bit 0: 2 MiB pages */
#define GV_VTD_PT_F_1G		BIT(1)	/* SLLPS bit 1: 1 GiB pages */
#define GV_VTD_PT_F_ALL		0x3u

/* Widths the two table depths cover (AGAW). */
#define GV_VTD_PT_BITS(levels)	(12 + 9 * (levels))	/* 39 or 48 */
/* Output (host-physical) addresses are bits 51:12. */
#define GV_VTD_PT_PA_BITS	52

/**
 * struct gv_vtd_pt_ops - where the tables come from (use designated
 * initializers: the order of the members is not part of the API).
 * @alloc_table: return a 4 KiB, 4 KiB-aligned page (contents need not be
 *               zero) and its physical address in *@pa, or NULL.
 * @free_table:  give back a page from @alloc_table.
 * @pa_to_va:    the address at which a table page can be accessed.
 * @flush_cache: may be NULL. Write back [@va, @va + @len) from the CPU
 *               caches to memory (clflush) so that a unit whose page walks
 *               do not snoop (ECAP.C = 0) sees it. Called after every store
 *               to an entry the unit may walk and for every new table
 *               before it is linked; @len is at most 4096 and the range
 *               never leaves one table page.
 * @ctx:         passed back to every callback.
 */
struct gv_vtd_pt_ops {
	void *(*alloc_table)(void *ctx, u64 *pa);
	void (*flush_cache)(void *ctx, const void *va, u64 len);
	void *(*pa_to_va)(void *ctx, u64 pa);
	void (*free_table)(void *ctx, void *va, u64 pa);
	void *ctx;
};

/**
 * struct gv_vtd_pt_stats - what a table set uses.
 * @leaves:       mapped leaves by level: [1] 4 KiB, [2] 2 MiB, [3] 1 GiB
 *                ([0] is unused).
 * @tables:       table pages linked in, the root included.
 * @pending_free: pages unlinked but not yet given back (freed by
 *                gv_vtd_pt_flush_done(), after the IOTLB invalidation).
 */
struct gv_vtd_pt_stats {
	u64 leaves[4];
	u64 tables;
	u64 pending_free;
};

/**
 * struct gv_vtd_pt - one domain's second-level tables. Treat as opaque.
 */
struct gv_vtd_pt {
	struct gv_vtd_pt_ops ops;
	u64 *root;
	u64 root_pa;
	unsigned int levels;
	unsigned int flags;
	bool flush;
	u64 flush_start;	/* first byte whose translation changed */
	u64 flush_end;		/* last byte (inclusive) */
	u64 free_list;		/* pa of the first deferred table | BIT(11) */
	struct gv_vtd_pt_stats stats;
};

/**
 * struct gv_vtd_pt_leaf - one leaf entry, decoded.
 * @iova:  first DMA address the leaf maps.
 * @pa:    host-physical address of @iova.
 * @size:  bytes mapped (4 KiB, 2 MiB or 1 GiB).
 * @level: 1, 2 or 3.
 * @perm:  GV_VTD_R / GV_VTD_W.
 * @entry: the raw entry.
 */
struct gv_vtd_pt_leaf {
	u64 iova;
	u64 pa;
	u64 size;
	unsigned int level;
	unsigned int perm;
	u64 entry;
};

/**
 * struct gv_vtd_range - a physical range [@start, @start + @size).
 */
struct gv_vtd_range {
	u64 start;
	u64 size;
};

/**
 * gv_vtd_pt_levels_from_cap - the table depth to use with a unit: 4 when
 * CAP.SAGAW (bits 12:8) has bit 2 (48-bit AGAW), else 3 when it has bit 1
 * (39-bit), else -GV_ENOSYS (5-level only, or nothing greenvisor supports).
 */
int gv_vtd_pt_levels_from_cap(u64 cap);

/**
 * gv_vtd_pt_flags_from_cap - GV_VTD_PT_F_* from CAP.SLLPS.
 */
unsigned int gv_vtd_pt_flags_from_cap(u64 cap);

/**
 * gv_vtd_pt_init - create an empty table set (a zeroed root).
 * @pt:     the table set.
 * @ops:    memory callbacks (copied).
 * @levels: 3 or 4.
 * @flags:  GV_VTD_PT_F_*.
 *
 * Return: 0; -GV_EINVAL for bad arguments; -GV_ENOSPC when no root page
 * could be allocated. @pt is usable only after success.
 */
int gv_vtd_pt_init(struct gv_vtd_pt *pt, const struct gv_vtd_pt_ops *ops,
		   unsigned int levels, unsigned int flags);

/**
 * gv_vtd_pt_destroy - free every table, deferred ones included, at once.
 * No context entry may point at the table set any more and the unit's
 * caches must have been invalidated.
 */
void gv_vtd_pt_destroy(struct gv_vtd_pt *pt);

/** gv_vtd_pt_root_pa - the physical address of the root table. */
u64 gv_vtd_pt_root_pa(const struct gv_vtd_pt *pt);

/**
 * gv_vtd_pt_aw - the context entry's Address Width field for this table
 * set (9.3): 1 for 3 levels (39 bits), 2 for 4 levels (48 bits).
 */
unsigned int gv_vtd_pt_aw(const struct gv_vtd_pt *pt);

/**
 * gv_vtd_pt_map - map [@iova, @iova + @size) to [@pa, @pa + @size).
 * @perm: GV_VTD_R and/or GV_VTD_W (not 0).
 *
 * All three 4 KiB aligned, @size > 0, the range below
 * 2^GV_VTD_PT_BITS(levels), @pa + @size <= 2^52. Each step uses the
 * largest page (1 GiB, 2 MiB, 4 KiB) that the flags allow, to which both
 * addresses are aligned, that fits in the range, and whose slot is empty
 * (a table left there by an earlier mapping is used, not replaced).
 * Every table needed is allocated before anything changes.
 *
 * Return: 0; -GV_EINVAL (alignment, size, permissions); -GV_ERANGE (beyond
 * the width); -GV_EBUSY (part of the range is already mapped; nothing
 * changed); -GV_ENOSPC (nothing changed).
 */
int gv_vtd_pt_map(struct gv_vtd_pt *pt, u64 iova, u64 pa, u64 size,
		  unsigned int perm);

/**
 * gv_vtd_pt_unmap - unmap [@iova, @iova + @size) (pages not mapped are
 * fine). A large leaf the range covers only partly is split first (into
 * 2 MiB or 4 KiB leaves as the edges require); tables left empty are
 * unlinked and freed after the next gv_vtd_pt_flush_done(). Marks the
 * flush needed when anything was mapped there. All-or-nothing: the tables
 * the splits need (at most 2 per edge) are allocated first.
 *
 * Return: 0; -GV_EINVAL; -GV_ERANGE; -GV_ENOSPC (nothing changed).
 */
int gv_vtd_pt_unmap(struct gv_vtd_pt *pt, u64 iova, u64 size);

/**
 * gv_vtd_pt_merge - fold tables back into large leaves where possible.
 *
 * Bottom-up over every table that maps part of [@iova, @iova + @size): a
 * table whose 512 entries are leaves with the same permissions and
 * contiguous addresses, the first aligned to the larger size, becomes one
 * 2 MiB (GV_VTD_PT_F_2M) or 1 GiB (GV_VTD_PT_F_1G) leaf; a table with no
 * entry left is unlinked. Translations do not change, but the unit may
 * still walk the old tables: they are freed by gv_vtd_pt_flush_done(), and
 * the flush is marked needed. Undoes the splits of unmap() once the range
 * is mapped again as before.
 *
 * Return: the number of tables unlinked (>= 0); -GV_EINVAL; -GV_ERANGE.
 */
int gv_vtd_pt_merge(struct gv_vtd_pt *pt, u64 iova, u64 size);

/**
 * gv_vtd_pt_map_identity - identity-map (iova == pa) every page that lies
 * in one of @map and in none of @holes, with @perm.
 * @map, @nr_map:     ranges to map (e.g. RAM and the RMRRs); any order,
 *                    may overlap or touch; 4 KiB aligned.
 * @holes, @nr_holes: ranges to leave out (the pool, green memory); any
 *                    order; 4 KiB aligned. @holes may be NULL if 0.
 *
 * Each maximal run of pages to map goes through gv_vtd_pt_map(), so large
 * pages are used wherever alignment allows. All-or-nothing: after an
 * error the runs mapped so far are unmapped again (tables they allocated
 * are queued for gv_vtd_pt_flush_done(), and the flush is marked needed).
 *
 * Return: 0; the first error of gv_vtd_pt_map() (-GV_EBUSY when a page to
 * map is already mapped); -GV_EINVAL for bad ranges.
 */
int gv_vtd_pt_map_identity(struct gv_vtd_pt *pt,
			   const struct gv_vtd_range *map, unsigned int nr_map,
			   const struct gv_vtd_range *holes,
			   unsigned int nr_holes, unsigned int perm);

/**
 * gv_vtd_pt_lookup - the leaf that maps @iova.
 *
 * Return: 0 and *@leaf; -GV_ENOENT when not mapped; -GV_ERANGE beyond the
 * width; -GV_EINVAL.
 */
int gv_vtd_pt_lookup(const struct gv_vtd_pt *pt, u64 iova,
		     struct gv_vtd_pt_leaf *leaf);

/**
 * typedef gv_vtd_pt_walk_fn - called by gv_vtd_pt_walk() for each leaf;
 * return 0 to go on, anything else stops the walk and is returned by it.
 */
typedef int (*gv_vtd_pt_walk_fn)(void *arg,
				 const struct gv_vtd_pt_leaf *leaf);

/**
 * gv_vtd_pt_walk - call @fn for each leaf that overlaps [@iova,
 * @iova + @size), in address order; a leaf is reported whole. @fn must not
 * change the table set.
 *
 * Return: 0; what @fn returned when non-zero; -GV_EINVAL; -GV_ERANGE.
 */
int gv_vtd_pt_walk(const struct gv_vtd_pt *pt, u64 iova, u64 size,
		   gv_vtd_pt_walk_fn fn, void *arg);

/**
 * gv_vtd_pt_flush_needed - has a translation been removed or a table
 * unlinked since the last gv_vtd_pt_flush_done()? Then the caller must
 * invalidate the IOTLB (and paging-structure caches) of every unit that
 * uses this table set for its domain id. Adding mappings needs none,
 * except on units with CAP.CM = 1 (caching mode), which may cache
 * not-present entries: that is the caller's rule to apply.
 */
bool gv_vtd_pt_flush_needed(const struct gv_vtd_pt *pt);

/**
 * gv_vtd_pt_flush_range - the span that needs invalidating: *@iova and
 * *@size cover every leaf removed or split since the last
 * gv_vtd_pt_flush_done() (whole leaves, so a page-selective invalidation of
 * it also drops a cached large-page translation) and the whole reach of
 * every table unlinked (conservative: up to 512 GiB, i.e. a
 * domain-selective invalidation in practice). One span, the union: the
 * caller may invalidate more, never less. Both 0 when no flush is needed.
 */
void gv_vtd_pt_flush_range(const struct gv_vtd_pt *pt, u64 *iova, u64 *size);

/**
 * gv_vtd_pt_flush_done - the caller has invalidated the units' caches:
 * clear the flag and free the unlinked tables.
 */
void gv_vtd_pt_flush_done(struct gv_vtd_pt *pt);

/** gv_vtd_pt_get_stats - table pages and leaves by size (no walk). */
void gv_vtd_pt_get_stats(const struct gv_vtd_pt *pt,
			 struct gv_vtd_pt_stats *st);

/**
 * gv_vtd_pt_audit - walk everything and check it: entries well formed (no
 * bits but R, W, PS and the address; non-leaf entries R+W; PS only at
 * levels 2-3 and only with the matching flag; leaves aligned) and the
 * counts equal to the stats.
 *
 * Return: 0; -GV_EFAULT at the first inconsistency; *@st (may be NULL)
 * receives the recounted figures.
 */
int gv_vtd_pt_audit(const struct gv_vtd_pt *pt, struct gv_vtd_pt_stats *st);

#endif /* GV_VTD_PT_H */
