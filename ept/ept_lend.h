/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lending memory to the green partition (DESIGN.md "EPT"): a page range
 * moves from the rich view (its leaves lose all access) to the green view
 * (identity, read/write/execute, the rich leaf's memory type); returning
 * scrubs it, gives the rich view its access back and unmaps it from the
 * green view. Pure root-side logic on two views; the caller supplies the
 * scrubber and the green-view flush, and does the INVEPT shootdown of the
 * rich view after every step that removed access from it
 * (gv_ept_flush_needed()).
 *
 * Long operations are preemptible (uapi GV_HC_RETRY): each call moves at
 * most a budget of pages and remembers where it stopped in a struct
 * gv_mem_op; the caller issues the same call again to go on. While one
 * operation is in progress every other one is refused with -GV_EBUSY.
 *
 * Refusals, always before anything changes:
 *  -GV_EINVAL  empty range, not 4 KiB aligned, or wrapping around;
 *  -GV_ERANGE  not entirely System RAM (the map the Linux side reported);
 *  -GV_EBUSY   lend: part of the range is lent already; any: another
 *              operation is in progress;
 *  -GV_EPERM   lend: part of the range is not rich-owned memory, i.e. not
 *              identity-mapped read/write/execute in the rich view (the
 *              pool, greenvisor's or a hypapp's text, other protections);
 *  -GV_ENOENT  return: part of the range is not lent.
 * -GV_ENOSPC (no table page) can happen after earlier steps moved pages:
 * the operation ends, *done says how much moved, and the caller returns
 * that part to undo it.
 */
#ifndef GV_EPT_LEND_H
#define GV_EPT_LEND_H

#include "ept_table.h"

#define GV_RAM_MAP_MAX		128	/* ranges a struct gv_ram_map holds */

/* [start, end), both 4 KiB aligned. */
struct gv_ram_range {
	u64 start, end;
};

/* Sorted, non-overlapping, adjacent ranges merged. */
struct gv_ram_map {
	u32 nr;
	struct gv_ram_range r[GV_RAM_MAP_MAX];
};

enum gv_mem_dir {
	GV_MEM_NONE = 0,
	GV_MEM_LEND = 1,
	GV_MEM_RETURN = 2,
};

/* The operation in progress: [start, end), done up to next. */
struct gv_mem_op {
	u32 dir;		/* enum gv_mem_dir; GV_MEM_NONE when idle */
	u64 start, end, next;
};

/**
 * struct gv_lend_ctx - what a lend/return works on.
 * @rich:      the rich view.
 * @green:     the green view.
 * @ram:       System RAM.
 * @op:        the operation in progress (zeroed when idle).
 * @flush_green: make every CPU drop its translations of the green view
 *             now (a return calls it after unmapping pages from the green
 *             view and before scrubbing them, so the green partition
 *             cannot write to a page after its scrub).
 * @scrub:     zero the 4 KiB page at physical address @pa.
 * @arg:       passed to @flush_green and @scrub.
 */
struct gv_lend_ctx {
	struct gv_ept_view *rich;
	struct gv_ept_view *green;
	const struct gv_ram_map *ram;
	struct gv_mem_op *op;
	void (*flush_green)(void *arg);
	void (*scrub)(void *arg, u64 pa);
	void *arg;
};

/**
 * gv_ram_map_add - add [@start, @end) to @m, keeping it sorted and merged.
 * Return: 0; -GV_EINVAL (unaligned or empty); -GV_ENOSPC (map full).
 */
int gv_ram_map_add(struct gv_ram_map *m, u64 start, u64 end);

/* Is every byte of [@start, @end) in @m? */
bool gv_ram_map_covers(const struct gv_ram_map *m, u64 start, u64 end);

/* Is any byte of [@start, @end) in @m? */
bool gv_ram_map_overlaps(const struct gv_ram_map *m, u64 start, u64 end);

/**
 * gv_ept_change_allowed - may a hypapp change [@gpa, @gpa + @size) of the
 * rich (@green false) or green view, mapping it to @hpa (~0: no new
 * address)? The wall holds whatever a hypapp asks (DESIGN.md "Two worlds,
 * one wall"):
 *  - no rich-view change over the hypervisor (@guard: pool and root text),
 *    and no page of @guard mapped anywhere: -GV_EPERM;
 *  - no rich-view change over pages lent to the green view, nor a rich
 *    mapping to one: -GV_EBUSY;
 *  - ranges 4 KiB aligned, not empty, not wrapping: else -GV_EINVAL.
 * Return: 0 when allowed.
 */
int gv_ept_change_allowed(const struct gv_ram_map *guard,
			  const struct gv_ept_view *green_view, bool green,
			  u64 gpa, u64 size, u64 hpa);

/**
 * gv_lend_validate - may [@gpa, @gpa + @size) be lent (@dir GV_MEM_LEND)
 * or returned (GV_MEM_RETURN) now? Changes nothing.
 * Return: 0 or one of the refusals listed at the top of this file.
 */
int gv_lend_validate(const struct gv_lend_ctx *x, u32 dir, u64 gpa, u64 size);

/**
 * gv_mem_op_run - start or continue lending/returning [@gpa, @gpa + @size).
 * @x:      the views and state.
 * @dir:    GV_MEM_LEND or GV_MEM_RETURN.
 * @budget: most pages to move in this call (>= 1).
 * @done:   out: bytes of the range moved so far (this call and earlier
 *          ones of the same operation).
 *
 * The first call validates the whole range and starts the operation; a
 * call with the same @dir, @gpa and @size continues it.
 *
 * Return: 0 when the whole range has moved; GV_HC_RETRY when pages remain
 * (call again); a negative refusal (nothing changed by this call); or
 * -GV_ENOSPC (this call moved nothing more; the operation is over and
 * *@done bytes from @gpa have moved).
 */
int gv_mem_op_run(struct gv_lend_ctx *x, u32 dir, u64 gpa, u64 size,
		  u64 budget, u64 *done);

#endif /* GV_EPT_LEND_H */
