// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d second-level page tables (VT-d specification 3.x, 3.6 and 9.8).
 * Root-side and freestanding; also linked into the KUnit suite gv_vtd_pt.
 * See vtd_pt.h and docs/vtd.md.
 *
 * Every change that needs new tables runs twice over the same recursion:
 * a dry run that reads the tables, checks the request and counts the
 * tables needed, then, once those are allocated, the run that writes.
 * So a failed allocation changes nothing.
 */
#include "vtd_pt.h"
#include "../uapi/linux/greenvisor.h"

#define PTES_PER_TABLE		512
#define TABLE_BYTES		4096ull
#define PTE_PERM		(GV_VTD_PTE_R | GV_VTD_PTE_W)
/* Non-leaf entries allow everything: the leaves decide (3.6). */
#define PTE_TABLE		PTE_PERM
/*
 * Links of the spare and deferred-free lists, kept in entry 0 of the
 * listed pages: an address with R = W = 0 (not present, so a unit that
 * still walks an unlinked table through a stale paging-structure cache
 * faults) and bit 11 to tell a link from the end of the list.
 */
#define LINK_VALID		BIT_ULL(11)
/* What a partly covered leaf looks like during a dry run (no table yet). */
#define DRY_LEAF		(GV_VTD_PTE_R | GV_VTD_PTE_PS)

/* A list of pages chained through entry 0 (see LINK_VALID). */
struct page_list {
	u64 head;
	u64 n;
};

/* ---- entries -------------------------------------------------------------- */

static unsigned int lvl_shift(unsigned int level)
{
	return 3 + 9 * level;
}

static u64 lvl_size(unsigned int level)
{
	return 1ull << lvl_shift(level);
}

static unsigned int pte_index(u64 iova, unsigned int level)
{
	return (iova >> lvl_shift(level)) % PTES_PER_TABLE;
}

/* End of the part of [va, b) that the entry of @va at @level maps. */
static u64 span_end(u64 va, unsigned int level, u64 b)
{
	u64 end = (va | (lvl_size(level) - 1)) + 1;

	return end < b ? end : b;
}

static bool pte_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & GV_VTD_PTE_PS);
}

static u64 *pte_table(const struct gv_vtd_pt *pt, u64 e)
{
	return pt->ops.pa_to_va(pt->ops.ctx, e & GV_VTD_PTE_ADDR_MASK);
}

static void cache_flush(const struct gv_vtd_pt *pt, const void *va, u64 len)
{
	if (pt->ops.flush_cache)
		pt->ops.flush_cache(pt->ops.ctx, va, len);
}

/* One 64-bit store after everything it publishes, then out of the cache. */
static void pte_store(const struct gv_vtd_pt *pt, u64 *pe, u64 val)
{
	barrier();
	WRITE_ONCE(*pe, val);
	cache_flush(pt, pe, sizeof(*pe));
}

/* Write back the entries [first, last] of @t after plain stores. */
static void flush_entries(const struct gv_vtd_pt *pt, u64 *t, int first,
			  int last)
{
	if (first >= 0)
		cache_flush(pt, &t[first], (last - first + 1) * sizeof(*t));
}

static void note_flush(struct gv_vtd_pt *pt, u64 start, u64 size)
{
	u64 last = start + size - 1;

	if (!pt->flush || start < pt->flush_start)
		pt->flush_start = start;
	if (!pt->flush || last > pt->flush_end)
		pt->flush_end = last;
	pt->flush = true;
}

/* ---- table pages ---------------------------------------------------------- */

static u64 *table_alloc(struct gv_vtd_pt *pt, u64 *pa)
{
	u64 *t = pt->ops.alloc_table(pt->ops.ctx, pa);
	unsigned int i;

	if (!t)
		return NULL;
	if (*pa & (TABLE_BYTES - 1) || *pa >> GV_VTD_PT_PA_BITS) {
		pt->ops.free_table(pt->ops.ctx, t, *pa);
		return NULL;
	}
	for (i = 0; i < PTES_PER_TABLE; i++)
		t[i] = 0;
	return t;
}

static void list_push(struct page_list *l, u64 *t, u64 pa)
{
	WRITE_ONCE(t[0], l->head);
	l->head = pa | LINK_VALID;
	l->n++;
}

/* Take the first page off @l (which must not be empty). */
static u64 *list_pop(const struct gv_vtd_pt *pt, struct page_list *l,
		     u64 *pa)
{
	u64 *t;

	*pa = l->head & GV_VTD_PTE_ADDR_MASK;
	t = pt->ops.pa_to_va(pt->ops.ctx, *pa);
	l->head = t[0];
	l->n--;
	t[0] = 0;
	return t;
}

static void list_free(struct gv_vtd_pt *pt, struct page_list *l)
{
	u64 *t, pa;

	while (l->head & LINK_VALID) {
		t = list_pop(pt, l, &pa);
		pt->ops.free_table(pt->ops.ctx, t, pa);
	}
}

/* Allocate @n zeroed spare tables, or none at all. */
static int spares_get(struct gv_vtd_pt *pt, struct page_list *sp, u64 n)
{
	u64 *t, pa;

	sp->head = 0;
	sp->n = 0;
	while (sp->n < n) {
		t = table_alloc(pt, &pa);
		if (!t) {
			list_free(pt, sp);
			return -GV_ENOSPC;
		}
		list_push(sp, t, pa);
	}
	return 0;
}

/* Unlink a table: freed by gv_vtd_pt_flush_done(). */
static void defer_free(struct gv_vtd_pt *pt, u64 *t, u64 pa)
{
	struct page_list l = { .head = pt->free_list };

	list_push(&l, t, pa);
	cache_flush(pt, t, sizeof(*t));
	pt->free_list = l.head;
	pt->stats.tables--;
	pt->stats.pending_free++;
}

/* Link the complete table @t (at @pa) into *@pe: table first, then entry. */
static void link_table(struct gv_vtd_pt *pt, u64 *pe, u64 *t, u64 pa)
{
	cache_flush(pt, t, TABLE_BYTES);
	pte_store(pt, pe, pa | PTE_TABLE);
	pt->stats.tables++;
}

/* ---- capabilities, init, destroy ------------------------------------------ */

int gv_vtd_pt_levels_from_cap(u64 cap)
{
	unsigned int sagaw = (cap >> 8) & 0x1f;	/* CAP.SAGAW, 11.4.2 */

	if (sagaw & BIT(2))
		return 4;
	if (sagaw & BIT(1))
		return 3;
	return -GV_ENOSYS;
}

unsigned int gv_vtd_pt_flags_from_cap(u64 cap)
{
	unsigned int sllps = (cap >> 34) & 0xf;	/* CAP.SLLPS, 11.4.2 */

	return (sllps & BIT(0) ? GV_VTD_PT_F_2M : 0) |
	       (sllps & BIT(1) ? GV_VTD_PT_F_1G : 0);
}

int gv_vtd_pt_init(struct gv_vtd_pt *pt, const struct gv_vtd_pt_ops *ops,
		   unsigned int levels, unsigned int flags)
{
	if (!pt || !ops || !ops->alloc_table || !ops->free_table ||
	    !ops->pa_to_va || (levels != 3 && levels != 4) ||
	    flags & ~GV_VTD_PT_F_ALL)
		return -GV_EINVAL;
	*pt = (struct gv_vtd_pt){
		.ops = *ops, .levels = levels, .flags = flags,
	};
	pt->root = table_alloc(pt, &pt->root_pa);
	if (!pt->root)
		return -GV_ENOSPC;
	cache_flush(pt, pt->root, TABLE_BYTES);
	pt->stats.tables = 1;
	return 0;
}

/* Free every table below @t (at @level) now; @t itself stays. */
static void free_below(struct gv_vtd_pt *pt, u64 *t, unsigned int level)
{
	unsigned int i;

	for (i = 0; i < PTES_PER_TABLE; i++) {
		u64 e = t[i];

		if (e && !pte_leaf(e, level)) {
			free_below(pt, pte_table(pt, e), level - 1);
			pt->ops.free_table(pt->ops.ctx, pte_table(pt, e),
					   e & GV_VTD_PTE_ADDR_MASK);
		}
		t[i] = 0;
	}
}

void gv_vtd_pt_destroy(struct gv_vtd_pt *pt)
{
	if (!pt || !pt->root)
		return;
	free_below(pt, pt->root, pt->levels);
	gv_vtd_pt_flush_done(pt);
	pt->ops.free_table(pt->ops.ctx, pt->root, pt->root_pa);
	pt->root = NULL;
	pt->stats = (struct gv_vtd_pt_stats){ };
}

u64 gv_vtd_pt_root_pa(const struct gv_vtd_pt *pt)
{
	return pt->root_pa;
}

unsigned int gv_vtd_pt_aw(const struct gv_vtd_pt *pt)
{
	/* Context entry AW (9.3): 001b = 39-bit 3-level, 010b = 48-bit. */
	return pt->levels - 2;
}

/* ---- argument checks ------------------------------------------------------ */

static bool pt_ok(const struct gv_vtd_pt *pt)
{
	return pt && pt->root;
}

static int check_iova(const struct gv_vtd_pt *pt, u64 iova, u64 size)
{
	u64 top = 1ull << GV_VTD_PT_BITS(pt->levels);

	if (!size || (iova | size) & (TABLE_BYTES - 1))
		return -GV_EINVAL;
	if (iova + size < iova || iova + size > top)
		return -GV_ERANGE;
	return 0;
}

/* A usable table set and a range for it. */
static int check_args(const struct gv_vtd_pt *pt, u64 iova, u64 size)
{
	return pt_ok(pt) ? check_iova(pt, iova, size) : -GV_EINVAL;
}

/* ---- map ------------------------------------------------------------------ */

/* One map or unmap of [a, b), run dry first, then for real. */
struct edit {
	u64 a, b;
	bool dry;
	u64 need;		/* dry run: tables to allocate */
	struct page_list spares;	/* real run: the tables */
	u64 delta;		/* map: pa - iova (mod 2^64) */
	u64 perm;		/* map: GV_VTD_PTE_R/W */
};

/*
 * Run @fn dry (checks, counts tables), allocate what it counted, run it
 * for real. Nothing changes when the dry run or the allocation fails.
 */
static int edit_run(struct gv_vtd_pt *pt, struct edit *ed,
		    int (*fn)(struct gv_vtd_pt *pt, u64 *t, unsigned int level,
			      u64 a, u64 b, struct edit *ed, bool fresh))
{
	int ret;

	ed->dry = true;
	ed->need = 0;
	ret = fn(pt, pt->root, pt->levels, ed->a, ed->b, ed, false);
	if (!ret)
		ret = spares_get(pt, &ed->spares, ed->need);
	if (ret)
		return ret;
	ed->dry = false;
	fn(pt, pt->root, pt->levels, ed->a, ed->b, ed, false);
	list_free(pt, &ed->spares);	/* empty unless the count was wrong */
	return 0;
}

/* May [va, b) start with one leaf at @level? */
static bool leaf_fits(const struct gv_vtd_pt *pt, unsigned int level, u64 va,
		      u64 b, u64 delta)
{
	u64 sz = lvl_size(level);

	if ((level == 2 && !(pt->flags & GV_VTD_PT_F_2M)) ||
	    (level == 3 && !(pt->flags & GV_VTD_PT_F_1G)) || level > 3)
		return false;
	return !((va | (va + delta)) & (sz - 1)) && b - va >= sz;
}

static int map_level(struct gv_vtd_pt *pt, u64 *t, unsigned int level,
		     u64 a, u64 b, struct edit *ed, bool fresh);

/* Put a new table (level @level) into *@pe and map [a, b) in it. */
static int map_new_table(struct gv_vtd_pt *pt, u64 *pe, unsigned int level,
			 u64 a, u64 b, struct edit *ed)
{
	u64 *nt, pa;

	if (ed->dry) {
		ed->need++;
		return map_level(pt, NULL, level, a, b, ed, true);
	}
	nt = list_pop(pt, &ed->spares, &pa);
	map_level(pt, nt, level, a, b, ed, true);
	link_table(pt, pe, nt, pa);
	return 0;
}

/*
 * Map [a, b) in the table @t at @level (@t is NULL in a dry run below a
 * table still to be allocated; @fresh: @t is not linked yet, so its
 * entries need no write-back of their own).
 */
static int map_level(struct gv_vtd_pt *pt, u64 *t, unsigned int level,
		     u64 a, u64 b, struct edit *ed, bool fresh)
{
	int first = -1, last = -1, ret;
	u64 va, next, e;
	unsigned int i;

	for (va = a; va < b; va = next) {
		i = pte_index(va, level);
		next = span_end(va, level, b);
		e = t ? t[i] : 0;
		if (e && pte_leaf(e, level))
			return -GV_EBUSY;
		if (e) {
			ret = map_level(pt, pte_table(pt, e), level - 1, va,
					next, ed, false);
		} else if (level == 1 || leaf_fits(pt, level, va, b, ed->delta)) {
			if (ed->dry)
				continue;
			WRITE_ONCE(t[i], (va + ed->delta) | ed->perm |
				   (level > 1 ? GV_VTD_PTE_PS : 0));
			pt->stats.leaves[level]++;
			last = i;
			first = first < 0 ? i : first;
			continue;
		} else {
			ret = map_new_table(pt, t ? &t[i] : NULL, level - 1,
					    va, next, ed);
		}
		if (ret)
			return ret;
	}
	if (!fresh)
		flush_entries(pt, t, first, last);
	return 0;
}

int gv_vtd_pt_map(struct gv_vtd_pt *pt, u64 iova, u64 pa, u64 size,
		  unsigned int perm)
{
	struct edit ed = { .a = iova, .b = iova + size, .delta = pa - iova,
			   .perm = perm };
	int ret;

	if (!pt_ok(pt) || !perm || perm & ~GV_VTD_RW || pa & (TABLE_BYTES - 1))
		return -GV_EINVAL;
	ret = check_iova(pt, iova, size);
	if (ret)
		return ret;
	if (pa + size < pa || pa + size > 1ull << GV_VTD_PT_PA_BITS)
		return -GV_ERANGE;
	return edit_run(pt, &ed, map_level);
}

/* ---- unmap ---------------------------------------------------------------- */

/* Is every entry of @t zero? */
static bool all_clear(const u64 *t)
{
	u64 any = 0;
	unsigned int i;

	for (i = 0; i < PTES_PER_TABLE; i++)
		any |= t[i];
	return !any;
}

static int unmap_level(struct gv_vtd_pt *pt, u64 *t, unsigned int level,
		       u64 a, u64 b, struct edit *ed, bool fresh);

/*
 * Replace the large leaf *@pe (at @level, mapping from @es) by a table of
 * leaves one level down with the same translations, then unmap [a, b)
 * there. In a dry run, count the tables instead.
 */
static void split_and_unmap(struct gv_vtd_pt *pt, u64 *pe,
			    unsigned int level, u64 es, u64 a, u64 b,
			    struct edit *ed)
{
	u64 e = ed->dry ? DRY_LEAF : *pe, sz = lvl_size(level - 1);
	u64 bits = e & PTE_PERM, *nt, pa;
	unsigned int i;

	if (ed->dry) {
		ed->need++;
		unmap_level(pt, NULL, level - 1, a, b, ed, true);
		return;
	}
	if (level - 1 > 1)
		bits |= GV_VTD_PTE_PS;
	nt = list_pop(pt, &ed->spares, &pa);
	for (i = 0; i < PTES_PER_TABLE; i++)
		nt[i] = ((e & GV_VTD_PTE_ADDR_MASK) + i * sz) | bits;
	pt->stats.leaves[level]--;
	pt->stats.leaves[level - 1] += PTES_PER_TABLE;
	unmap_level(pt, nt, level - 1, a, b, ed, true);
	link_table(pt, pe, nt, pa);
	/* The whole large translation may sit in the IOTLB. */
	note_flush(pt, es, lvl_size(level));
}

/* The child table of *@pe was emptied: unlink it. */
static void prune(struct gv_vtd_pt *pt, u64 *pe, unsigned int level, u64 es)
{
	u64 e = *pe;

	pte_store(pt, pe, 0);
	defer_free(pt, pte_table(pt, e), e & GV_VTD_PTE_ADDR_MASK);
	note_flush(pt, es, lvl_size(level));
}

static int unmap_level(struct gv_vtd_pt *pt, u64 *t, unsigned int level,
		       u64 a, u64 b, struct edit *ed, bool fresh)
{
	int first = -1, last = -1;
	u64 va, next, e, es;
	unsigned int i;

	for (va = a; va < b; va = next) {
		i = pte_index(va, level);
		next = span_end(va, level, b);
		es = va & ~(lvl_size(level) - 1);
		e = t ? t[i] : DRY_LEAF;
		if (!e)
			continue;
		if (!pte_leaf(e, level)) {
			unmap_level(pt, pte_table(pt, e), level - 1, va, next,
				    ed, false);
			if (!ed->dry && all_clear(pte_table(pt, e)))
				prune(pt, &t[i], level, es);
		} else if (va != es || next != es + lvl_size(level)) {
			split_and_unmap(pt, t ? &t[i] : NULL, level, es, va,
					next, ed);
		} else if (!ed->dry) {
			WRITE_ONCE(t[i], 0);
			pt->stats.leaves[level]--;
			note_flush(pt, es, lvl_size(level));
			last = i;
			first = first < 0 ? i : first;
		}
	}
	if (!fresh)
		flush_entries(pt, t, first, last);
	return 0;
}

int gv_vtd_pt_unmap(struct gv_vtd_pt *pt, u64 iova, u64 size)
{
	struct edit ed = { .a = iova, .b = iova + size };
	int ret = check_args(pt, iova, size);

	return ret ?: edit_run(pt, &ed, unmap_level);
}

/* ---- merge ---------------------------------------------------------------- */

/* May a leaf stand at @level with the table's flags? */
static bool large_ok(const struct gv_vtd_pt *pt, unsigned int level)
{
	return (level == 2 && pt->flags & GV_VTD_PT_F_2M) ||
	       (level == 3 && pt->flags & GV_VTD_PT_F_1G);
}

/*
 * The leaf one level up that does what the table @t (at @level) does, or
 * 0: every entry must be the first plus i pages of this level, so same
 * bits and contiguous addresses, and the first aligned to the leaf size.
 */
static u64 folded_leaf(const struct gv_vtd_pt *pt, const u64 *t,
		       unsigned int level)
{
	u64 first = t[0], step = lvl_size(level);
	unsigned int i;

	if (!large_ok(pt, level + 1) || !first || !pte_leaf(first, level) ||
	    first & GV_VTD_PTE_ADDR_MASK & (lvl_size(level + 1) - 1))
		return 0;
	for (i = 1; i < PTES_PER_TABLE; i++)
		if (t[i] != first + i * step)
			return 0;
	return first | GV_VTD_PTE_PS;
}

static int merge_level(struct gv_vtd_pt *pt, u64 *t, unsigned int level,
		       u64 a, u64 b)
{
	u64 va, next, e, es, leaf, *child;
	int n = 0;

	for (va = a; va < b; va = next) {
		next = span_end(va, level, b);
		e = t[pte_index(va, level)];
		if (!e || pte_leaf(e, level))
			continue;
		child = pte_table(pt, e);
		n += merge_level(pt, child, level - 1, va, next);
		es = va & ~(lvl_size(level) - 1);
		if (all_clear(child)) {
			prune(pt, &t[pte_index(va, level)], level, es);
			n++;
			continue;
		}
		leaf = folded_leaf(pt, child, level - 1);
		if (!leaf)
			continue;
		pte_store(pt, &t[pte_index(va, level)], leaf);
		defer_free(pt, child, e & GV_VTD_PTE_ADDR_MASK);
		pt->stats.leaves[level - 1] -= PTES_PER_TABLE;
		pt->stats.leaves[level]++;
		note_flush(pt, es, lvl_size(level));
		n++;
	}
	return n;
}

int gv_vtd_pt_merge(struct gv_vtd_pt *pt, u64 iova, u64 size)
{
	int ret = check_args(pt, iova, size);

	return ret ?: merge_level(pt, pt->root, pt->levels, iova, iova + size);
}

/* ---- identity map --------------------------------------------------------- */

struct runs {
	const struct gv_vtd_range *map, *holes;
	unsigned int nr_map, nr_holes;
	u64 pos;
};

static bool in_ranges(const struct gv_vtd_range *r, unsigned int n, u64 x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (x >= r[i].start && x - r[i].start < r[i].size)
			return true;
	return false;
}

/* Lower *@edge to the least range boundary above @x in @r, if any. */
static void least_edge(const struct gv_vtd_range *r, unsigned int n, u64 x,
		       u64 *edge)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 s = r[i].start, e = r[i].start + r[i].size;

		if (!r[i].size)
			continue;
		if (s > x && s < *edge)
			*edge = s;
		if (e > x && e < *edge)
			*edge = e;
	}
}

/* The next boundary above @x, or 0 when there is none. */
static u64 next_edge(const struct runs *r, u64 x)
{
	u64 edge = ~0ull;

	least_edge(r->map, r->nr_map, x, &edge);
	least_edge(r->holes, r->nr_holes, x, &edge);
	return edge == ~0ull ? 0 : edge;
}

static bool covered(const struct runs *r, u64 x)
{
	return in_ranges(r->map, r->nr_map, x) &&
	       !in_ranges(r->holes, r->nr_holes, x);
}

/* The next maximal run [*start, *end) to map at or after r->pos. */
static bool next_run(struct runs *r, u64 *start, u64 *end)
{
	u64 x = r->pos;

	while (!covered(r, x)) {
		x = next_edge(r, x);
		if (!x)
			return false;
	}
	*start = x;
	do {
		x = next_edge(r, x);	/* never 0: runs end at a range's end */
	} while (x && covered(r, x));
	*end = x;
	r->pos = x;
	return true;
}

static bool ranges_ok(const struct gv_vtd_range *r, unsigned int n)
{
	unsigned int i;

	if (n && !r)
		return false;
	for (i = 0; i < n; i++)
		if ((r[i].start | r[i].size) & (TABLE_BYTES - 1) ||
		    r[i].start + r[i].size < r[i].start)
			return false;
	return true;
}

int gv_vtd_pt_map_identity(struct gv_vtd_pt *pt,
			   const struct gv_vtd_range *map, unsigned int nr_map,
			   const struct gv_vtd_range *holes,
			   unsigned int nr_holes, unsigned int perm)
{
	struct runs r = { map, holes, nr_map, nr_holes, 0 };
	u64 start, end, fail_at;
	int ret = 0;

	if (!pt_ok(pt) || !ranges_ok(map, nr_map) ||
	    !ranges_ok(holes, nr_holes))
		return -GV_EINVAL;
	while (next_run(&r, &start, &end)) {
		ret = gv_vtd_pt_map(pt, start, start, end - start, perm);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	/* Undo the runs before the failing one: no splits, cannot fail. */
	fail_at = start;
	r.pos = 0;
	while (next_run(&r, &start, &end) && start < fail_at)
		gv_vtd_pt_unmap(pt, start, end - start);
	return ret;
}

/* ---- lookup and walk ------------------------------------------------------ */

static void decode(u64 e, unsigned int level, u64 iova,
		   struct gv_vtd_pt_leaf *leaf)
{
	u64 size = lvl_size(level);

	*leaf = (struct gv_vtd_pt_leaf){
		.iova = iova & ~(size - 1), .pa = e & GV_VTD_PTE_ADDR_MASK,
		.size = size, .level = level, .perm = e & PTE_PERM, .entry = e,
	};
}

int gv_vtd_pt_lookup(const struct gv_vtd_pt *pt, u64 iova,
		     struct gv_vtd_pt_leaf *leaf)
{
	unsigned int level = pt_ok(pt) ? pt->levels : 0;
	u64 *t = pt_ok(pt) ? pt->root : NULL, e;

	if (!t || !leaf)
		return -GV_EINVAL;
	if (iova >> GV_VTD_PT_BITS(level))
		return -GV_ERANGE;
	for (;; level--) {
		e = t[pte_index(iova, level)];
		if (!e)
			return -GV_ENOENT;
		if (pte_leaf(e, level))
			break;
		t = pte_table(pt, e);
	}
	decode(e, level, iova, leaf);
	return 0;
}

static int walk_level(const struct gv_vtd_pt *pt, const u64 *t,
		      unsigned int level, u64 a, u64 b, gv_vtd_pt_walk_fn fn,
		      void *arg)
{
	struct gv_vtd_pt_leaf leaf;
	u64 va, next, e;
	int ret = 0;

	for (va = a; va < b && !ret; va = next) {
		next = span_end(va, level, b);
		e = t[pte_index(va, level)];
		if (e && pte_leaf(e, level)) {
			decode(e, level, va, &leaf);
			ret = fn(arg, &leaf);
		} else if (e) {
			ret = walk_level(pt, pte_table(pt, e), level - 1, va,
					 next, fn, arg);
		}
	}
	return ret;
}

int gv_vtd_pt_walk(const struct gv_vtd_pt *pt, u64 iova, u64 size,
		   gv_vtd_pt_walk_fn fn, void *arg)
{
	int ret = fn ? check_args(pt, iova, size) : -GV_EINVAL;

	return ret ?: walk_level(pt, pt->root, pt->levels, iova, iova + size,
				 fn, arg);
}

/* ---- flush bookkeeping, stats ----------------------------------------------- */

bool gv_vtd_pt_flush_needed(const struct gv_vtd_pt *pt)
{
	return pt->flush;
}

void gv_vtd_pt_flush_range(const struct gv_vtd_pt *pt, u64 *iova, u64 *size)
{
	*iova = pt->flush ? pt->flush_start : 0;
	*size = pt->flush ? pt->flush_end - pt->flush_start + 1 : 0;
}

void gv_vtd_pt_flush_done(struct gv_vtd_pt *pt)
{
	struct page_list l = { .head = pt->free_list };

	list_free(pt, &l);
	pt->free_list = 0;
	pt->stats.pending_free = 0;
	pt->flush = false;
	pt->flush_start = 0;
	pt->flush_end = 0;
}

void gv_vtd_pt_get_stats(const struct gv_vtd_pt *pt,
			 struct gv_vtd_pt_stats *st)
{
	*st = pt->stats;
}

/* ---- audit ------------------------------------------------------------------ */

static bool leaf_ok(const struct gv_vtd_pt *pt, u64 e, unsigned int level)
{
	u64 allowed = GV_VTD_PTE_ADDR_MASK | PTE_PERM;

	if (level == 2 && pt->flags & GV_VTD_PT_F_2M)
		allowed |= GV_VTD_PTE_PS;
	if (level == 3 && pt->flags & GV_VTD_PT_F_1G)
		allowed |= GV_VTD_PTE_PS;
	return !(e & ~allowed) && e & PTE_PERM &&
	       !(e & GV_VTD_PTE_ADDR_MASK & (lvl_size(level) - 1));
}

static int audit_level(const struct gv_vtd_pt *pt, const u64 *t,
		       unsigned int level, struct gv_vtd_pt_stats *st);

/* Check and count the entry @e at @level, and the table it points to. */
static bool audit_entry(const struct gv_vtd_pt *pt, u64 e, unsigned int level,
			struct gv_vtd_pt_stats *st)
{
	if (!e)
		return true;
	if (!pte_leaf(e, level))
		return (e & ~GV_VTD_PTE_ADDR_MASK) == PTE_TABLE &&
		       !audit_level(pt, pte_table(pt, e), level - 1, st);
	if (!leaf_ok(pt, e, level))
		return false;
	st->leaves[level]++;
	return true;
}

static int audit_level(const struct gv_vtd_pt *pt, const u64 *t,
		       unsigned int level, struct gv_vtd_pt_stats *st)
{
	unsigned int i;

	st->tables++;
	for (i = 0; i < PTES_PER_TABLE; i++)
		if (!audit_entry(pt, t[i], level, st))
			return -GV_EFAULT;
	return 0;
}

int gv_vtd_pt_audit(const struct gv_vtd_pt *pt, struct gv_vtd_pt_stats *st)
{
	struct gv_vtd_pt_stats tmp, *s = st ? st : &tmp;
	unsigned int i;
	u64 link;

	if (!pt_ok(pt))
		return -GV_EINVAL;
	*s = (struct gv_vtd_pt_stats){ };
	for (link = pt->free_list; link & LINK_VALID;
	     link = pte_table(pt, link)[0])
		s->pending_free++;
	if (audit_level(pt, pt->root, pt->levels, s) ||
	    s->tables != pt->stats.tables ||
	    s->pending_free != pt->stats.pending_free)
		return -GV_EFAULT;
	for (i = 1; i < 4; i++)
		if (s->leaves[i] != pt->stats.leaves[i])
			return -GV_EFAULT;
	return 0;
}
