/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT paging structures (SDM Vol. 3C, 29.3): one "view" is a 4-level EPT
 * (PML4, PDPT, PD, PT). Pure root-side logic: the tables live in memory that
 * the caller hands out through struct gv_ept_ops (pool pages in the
 * hypervisor, kmalloc'd pages in KUnit); nothing here touches VMX state.
 * The caller loads gv_ept_eptp() into the VMCS and runs INVEPT when
 * gv_ept_flush_needed() says so. See docs/ept.md.
 *
 * Levels are numbered as in the SDM: 4 = PML4, 3 = PDPT (1 GiB leaves),
 * 2 = PD (2 MiB leaves), 1 = PT (4 KiB leaves).
 *
 * Locking is the caller's: one writer at a time per view; walks by the CPU
 * may run concurrently (every entry is changed by one 64-bit store, and a
 * split fills the new table completely before linking it).
 */
#ifndef GV_EPT_TABLE_H
#define GV_EPT_TABLE_H

#include "../hvcore/hv_types.h"
#include "ept_mtrr.h"

/* Permissions (entry bits 2:0). */
#define GV_EPT_R		BIT(0)
#define GV_EPT_W		BIT(1)
#define GV_EPT_X		BIT(2)
#define GV_EPT_RWX		(GV_EPT_R | GV_EPT_W | GV_EPT_X)

/*
 * Memory type argument: a GV_MT_* type, optionally ORed with GV_EPT_IPAT
 * (ignore the guest PAT: the EPT type is then the effective type). The
 * value is the leaf's bits 6:3 shifted right by 3.
 */
#define GV_EPT_IPAT		BIT(3)

/* Entry bits. */
#define GV_EPTE_PERM_MASK	0x7ull
#define GV_EPTE_MT_SHIFT	3
#define GV_EPTE_MT_MASK		(0x7ull << GV_EPTE_MT_SHIFT)
#define GV_EPTE_IPAT		BIT_ULL(6)
#define GV_EPTE_LARGE		BIT_ULL(7)
#define GV_EPTE_ACCESSED	BIT_ULL(8)
#define GV_EPTE_DIRTY		BIT_ULL(9)
/*
 * Bit 11 is ignored by the CPU in every EPT entry; greenvisor sets it in
 * each leaf it writes, so that a leaf with no access (set_prot to 0) and
 * address 0 still differs from an empty entry.
 */
#define GV_EPTE_SW_MAPPED	BIT_ULL(11)
#define GV_EPTE_ADDR_MASK	0x000ffffffffff000ull

/* EPTP fields (SDM Vol. 3C, 25.6.11). */
#define GV_EPTP_MT_WB		6ull
#define GV_EPTP_WALK_4		(3ull << 3)
#define GV_EPTP_AD		BIT_ULL(6)

/* View flags: what the CPU supports (IA32_VMX_EPT_VPID_CAP). */
#define GV_EPT_F_2M		BIT(0)	/* 2 MiB pages (cap bit 16) */
#define GV_EPT_F_1G		BIT(1)	/* 1 GiB pages (cap bit 17) */
#define GV_EPT_F_AD		BIT(2)	/* accessed/dirty (cap bit 21) */
#define GV_EPT_F_XONLY		BIT(3)	/* execute-only (cap bit 0) */
#define GV_EPT_F_ALL		0xfu

/* Guest-physical addresses: EPT with a 4-level walk covers 48 bits. */
#define GV_EPT_MIN_PHYS_BITS	32
#define GV_EPT_MAX_PHYS_BITS	48

/**
 * struct gv_ept_ops - where the tables come from.
 * @ctx:         passed back to every callback.
 * @alloc_table: return a 4 KiB, 4 KiB-aligned page (contents need not be
 *               zero) and its physical address in *@pa, or NULL.
 * @free_table:  give back a page from @alloc_table.
 * @pa_to_va:    the address at which a table page can be accessed.
 */
struct gv_ept_ops {
	void *ctx;
	void *(*alloc_table)(void *ctx, u64 *pa);
	void (*free_table)(void *ctx, void *va, u64 pa);
	void *(*pa_to_va)(void *ctx, u64 pa);
};

/**
 * struct gv_ept_stats - what a view uses.
 * @tables:       table pages linked into the view, the PML4 included.
 * @pending_free: table pages unlinked but not yet given back (they are
 *                freed by gv_ept_flush_done(), after the INVEPT).
 * @leaves:       mapped leaves by level: [1] 4 KiB, [2] 2 MiB, [3] 1 GiB
 *                ([0] is unused).
 */
struct gv_ept_stats {
	u64 tables;
	u64 pending_free;
	u64 leaves[4];
};

/**
 * struct gv_ept_view - one EPT. Treat as opaque; use the functions below.
 */
struct gv_ept_view {
	struct gv_ept_ops ops;
	u64 *pml4;
	u64 pml4_pa;
	unsigned int phys_bits;
	unsigned int flags;
	bool flush;
	u64 free_list;		/* pa of the first deferred table, or 0 */
	bool free_list_used;	/* free_list is valid (pa 0 is a page too) */
	struct gv_ept_stats stats;
};

/**
 * struct gv_ept_leaf - one leaf entry, decoded.
 * @gpa:   first guest-physical address the leaf maps.
 * @hpa:   host-physical address of @gpa.
 * @size:  bytes the leaf maps (4 KiB, 2 MiB or 1 GiB).
 * @level: 1, 2 or 3.
 * @perm:  GV_EPT_R/W/X (0: mapped with no access, i.e. not present).
 * @mt:    memory type, GV_MT_* | GV_EPT_IPAT.
 * @entry: the raw entry.
 */
struct gv_ept_leaf {
	u64 gpa;
	u64 hpa;
	u64 size;
	unsigned int level;
	unsigned int perm;
	unsigned int mt;
	u64 entry;
};

/**
 * gv_ept_init - create an empty view (a zeroed PML4).
 * @v:         the view.
 * @ops:       memory callbacks (copied).
 * @phys_bits: guest- and host-physical address width: min(MAXPHYADDR, 48),
 *             32..48. Every address passed in later must be below 2^this.
 * @flags:     GV_EPT_F_*.
 *
 * Return: 0; -GV_EINVAL for bad arguments; -GV_ENOSPC when no PML4 page
 * could be allocated. @v is usable only after success.
 */
int gv_ept_init(struct gv_ept_view *v, const struct gv_ept_ops *ops,
		unsigned int phys_bits, unsigned int flags);

/**
 * gv_ept_destroy - free every table of the view, PML4 and deferred ones
 * included, immediately. The view must no longer be in use by any CPU (no
 * EPTP referencing it, INVEPT done).
 */
void gv_ept_destroy(struct gv_ept_view *v);

/**
 * gv_ept_eptp - the EPTP for the view: PML4 address, WB paging-structure
 * memory type, 4-level walk, A/D enabled when GV_EPT_F_AD was given.
 */
u64 gv_ept_eptp(const struct gv_ept_view *v);

/**
 * gv_ept_build_identity - identity-map [0, @limit) following the MTRRs.
 * @v:     an empty view (no leaves, only the PML4).
 * @mtrr:  the MTRR state giving each page's memory type.
 * @limit: end of the map, 4 KiB aligned, 0 < @limit <= 2^phys_bits.
 * @perm:  permissions of every leaf (usually GV_EPT_RWX).
 *
 * Each step maps the largest page (1 GiB with GV_EPT_F_1G, 2 MiB with
 * GV_EPT_F_2M, else 4 KiB) that is aligned, fits below @limit and has one
 * MTRR type (gv_mtrr_page_size()); the leaf gets that type with IPAT clear,
 * so the guest's PAT combines with it as it would with the MTRRs.
 *
 * Return: 0; -GV_EINVAL for bad arguments; -GV_ERANGE for @limit beyond the
 * width; -GV_EBUSY when the view is not empty; -GV_ENOSPC when a table
 * could not be allocated, after which the view is empty again (the tables
 * built so far are unlinked and queued for gv_ept_flush_done()).
 */
int gv_ept_build_identity(struct gv_ept_view *v,
			  const struct gv_mtrr_state *mtrr, u64 limit,
			  unsigned int perm);

/**
 * gv_ept_lookup - the leaf that maps @gpa.
 *
 * Return: 0 and *@leaf; -GV_ENOENT when @gpa is not mapped; -GV_ERANGE when
 * @gpa is beyond the width.
 */
int gv_ept_lookup(const struct gv_ept_view *v, u64 gpa,
		  struct gv_ept_leaf *leaf);

/**
 * gv_ept_map_4k - map one 4 KiB page, allocating tables as needed.
 * @v:    the view.
 * @gpa:  guest-physical address, 4 KiB aligned.
 * @hpa:  host-physical address, 4 KiB aligned.
 * @perm: GV_EPT_R/W/X; write requires read; execute-only requires
 *        GV_EPT_F_XONLY; 0 maps the page with no access.
 * @mt:   GV_MT_* (UC, WC, WT, WP, WB), optionally | GV_EPT_IPAT.
 *
 * A mapping already there is replaced; a large leaf covering @gpa is split
 * first. All tables needed are allocated before anything changes.
 *
 * Return: 0; -GV_EINVAL (alignment, permissions, memory type); -GV_ERANGE
 * (address beyond the width); -GV_ENOSPC (nothing changed).
 */
int gv_ept_map_4k(struct gv_ept_view *v, u64 gpa, u64 hpa,
		  unsigned int perm, unsigned int mt);

/**
 * gv_ept_set_prot - set the permissions of every page in [@gpa, @gpa+@size).
 *
 * Large leaves that the range only partly covers are split (to 2 MiB or
 * 4 KiB as the range's edges require); leaves inside it are changed whole.
 * Every page of the range must be mapped. All-or-nothing: the range is
 * checked and the tables the splits need (at most four) are allocated
 * before anything changes.
 *
 * Return: 0; -GV_EINVAL (alignment, empty range, permissions); -GV_ERANGE;
 * -GV_ENOENT (a page of the range is not mapped); -GV_ENOSPC.
 */
int gv_ept_set_prot(struct gv_ept_view *v, u64 gpa, u64 size,
		    unsigned int perm);

/**
 * gv_ept_set_memtype - set the memory type (GV_MT_* | GV_EPT_IPAT) of every
 * page in [@gpa, @gpa + @size). Same rules and errors as gv_ept_set_prot().
 */
int gv_ept_set_memtype(struct gv_ept_view *v, u64 gpa, u64 size,
		       unsigned int mt);

/**
 * gv_ept_set_addr - point the mapped page @gpa at @hpa (both 4 KiB aligned),
 * keeping its permissions and memory type. A large leaf is split first.
 *
 * Return: 0; -GV_EINVAL; -GV_ERANGE; -GV_ENOENT (@gpa not mapped);
 * -GV_ENOSPC (nothing changed).
 */
int gv_ept_set_addr(struct gv_ept_view *v, u64 gpa, u64 hpa);

/**
 * gv_ept_remove - unmap [@gpa, @gpa + @size) (pages not mapped are fine).
 * Large leaves partly covered are split first. Tables left empty stay
 * linked until gv_ept_merge(). All-or-nothing as gv_ept_set_prot().
 *
 * Return: 0; -GV_EINVAL; -GV_ERANGE; -GV_ENOSPC.
 */
int gv_ept_remove(struct gv_ept_view *v, u64 gpa, u64 size);

/**
 * typedef gv_ept_walk_fn - called by gv_ept_walk() for each leaf.
 * Return 0 to go on; anything else stops the walk and is returned by it.
 */
typedef int (*gv_ept_walk_fn)(void *arg, const struct gv_ept_leaf *leaf);

/**
 * gv_ept_walk - call @fn for each mapped leaf that overlaps
 * [@gpa, @gpa + @size), in address order. The leaf is reported whole (it
 * may start before @gpa or end after the range). @fn must not change the
 * view.
 *
 * Return: 0; what @fn returned when non-zero; -GV_EINVAL; -GV_ERANGE.
 */
int gv_ept_walk(const struct gv_ept_view *v, u64 gpa, u64 size,
		gv_ept_walk_fn fn, void *arg);

/**
 * gv_ept_merge - fold tables back into large leaves where possible.
 *
 * Every table that maps part of [@gpa, @gpa + @size) is examined bottom-up:
 * a page table (or a page directory when GV_EPT_F_1G is set) whose 512
 * entries are leaves with the same permissions, memory type and IPAT and
 * contiguous host addresses, aligned to the larger size, becomes one 2 MiB
 * (1 GiB) leaf; a table whose entries are all empty is unlinked. 2 MiB
 * merges need GV_EPT_F_2M. Unlinked tables are freed by
 * gv_ept_flush_done().
 *
 * Return: the number of tables unlinked (>= 0); -GV_EINVAL; -GV_ERANGE.
 */
int gv_ept_merge(struct gv_ept_view *v, u64 gpa, u64 size);

/**
 * gv_ept_prune - unlink the tables left empty under [@gpa, @gpa + @size).
 *
 * As gv_ept_merge() without folding leaves: a view whose 4 KiB leaves must
 * stay 4 KiB (the green view: removing one of them must never need a
 * split, which could fail) gives back the tables nothing maps any more.
 *
 * Return: the number of tables unlinked (>= 0); -GV_EINVAL; -GV_ERANGE.
 */
int gv_ept_prune(struct gv_ept_view *v, u64 gpa, u64 size);

/**
 * gv_ept_sync_mtrr - re-apply the MTRR memory types to the identity
 * mappings of [@gpa, @gpa + @size), e.g. after the rich OS wrote an MTRR.
 *
 * Each mapped leaf in the range gets the MTRR type of the host range it
 * maps (IPAT kept); a leaf whose host range is no longer uniform is split
 * until it is. Large pages are not rebuilt where the types became uniform
 * again: call gv_ept_merge() for that.
 *
 * Return: 0; -GV_EINVAL; -GV_ERANGE (the range, or a leaf mapping host
 * memory beyond the MTRR state's MAXPHYADDR); -GV_ENOSPC when a split could
 * not get a table. After an error the leaves before the failing one have
 * their new type, the rest their old one; the view is consistent and the
 * call can be repeated.
 */
int gv_ept_sync_mtrr(struct gv_ept_view *v, const struct gv_mtrr_state *mtrr,
		     u64 gpa, u64 size);

/**
 * gv_ept_entry_needs_flush - does changing a leaf from @old to @new need an
 * INVEPT before the change can be relied on? True when @old gave access
 * (any of R/W/X) and @new removes any of it, changes the address or the
 * memory type or IPAT. Adding access needs no flush: the CPU caches no
 * translation that faulted (SDM Vol. 3C, 29.4.3).
 */
bool gv_ept_entry_needs_flush(u64 old, u64 new);

/**
 * gv_ept_flush_needed - has the view changed, since the last
 * gv_ept_flush_done(), in a way that needs INVEPT (access removed or
 * reduced, address or memory type changed, a table unlinked)?
 * Splitting a large leaf into a table with the same translations needs
 * none by itself.
 */
bool gv_ept_flush_needed(const struct gv_ept_view *v);

/**
 * gv_ept_flush_done - the caller has run INVEPT for this view on every CPU
 * that may cache it: clear the flag and free the unlinked tables (until
 * then a CPU may still walk them through its paging-structure caches).
 */
void gv_ept_flush_done(struct gv_ept_view *v);

/**
 * gv_ept_get_stats - table pages and leaves by size (kept up to date by
 * every operation, no walk).
 */
void gv_ept_get_stats(const struct gv_ept_view *v, struct gv_ept_stats *st);

/**
 * gv_ept_audit - walk the whole view and check it: every entry well formed
 * (no reserved bits, defined memory type, no write without read, leaves
 * aligned, addresses within the width) and the counts equal to the stats.
 *
 * Return: 0; -GV_EFAULT at the first inconsistency; *@st (may be NULL)
 * receives the recounted figures either way.
 */
int gv_ept_audit(const struct gv_ept_view *v, struct gv_ept_stats *st);

#endif /* GV_EPT_TABLE_H */
