// SPDX-License-Identifier: GPL-2.0
/*
 * Lending memory to the green partition and returning it (ept_lend.h).
 * Root-side and freestanding; also linked into the KUnit suites.
 */
#include "ept_lend.h"
#include "../uapi/linux/greenvisor.h"

#define LEND_PAGE		0x1000ull
#define LEND_GB			0x40000000ull

static bool range_ok(u64 start, u64 end)
{
	return start < end && !((start | end) & (LEND_PAGE - 1));
}

static void ram_map_move(struct gv_ram_map *m, u32 to, u32 from)
{
	u32 i, n = m->nr - from;

	if (to < from) {
		for (i = 0; i < n; i++)
			m->r[to + i] = m->r[from + i];
	} else {
		for (i = n; i-- > 0;)
			m->r[to + i] = m->r[from + i];
	}
}

int gv_ram_map_add(struct gv_ram_map *m, u64 start, u64 end)
{
	u32 i, j;

	if (!range_ok(start, end))
		return -GV_EINVAL;
	/* Ranges i .. j-1 overlap or touch [start, end): fold them in. */
	for (i = 0; i < m->nr && m->r[i].end < start; i++)
		;
	for (j = i; j < m->nr && m->r[j].start <= end; j++) {
		if (m->r[j].start < start)
			start = m->r[j].start;
		if (m->r[j].end > end)
			end = m->r[j].end;
	}
	if (i == j) {
		if (m->nr == GV_RAM_MAP_MAX)
			return -GV_ENOSPC;
		ram_map_move(m, i + 1, i);
		m->nr++;
	} else if (j > i + 1) {
		ram_map_move(m, i + 1, j);
		m->nr -= j - i - 1;
	}
	m->r[i].start = start;
	m->r[i].end = end;
	return 0;
}

bool gv_ram_map_covers(const struct gv_ram_map *m, u64 start, u64 end)
{
	u32 i;

	/* Merged ranges: a covered range lies inside one of them. */
	for (i = 0; i < m->nr; i++) {
		if (m->r[i].start <= start && end <= m->r[i].end)
			return true;
	}
	return false;
}

bool gv_ram_map_overlaps(const struct gv_ram_map *m, u64 start, u64 end)
{
	u32 i;

	for (i = 0; i < m->nr; i++) {
		if (start < m->r[i].end && m->r[i].start < end)
			return true;
	}
	return false;
}

/* gv_ept_walk() callbacks; the cursor is the first byte not yet covered. */
struct coverage {
	u64 cursor;
	int gap_err;
	bool need_rich_owned;
};

static int cover_leaf(void *arg, const struct gv_ept_leaf *leaf)
{
	struct coverage *cv = arg;

	if (leaf->gpa > cv->cursor)
		return cv->gap_err;
	if (cv->need_rich_owned &&
	    (leaf->perm != GV_EPT_RWX || leaf->hpa != leaf->gpa))
		return -GV_EPERM;
	cv->cursor = leaf->gpa + leaf->size;
	return 0;
}

static int any_leaf(void *arg, const struct gv_ept_leaf *leaf)
{
	return -GV_EBUSY;
}

/* Is [gpa, gpa + size) mapped without a gap (and rich-owned if asked)? */
static int check_covered(const struct gv_ept_view *v, u64 gpa, u64 size,
			 int gap_err, bool need_rich_owned)
{
	struct coverage cv = {
		.cursor = gpa,
		.gap_err = gap_err,
		.need_rich_owned = need_rich_owned,
	};
	int err = gv_ept_walk(v, gpa, size, cover_leaf, &cv);

	if (!err && cv.cursor < gpa + size)
		err = gap_err;
	return err;
}

int gv_lend_validate(const struct gv_lend_ctx *x, u32 dir, u64 gpa, u64 size)
{
	int err;

	if (dir != GV_MEM_LEND && dir != GV_MEM_RETURN)
		return -GV_EINVAL;
	if (!range_ok(gpa, gpa + size))
		return -GV_EINVAL;
	if (!gv_ram_map_covers(x->ram, gpa, gpa + size))
		return -GV_ERANGE;
	if (dir == GV_MEM_RETURN)
		return check_covered(x->green, gpa, size, -GV_ENOENT, false);
	/* A lent page is also not rich-owned: report it as lent first. */
	err = gv_ept_walk(x->green, gpa, size, any_leaf, NULL);
	return err ?: check_covered(x->rich, gpa, size, -GV_EPERM, true);
}

/* Map one page into the green view as the rich view maps it now. */
static int green_map_like_rich(struct gv_lend_ctx *x, u64 pa)
{
	struct gv_ept_leaf leaf;

	if (gv_ept_lookup(x->rich, pa, &leaf) || leaf.perm != GV_EPT_RWX ||
	    leaf.hpa + (pa - leaf.gpa) != pa)
		return -GV_EPERM;
	return gv_ept_map_4k(x->green, pa, pa, GV_EPT_RWX, leaf.mt);
}

static int lend_pages(struct gv_lend_ctx *x, u64 gpa, u64 n)
{
	u64 i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = green_map_like_rich(x, gpa + i * LEND_PAGE);
	if (err)
		i--;	/* the failed page is not mapped */
	else
		err = gv_ept_set_prot(x->rich, gpa, n * LEND_PAGE, 0);
	/* Removing 4 KiB leaves of the green view needs no table: no error. */
	if (err && i)
		gv_ept_remove(x->green, gpa, i * LEND_PAGE);
	return err;
}

/* The 1 GiB-aligned span around [gpa, end), clipped to the view. */
static void span_around(const struct gv_ept_view *v, u64 gpa, u64 end,
			u64 *lo, u64 *len)
{
	u64 hi = (end + LEND_GB - 1) & ~(LEND_GB - 1);
	u64 limit = 1ull << v->phys_bits;

	*lo = gpa & ~(LEND_GB - 1);
	if (hi > limit || !hi)
		hi = limit;
	*len = hi - *lo;
}

/*
 * After a return: the rich view's returned pages join their neighbours in
 * large leaves again, and the green view gives back the tables left empty
 * (freed after the shootdown, as every unlinked table is), so its size
 * follows what is lent, not what ever was. Green leaves are never folded:
 * returning one 4 KiB page of a large green leaf would need a split.
 */
static void merge_around(struct gv_lend_ctx *x, u64 gpa, u64 end)
{
	u64 lo, len;

	span_around(x->rich, gpa, end, &lo, &len);
	gv_ept_merge(x->rich, lo, len);
	span_around(x->green, gpa, end, &lo, &len);
	gv_ept_prune(x->green, lo, len);
}

static int return_pages(struct gv_lend_ctx *x, u64 gpa, u64 n)
{
	u64 i, len = n * LEND_PAGE;
	int err;

	/*
	 * Split the rich view's leaves at the range's edges first (access
	 * unchanged: lent pages have none): the only step that allocates,
	 * so nothing changes if it fails, and the grant below cannot fail.
	 */
	err = gv_ept_set_prot(x->rich, gpa, len, 0);
	if (err)
		return err;
	gv_ept_remove(x->green, gpa, len);
	x->flush_green(x->arg);
	for (i = 0; i < n; i++)
		x->scrub(x->arg, gpa + i * LEND_PAGE);
	err = gv_ept_set_prot(x->rich, gpa, len, GV_EPT_RWX);
	merge_around(x, gpa, gpa + len);
	return err;
}

int gv_mem_op_run(struct gv_lend_ctx *x, u32 dir, u64 gpa, u64 size,
		  u64 budget, u64 *done)
{
	struct gv_mem_op *op = x->op;
	u64 n;
	int err;

	*done = 0;
	if (!budget)
		return -GV_EINVAL;
	if (op->dir == GV_MEM_NONE) {
		err = gv_lend_validate(x, dir, gpa, size);
		if (err)
			return err;
		op->dir = dir;
		op->start = gpa;
		op->next = gpa;
		op->end = gpa + size;
	} else if (op->dir != dir || op->start != gpa ||
		   op->end - op->start != size) {
		return -GV_EBUSY;
	}
	n = (op->end - op->next) / LEND_PAGE;
	if (n > budget)
		n = budget;
	err = dir == GV_MEM_LEND ? lend_pages(x, op->next, n) :
				   return_pages(x, op->next, n);
	if (!err)
		op->next += n * LEND_PAGE;
	*done = op->next - op->start;
	if (err || op->next == op->end) {
		op->dir = GV_MEM_NONE;
		return err;
	}
	return GV_HC_RETRY;
}

int gv_ept_change_allowed(const struct gv_ram_map *guard,
			  const struct gv_ept_view *green_view, bool green,
			  u64 gpa, u64 size, u64 hpa)
{
	if (!range_ok(gpa, gpa + size))
		return -GV_EINVAL;
	if (hpa != ~0ull) {
		if (hpa & (LEND_PAGE - 1) || hpa + size < hpa)
			return -GV_EINVAL;
		if (gv_ram_map_overlaps(guard, hpa, hpa + size))
			return -GV_EPERM;
	}
	if (green)
		return 0;
	if (gv_ram_map_overlaps(guard, gpa, gpa + size))
		return -GV_EPERM;
	/* Lent pages are identity-mapped in the green view: gpa == hpa. */
	if (hpa != ~0ull && gv_ept_walk(green_view, hpa, size, any_leaf, NULL))
		return -GV_EBUSY;
	return gv_ept_walk(green_view, gpa, size, any_leaf, NULL);
}
