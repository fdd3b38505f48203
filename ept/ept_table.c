// SPDX-License-Identifier: GPL-2.0
/*
 * EPT paging structures (SDM Vol. 3C, 29.3). Root-side and freestanding;
 * also linked into the KUnit suites. See ept_table.h and docs/ept.md.
 */
#include "ept_table.h"
#include "../uapi/linux/greenvisor.h"

#define NR_ENTRIES		512
#define PAGE_4K_MASK		(GV_PAGE_4K - 1)
/* Non-leaf entries always allow everything: leaves decide. */
#define NONLEAF_BITS		GV_EPTE_PERM_MASK
/* Leaf bits compared by merge (everything but address, A and D). */
#define LEAF_ATTR_MASK		(~(GV_EPTE_ADDR_MASK | GV_EPTE_ACCESSED | \
				   GV_EPTE_DIRTY))
/* At most two splits at each edge of a range (1 GiB -> 2 MiB -> 4 KiB). */
#define STASH_MAX		4

struct stash {
	unsigned int n;
	u64 *va[STASH_MAX];
	u64 pa[STASH_MAX];
};

static unsigned int level_shift(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static u64 level_size(unsigned int level)
{
	return 1ull << level_shift(level);
}

static unsigned int entry_index(u64 gpa, unsigned int level)
{
	return (gpa >> level_shift(level)) & (NR_ENTRIES - 1);
}

static bool is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (level <= 3 && (e & GV_EPTE_LARGE));
}

static u64 *table_va(const struct gv_ept_view *v, u64 e)
{
	return v->ops.pa_to_va(v->ops.ctx, e & GV_EPTE_ADDR_MASK);
}

/* One 64-bit store, after everything it publishes. */
static void set_entry(u64 *p, u64 val)
{
	barrier();
	WRITE_ONCE(*p, val);
}

static void zero_table(u64 *t)
{
	unsigned int i;

	for (i = 0; i < NR_ENTRIES; i++)
		t[i] = 0;
}

static u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

/* ---- argument checks ---------------------------------------------------- */

static bool view_ok(const struct gv_ept_view *v)
{
	return v && v->pml4;
}

static bool perm_ok(const struct gv_ept_view *v, unsigned int perm)
{
	if (perm & ~GV_EPT_RWX)
		return false;
	if ((perm & GV_EPT_W) && !(perm & GV_EPT_R))
		return false;	/* EPT misconfiguration */
	if (perm == GV_EPT_X && !(v->flags & GV_EPT_F_XONLY))
		return false;
	return true;
}

static bool mt_ok(unsigned int mt)
{
	return !(mt & ~(GV_EPT_IPAT | 7u)) && gv_mtrr_type_valid(mt & 7u);
}

static u64 mt_bits(unsigned int mt)
{
	return (u64)mt << GV_EPTE_MT_SHIFT;
}

static int check_addr(const struct gv_ept_view *v, u64 a)
{
	if (a & PAGE_4K_MASK)
		return -GV_EINVAL;
	return a >> v->phys_bits ? -GV_ERANGE : 0;
}

static int check_range(const struct gv_ept_view *v, u64 gpa, u64 size)
{
	if (!view_ok(v) || !size || (gpa | size) & PAGE_4K_MASK)
		return -GV_EINVAL;
	if (gpa + size < gpa || gpa + size > (1ull << v->phys_bits))
		return -GV_ERANGE;
	return 0;
}

/* ---- table memory ------------------------------------------------------- */

static u64 *alloc_table(struct gv_ept_view *v, u64 *pa)
{
	u64 *t = v->ops.alloc_table(v->ops.ctx, pa);

	if (!t)
		return NULL;
	if (*pa & PAGE_4K_MASK || *pa >> v->phys_bits) {
		v->ops.free_table(v->ops.ctx, t, *pa);
		return NULL;
	}
	zero_table(t);
	return t;
}

static void stash_drain(struct gv_ept_view *v, struct stash *st)
{
	while (st->n) {
		st->n--;
		v->ops.free_table(v->ops.ctx, st->va[st->n], st->pa[st->n]);
	}
}

static int stash_fill(struct gv_ept_view *v, struct stash *st, unsigned int n)
{
	st->n = 0;
	while (st->n < n) {
		st->va[st->n] = alloc_table(v, &st->pa[st->n]);
		if (!st->va[st->n]) {
			stash_drain(v, st);
			return -GV_ENOSPC;
		}
		st->n++;
	}
	return 0;
}

static u64 *stash_take(struct stash *st, u64 *pa)
{
	st->n--;
	*pa = st->pa[st->n];
	return st->va[st->n];
}

/*
 * Queue an unlinked table for gv_ept_flush_done(). The link goes in entry 0
 * as a 4 KiB-aligned address with R/W/X clear, so a CPU that still walks the
 * table through a stale paging-structure cache sees "not present" there.
 */
static void defer_free(struct gv_ept_view *v, u64 *t, u64 pa)
{
	set_entry(&t[0], v->free_list_used ?
		  v->free_list | GV_EPTE_SW_MAPPED : 0);
	v->free_list = pa;
	v->free_list_used = true;
	v->stats.tables--;
	v->stats.pending_free++;
	v->flush = true;
}

/* Link the zeroed or filled table @t (at @pa) into the entry @pe. */
static void link_table(struct gv_ept_view *v, u64 *pe, u64 pa)
{
	set_entry(pe, pa | NONLEAF_BITS);
	v->stats.tables++;
}

/*
 * Replace the large leaf *@pe at @level by a table (@t at @pa) of 512
 * leaves with the same translation, permissions and memory type.
 */
static void split_leaf(struct gv_ept_view *v, u64 *pe, unsigned int level,
		       u64 *t, u64 pa)
{
	u64 e = *pe, sz = level_size(level - 1);
	u64 attr = e & ~(GV_EPTE_ADDR_MASK | GV_EPTE_LARGE);
	u64 addr = e & GV_EPTE_ADDR_MASK;
	unsigned int i;

	if (level - 1 > 1)
		attr |= GV_EPTE_LARGE;
	for (i = 0; i < NR_ENTRIES; i++)
		t[i] = attr | (addr + i * sz);
	link_table(v, pe, pa);
	v->stats.leaves[level]--;
	v->stats.leaves[level - 1] += NR_ENTRIES;
}

/* ---- flush tracking ----------------------------------------------------- */

bool gv_ept_entry_needs_flush(u64 old, u64 new)
{
	if (!(old & GV_EPTE_PERM_MASK))
		return false;
	if (old & GV_EPTE_PERM_MASK & ~new)
		return true;
	return (old ^ new) & (GV_EPTE_ADDR_MASK | GV_EPTE_MT_MASK |
			      GV_EPTE_IPAT | GV_EPTE_LARGE);
}

static void update_leaf(struct gv_ept_view *v, u64 *pe, u64 new)
{
	if (gv_ept_entry_needs_flush(*pe, new))
		v->flush = true;
	set_entry(pe, new);
}

bool gv_ept_flush_needed(const struct gv_ept_view *v)
{
	return v->flush;
}

void gv_ept_flush_done(struct gv_ept_view *v)
{
	while (v->free_list_used) {
		u64 pa = v->free_list;
		u64 *t = v->ops.pa_to_va(v->ops.ctx, pa);
		u64 next = t[0];

		v->free_list_used = next & GV_EPTE_SW_MAPPED;
		v->free_list = next & GV_EPTE_ADDR_MASK;
		v->ops.free_table(v->ops.ctx, t, pa);
		v->stats.pending_free--;
	}
	v->free_list = 0;
	v->flush = false;
}

/* ---- init, destroy, EPTP ------------------------------------------------ */

int gv_ept_init(struct gv_ept_view *v, const struct gv_ept_ops *ops,
		unsigned int phys_bits, unsigned int flags)
{
	unsigned int i;

	if (!v || !ops || !ops->alloc_table || !ops->free_table ||
	    !ops->pa_to_va || phys_bits < GV_EPT_MIN_PHYS_BITS ||
	    phys_bits > GV_EPT_MAX_PHYS_BITS || flags & ~GV_EPT_F_ALL)
		return -GV_EINVAL;
	v->ops = *ops;
	v->phys_bits = phys_bits;
	v->flags = flags;
	v->flush = false;
	v->free_list = 0;
	v->free_list_used = false;
	v->stats.tables = 0;
	v->stats.pending_free = 0;
	for (i = 0; i < 4; i++)
		v->stats.leaves[i] = 0;
	v->pml4 = alloc_table(v, &v->pml4_pa);
	if (!v->pml4)
		return -GV_ENOSPC;
	v->stats.tables = 1;
	return 0;
}

/* Unlink everything below @t (a table at @level); free now or defer. */
static void clear_table(struct gv_ept_view *v, u64 *t, unsigned int level,
			bool now)
{
	unsigned int i;

	for (i = 0; i < NR_ENTRIES; i++) {
		u64 e = t[i];
		u64 *child;

		if (!e)
			continue;
		if (is_leaf(e, level)) {
			v->stats.leaves[level]--;
			if (e & GV_EPTE_PERM_MASK)
				v->flush = true;
			set_entry(&t[i], 0);
			continue;
		}
		child = table_va(v, e);
		clear_table(v, child, level - 1, now);
		set_entry(&t[i], 0);
		if (now) {
			v->ops.free_table(v->ops.ctx, child,
					  e & GV_EPTE_ADDR_MASK);
			v->stats.tables--;
		} else {
			defer_free(v, child, e & GV_EPTE_ADDR_MASK);
		}
	}
}

void gv_ept_destroy(struct gv_ept_view *v)
{
	if (!view_ok(v))
		return;
	clear_table(v, v->pml4, 4, true);
	gv_ept_flush_done(v);
	v->ops.free_table(v->ops.ctx, v->pml4, v->pml4_pa);
	v->pml4 = NULL;
	v->stats.tables = 0;
}

u64 gv_ept_eptp(const struct gv_ept_view *v)
{
	return v->pml4_pa | GV_EPTP_MT_WB | GV_EPTP_WALK_4 |
	       (v->flags & GV_EPT_F_AD ? GV_EPTP_AD : 0);
}

void gv_ept_get_stats(const struct gv_ept_view *v, struct gv_ept_stats *st)
{
	*st = v->stats;
}

/* ---- lookup and walk ---------------------------------------------------- */

/* The entry where a walk for @gpa stops (a leaf or empty), and its level. */
static u64 *find_entry(const struct gv_ept_view *v, u64 gpa,
		       unsigned int *level)
{
	u64 *t = v->pml4;
	unsigned int l;

	for (l = 4; ; l--) {
		u64 *pe = &t[entry_index(gpa, l)];

		if (!*pe || is_leaf(*pe, l)) {
			*level = l;
			return pe;
		}
		t = table_va(v, *pe);
	}
}

static void decode(u64 e, unsigned int level, u64 gpa,
		   struct gv_ept_leaf *leaf)
{
	leaf->size = level_size(level);
	leaf->gpa = gpa & ~(leaf->size - 1);
	leaf->hpa = e & GV_EPTE_ADDR_MASK;
	leaf->level = level;
	leaf->perm = e & GV_EPTE_PERM_MASK;
	leaf->mt = (e >> GV_EPTE_MT_SHIFT) & (GV_EPT_IPAT | 7u);
	leaf->entry = e;
}

int gv_ept_lookup(const struct gv_ept_view *v, u64 gpa,
		  struct gv_ept_leaf *leaf)
{
	unsigned int level;
	u64 *pe;

	if (!view_ok(v))
		return -GV_EINVAL;
	if (gpa >> v->phys_bits)
		return -GV_ERANGE;
	pe = find_entry(v, gpa, &level);
	if (!*pe)
		return -GV_ENOENT;
	decode(*pe, level, gpa, leaf);
	return 0;
}

/* Entries of a table at @level (mapping from @base) that meet [a, b). */
static void index_span(u64 base, unsigned int level, u64 a, u64 b,
		       unsigned int *first, unsigned int *last)
{
	*first = (a - base) >> level_shift(level);
	*last = (b - 1 - base) >> level_shift(level);
}

static int walk_table(const struct gv_ept_view *v, u64 *t,
		      unsigned int level, u64 base, u64 a, u64 b,
		      gv_ept_walk_fn fn, void *arg)
{
	unsigned int i, first, last;
	struct gv_ept_leaf leaf;
	int ret;

	index_span(base, level, a, b, &first, &last);
	for (i = first; i <= last; i++) {
		u64 e = t[i], es = base + i * level_size(level);

		if (!e)
			continue;
		if (is_leaf(e, level)) {
			decode(e, level, es, &leaf);
			ret = fn(arg, &leaf);
		} else {
			ret = walk_table(v, table_va(v, e), level - 1, es,
					 max_u64(a, es),
					 min_u64(b, es + level_size(level)),
					 fn, arg);
		}
		if (ret)
			return ret;
	}
	return 0;
}

int gv_ept_walk(const struct gv_ept_view *v, u64 gpa, u64 size,
		gv_ept_walk_fn fn, void *arg)
{
	int ret = check_range(v, gpa, size);

	if (ret)
		return ret;
	if (!fn)
		return -GV_EINVAL;
	return walk_table(v, v->pml4, 4, 0, gpa, gpa + size, fn, arg);
}

/* ---- map one page, change its address ----------------------------------- */

/*
 * Descend to the level-1 entry of @gpa, linking stashed tables where an
 * entry is empty and splitting large leaves on the way. The stash holds
 * the (level - 1) tables find_entry()'s stopping level said are needed.
 */
static u64 *descend_alloc(struct gv_ept_view *v, u64 gpa, struct stash *st)
{
	u64 *t = v->pml4, *nt, pa;
	unsigned int l;

	for (l = 4; l > 1; l--) {
		u64 *pe = &t[entry_index(gpa, l)];

		if (!*pe) {
			nt = stash_take(st, &pa);
			link_table(v, pe, pa);
		} else if (is_leaf(*pe, l)) {
			nt = stash_take(st, &pa);
			split_leaf(v, pe, l, nt, pa);
		} else {
			nt = table_va(v, *pe);
		}
		t = nt;
	}
	return &t[entry_index(gpa, 1)];
}

int gv_ept_map_4k(struct gv_ept_view *v, u64 gpa, u64 hpa,
		  unsigned int perm, unsigned int mt)
{
	struct stash st;
	unsigned int level;
	u64 *pe, new;
	int ret;

	if (!view_ok(v) || !perm_ok(v, perm) || !mt_ok(mt))
		return -GV_EINVAL;
	ret = check_addr(v, gpa);
	if (!ret)
		ret = check_addr(v, hpa);
	if (ret)
		return ret;
	find_entry(v, gpa, &level);
	ret = stash_fill(v, &st, level - 1);
	if (ret)
		return ret;
	pe = descend_alloc(v, gpa, &st);
	new = hpa | perm | mt_bits(mt) | GV_EPTE_SW_MAPPED;
	if (!*pe)
		v->stats.leaves[1]++;
	update_leaf(v, pe, new);
	return 0;
}

int gv_ept_set_addr(struct gv_ept_view *v, u64 gpa, u64 hpa)
{
	struct stash st;
	unsigned int level;
	u64 *pe;
	int ret;

	if (!view_ok(v))
		return -GV_EINVAL;
	ret = check_addr(v, gpa);
	if (!ret)
		ret = check_addr(v, hpa);
	if (ret)
		return ret;
	pe = find_entry(v, gpa, &level);
	if (!*pe)
		return -GV_ENOENT;
	ret = stash_fill(v, &st, level - 1);
	if (ret)
		return ret;
	pe = descend_alloc(v, gpa, &st);
	update_leaf(v, pe, (*pe & ~GV_EPTE_ADDR_MASK) | hpa);
	return 0;
}

/* ---- range operations --------------------------------------------------- */

enum range_op { OP_PROT, OP_MT, OP_REMOVE };

struct range_ctx {
	enum range_op op;
	unsigned int val;
	u64 unmapped;		/* scan: bytes of the range not mapped */
	unsigned int splits;	/* scan: tables the splits need */
	struct stash st;
};

/*
 * Tables needed to isolate [lo, hi) inside the large leaf [es, es + size
 * of @level): one for the leaf, plus those of the partly covered children
 * at its two edges.
 */
static unsigned int splits_for(unsigned int level, u64 lo, u64 hi)
{
	u64 s = level_size(level - 1);
	u64 c1 = lo & ~(s - 1), c2 = (hi - 1) & ~(s - 1);
	unsigned int n = 1;

	if (level - 1 < 2)
		return n;
	if (lo != c1 || hi < c1 + s)
		n += splits_for(level - 1, lo, min_u64(hi, c1 + s));
	if (c2 != c1 && hi != c2 + s)
		n += splits_for(level - 1, c2, hi);
	return n;
}

static void range_scan(const struct gv_ept_view *v, u64 *t,
		       unsigned int level, u64 base, u64 a, u64 b,
		       struct range_ctx *rc)
{
	unsigned int i, first, last;

	index_span(base, level, a, b, &first, &last);
	for (i = first; i <= last; i++) {
		u64 e = t[i], es = base + i * level_size(level);
		u64 ee = es + level_size(level);
		u64 lo = max_u64(a, es), hi = min_u64(b, ee);

		if (!e)
			rc->unmapped += hi - lo;
		else if (!is_leaf(e, level))
			range_scan(v, table_va(v, e), level - 1, es, lo, hi,
				   rc);
		else if (lo != es || hi != ee)
			rc->splits += splits_for(level, lo, hi);
	}
}

static void leaf_apply(struct gv_ept_view *v, u64 *pe, unsigned int level,
		       struct range_ctx *rc)
{
	u64 e = *pe;

	switch (rc->op) {
	case OP_PROT:
		update_leaf(v, pe, (e & ~GV_EPTE_PERM_MASK) | rc->val);
		break;
	case OP_MT:
		update_leaf(v, pe, (e & ~(GV_EPTE_MT_MASK | GV_EPTE_IPAT)) |
				   mt_bits(rc->val));
		break;
	case OP_REMOVE:
		update_leaf(v, pe, 0);
		v->stats.leaves[level]--;
		break;
	}
}

static void range_apply(struct gv_ept_view *v, u64 *t, unsigned int level,
			u64 base, u64 a, u64 b, struct range_ctx *rc)
{
	unsigned int i, first, last;
	u64 pa, *nt;

	index_span(base, level, a, b, &first, &last);
	for (i = first; i <= last; i++) {
		u64 e = t[i], es = base + i * level_size(level);
		u64 ee = es + level_size(level);
		u64 lo = max_u64(a, es), hi = min_u64(b, ee);

		if (!e)
			continue;
		if (!is_leaf(e, level)) {
			range_apply(v, table_va(v, e), level - 1, es, lo, hi,
				    rc);
		} else if (lo == es && hi == ee) {
			leaf_apply(v, &t[i], level, rc);
		} else {
			nt = stash_take(&rc->st, &pa);
			split_leaf(v, &t[i], level, nt, pa);
			range_apply(v, nt, level - 1, es, lo, hi, rc);
		}
	}
}

static int range_op(struct gv_ept_view *v, u64 gpa, u64 size,
		    struct range_ctx *rc)
{
	int ret;

	rc->unmapped = 0;
	rc->splits = 0;
	range_scan(v, v->pml4, 4, 0, gpa, gpa + size, rc);
	if (rc->op != OP_REMOVE && rc->unmapped)
		return -GV_ENOENT;
	if (rc->op == OP_REMOVE && rc->unmapped == size)
		return 0;
	ret = stash_fill(v, &rc->st, rc->splits);
	if (ret)
		return ret;
	range_apply(v, v->pml4, 4, 0, gpa, gpa + size, rc);
	stash_drain(v, &rc->st);	/* nothing left unless a bug */
	return 0;
}

int gv_ept_set_prot(struct gv_ept_view *v, u64 gpa, u64 size,
		    unsigned int perm)
{
	struct range_ctx rc = { .op = OP_PROT, .val = perm };
	int ret = check_range(v, gpa, size);

	if (ret)
		return ret;
	if (!perm_ok(v, perm))
		return -GV_EINVAL;
	return range_op(v, gpa, size, &rc);
}

int gv_ept_set_memtype(struct gv_ept_view *v, u64 gpa, u64 size,
		       unsigned int mt)
{
	struct range_ctx rc = { .op = OP_MT, .val = mt };
	int ret = check_range(v, gpa, size);

	if (ret)
		return ret;
	if (!mt_ok(mt))
		return -GV_EINVAL;
	return range_op(v, gpa, size, &rc);
}

int gv_ept_remove(struct gv_ept_view *v, u64 gpa, u64 size)
{
	struct range_ctx rc = { .op = OP_REMOVE };
	int ret = check_range(v, gpa, size);

	if (ret)
		return ret;
	return range_op(v, gpa, size, &rc);
}

/* ---- merge -------------------------------------------------------------- */

/*
 * Can the table @t at @level become one leaf at @level + 1? Returns the
 * leaf, or 0.
 */
static u64 merged_leaf(const struct gv_ept_view *v, const u64 *t,
		       unsigned int level)
{
	u64 first = t[0], sz = level_size(level), ad = 0;
	u64 addr = first & GV_EPTE_ADDR_MASK;
	unsigned int i;

	if (level == 1 && !(v->flags & GV_EPT_F_2M))
		return 0;
	if (level == 2 && !(v->flags & GV_EPT_F_1G))
		return 0;
	if (level > 2 || !first || !is_leaf(first, level) ||
	    addr & (level_size(level + 1) - 1))
		return 0;
	for (i = 0; i < NR_ENTRIES; i++) {
		u64 e = t[i];

		if (!e || !is_leaf(e, level) ||
		    (e & LEAF_ATTR_MASK) != (first & LEAF_ATTR_MASK) ||
		    (e & GV_EPTE_ADDR_MASK) != addr + i * sz)
			return 0;
		ad |= e & (GV_EPTE_ACCESSED | GV_EPTE_DIRTY);
	}
	return (first & LEAF_ATTR_MASK) | addr | ad | GV_EPTE_LARGE;
}

static bool table_empty(const u64 *t)
{
	unsigned int i;

	for (i = 0; i < NR_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Merge below the non-leaf entry *@pe, which points to a table at @level:
 * empty tables are unlinked; with @fold, so are tables of uniform leaves,
 * replaced by one large leaf.
 */
static int merge_table(struct gv_ept_view *v, u64 *pe, unsigned int level,
		       u64 base, u64 a, u64 b, bool fold)
{
	u64 *t = table_va(v, *pe), pa = *pe & GV_EPTE_ADDR_MASK, leaf;
	unsigned int i, first, last;
	int n = 0;

	index_span(base, level, a, b, &first, &last);
	for (i = first; i <= last && level > 1; i++) {
		u64 es = base + i * level_size(level);

		if (t[i] && !is_leaf(t[i], level))
			n += merge_table(v, &t[i], level - 1, es,
					 max_u64(a, es),
					 min_u64(b, es + level_size(level)), fold);
	}
	if (table_empty(t)) {
		set_entry(pe, 0);
	} else {
		leaf = fold ? merged_leaf(v, t, level) : 0;
		if (!leaf)
			return n;
		set_entry(pe, leaf);
		v->stats.leaves[level] -= NR_ENTRIES;
		v->stats.leaves[level + 1]++;
	}
	defer_free(v, t, pa);
	return n + 1;
}

static int merge_range(struct gv_ept_view *v, u64 gpa, u64 size, bool fold)
{
	int ret = check_range(v, gpa, size), n = 0;
	unsigned int i, first, last;

	if (ret)
		return ret;
	index_span(0, 4, gpa, gpa + size, &first, &last);
	for (i = first; i <= last; i++) {
		u64 es = (u64)i << level_shift(4);

		if (v->pml4[i])
			n += merge_table(v, &v->pml4[i], 3, es,
					 max_u64(gpa, es),
					 min_u64(gpa + size,
						 es + level_size(4)), fold);
	}
	return n;
}

int gv_ept_merge(struct gv_ept_view *v, u64 gpa, u64 size)
{
	return merge_range(v, gpa, size, true);
}

int gv_ept_prune(struct gv_ept_view *v, u64 gpa, u64 size)
{
	return merge_range(v, gpa, size, false);
}

/* ---- identity map and MTRR sync ----------------------------------------- */

static unsigned int size_level(u64 size)
{
	return size == GV_PAGE_1G ? 3 : size == GV_PAGE_2M ? 2 : 1;
}

/* Install @leaf for @gpa at @level, allocating tables (no stash). */
static int install(struct gv_ept_view *v, u64 gpa, unsigned int level,
		   u64 leaf)
{
	u64 *t = v->pml4, pa;
	unsigned int l;

	for (l = 4; l > level; l--) {
		u64 *pe = &t[entry_index(gpa, l)], *nt;

		if (*pe && is_leaf(*pe, l))
			return -GV_EBUSY;
		if (*pe) {
			t = table_va(v, *pe);
			continue;
		}
		nt = alloc_table(v, &pa);
		if (!nt)
			return -GV_ENOSPC;
		link_table(v, pe, pa);
		t = nt;
	}
	if (t[entry_index(gpa, level)])
		return -GV_EBUSY;
	set_entry(&t[entry_index(gpa, level)], leaf);
	v->stats.leaves[level]++;
	return 0;
}

static u64 max_page(const struct gv_ept_view *v)
{
	if (v->flags & GV_EPT_F_1G)
		return GV_PAGE_1G;
	return v->flags & GV_EPT_F_2M ? GV_PAGE_2M : GV_PAGE_4K;
}

int gv_ept_build_identity(struct gv_ept_view *v,
			  const struct gv_mtrr_state *mtrr, u64 limit,
			  unsigned int perm)
{
	u64 addr = 0, size;
	int ret = check_range(v, 0, limit);
	u8 type = GV_MT_UC;

	if (ret)
		return ret;
	if (!mtrr || !perm_ok(v, perm))
		return -GV_EINVAL;
	if (v->stats.leaves[1] || v->stats.leaves[2] || v->stats.leaves[3])
		return -GV_EBUSY;
	while (addr < limit) {
		size = gv_mtrr_page_size(mtrr, addr, limit, max_page(v), &type);
		if (!size) {
			ret = -GV_EINVAL;	/* MTRR state narrower than limit */
			break;
		}
		ret = install(v, addr, size_level(size),
			      addr | perm | mt_bits(type) | GV_EPTE_SW_MAPPED |
			      (size > GV_PAGE_4K ? GV_EPTE_LARGE : 0));
		if (ret)
			break;
		addr += size;
	}
	if (ret)
		clear_table(v, v->pml4, 4, false);
	return ret;
}

/* Re-type the leaves below the table @t at @level; split mixed ones. */
static int sync_table(struct gv_ept_view *v, u64 *t, unsigned int level,
		      u64 base, u64 a, u64 b, const struct gv_mtrr_state *mtrr)
{
	unsigned int i, first, last;
	int ret, type;

	index_span(base, level, a, b, &first, &last);
	for (i = first; i <= last; i++) {
		u64 e = t[i], es = base + i * level_size(level);
		u64 ee = es + level_size(level), pa, *nt;
		u64 lo = max_u64(a, es), hi = min_u64(b, ee);

		if (!e)
			continue;
		if (is_leaf(e, level)) {
			type = gv_mtrr_range_type(mtrr, e & GV_EPTE_ADDR_MASK,
						  level_size(level));
			if (type < 0)
				return type;
			if (type != GV_MT_MIXED) {
				update_leaf(v, &t[i],
					    (e & ~GV_EPTE_MT_MASK) |
					    mt_bits(type));
				continue;
			}
			nt = alloc_table(v, &pa);
			if (!nt)
				return -GV_ENOSPC;
			split_leaf(v, &t[i], level, nt, pa);
			e = t[i];
		}
		ret = sync_table(v, table_va(v, e), level - 1, es, lo, hi, mtrr);
		if (ret)
			return ret;
	}
	return 0;
}

int gv_ept_sync_mtrr(struct gv_ept_view *v, const struct gv_mtrr_state *mtrr,
		     u64 gpa, u64 size)
{
	int ret = check_range(v, gpa, size);

	if (ret)
		return ret;
	if (!mtrr)
		return -GV_EINVAL;
	return sync_table(v, v->pml4, 4, 0, gpa, gpa + size, mtrr);
}

/* ---- audit -------------------------------------------------------------- */

static bool leaf_ok(const struct gv_ept_view *v, u64 e, unsigned int level)
{
	u64 addr = e & GV_EPTE_ADDR_MASK;
	unsigned int perm = e & GV_EPTE_PERM_MASK;

	if (!(e & GV_EPTE_SW_MAPPED) || addr >> v->phys_bits ||
	    e & ~(GV_EPTE_ADDR_MASK | 0xfffull) ||
	    addr & (level_size(level) - 1) ||
	    !gv_mtrr_type_valid((e & GV_EPTE_MT_MASK) >> GV_EPTE_MT_SHIFT))
		return false;
	if (level == 1 && e & GV_EPTE_LARGE)
		return false;
	return perm == 0 || perm_ok(v, perm);
}

static int audit_table(const struct gv_ept_view *v, const u64 *t,
		       unsigned int level, struct gv_ept_stats *st)
{
	unsigned int i;

	st->tables++;
	for (i = 0; i < NR_ENTRIES; i++) {
		u64 e = t[i];

		if (!e)
			continue;
		if (is_leaf(e, level)) {
			if (!leaf_ok(v, e, level))
				return -GV_EFAULT;
			st->leaves[level]++;
			continue;
		}
		/* Non-leaf: R/W/X set, bits 7:3 and 63:52 clear, in width. */
		if ((e & GV_EPTE_PERM_MASK) != NONLEAF_BITS || e & 0xf8ull ||
		    e & ~(GV_EPTE_ADDR_MASK | 0xfffull) ||
		    (e & GV_EPTE_ADDR_MASK) >> v->phys_bits ||
		    audit_table(v, table_va(v, e), level - 1, st))
			return -GV_EFAULT;
	}
	return 0;
}

int gv_ept_audit(const struct gv_ept_view *v, struct gv_ept_stats *st)
{
	struct gv_ept_stats tmp = { 0 }, *s = st ? st : &tmp;
	unsigned int i;
	int ret;

	if (!view_ok(v))
		return -GV_EINVAL;
	s->tables = 0;
	s->pending_free = v->stats.pending_free;
	for (i = 0; i < 4; i++)
		s->leaves[i] = 0;
	ret = audit_table(v, v->pml4, 4, s);
	if (ret)
		return ret;
	if (s->tables != v->stats.tables)
		return -GV_EFAULT;
	for (i = 1; i < 4; i++)
		if (s->leaves[i] != v->stats.leaves[i])
			return -GV_EFAULT;
	return 0;
}
