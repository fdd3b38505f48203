/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EPT API for hypapps: ROOT SIDE ONLY. Call these from a hypapp's root
 * callbacks (they run in VMX root mode on greenvisor's stack, see
 * DESIGN.md "Hypapps"); never from Linux-side code, which reaches the root
 * side only by vmcall. XMHF's hpt library was the model for what a hypapp
 * needs (look up, insert, set protection, set memory type, set address,
 * remove, walk, lend/return); greenvisor's own lend/return is
 * GV_HC_MEM_LEND/RETURN (uapi/linux/greenvisor.h).
 *
 * Views: GV_VIEW_RICH (the rich OS's identity view) and GV_VIEW_GREEN (the
 * green partition's). Addresses are guest-physical (@gpa) and
 * host-physical (@hpa), 4 KiB aligned; sizes are 4 KiB multiples.
 * Permissions are GV_EPT_R/W/X; memory types GV_MT_* (UC 0, WC 1, WT 4,
 * WP 5, WB 6), optionally | GV_EPT_IPAT. Large pages are split on demand
 * and every call is all-or-nothing.
 *
 * Every call that removes or reduces access, or changes an address or a
 * memory type, returns only after every CPU in VMX operation has flushed
 * the views (INVEPT shootdown: other CPUs are made to exit by an NMI).
 * Do not call them with greenvisor's EPT lock held, nor between
 * gv_quiesce_begin() and gv_quiesce_end() of another CPU (they would wait
 * for it); inside your own quiesce they are fine.
 *
 * The wall holds whatever a hypapp asks: no rich-view change over the
 * hypervisor's pool or root text and no mapping of them anywhere
 * (-GV_EPERM), no rich-view change over memory lent to the green
 * partition nor a rich mapping of it (-GV_EBUSY).
 *
 * Errors are negative GV_E* values: -GV_EINVAL bad argument; -GV_ERANGE
 * beyond the guest-physical width; -GV_ENOENT not mapped; -GV_ENOSPC no
 * table page left; -GV_EPERM / -GV_EBUSY as above.
 */
#ifndef _GREENVISOR_HYPAPP_EPT_H
#define _GREENVISOR_HYPAPP_EPT_H

#include "../../ept/ept_table.h"
#include "../../ept/ept_owner.h"

struct gv_cpu;	/* the calling CPU's root state, given to every callback */

/* What a hypapp's EPT-violation handler is told. */
struct gv_ept_fault {
	u32 view;		/* GV_VIEW_* the CPU was running in */
	u64 gpa;
	u64 gva;		/* ~0 when the qualification has no linear address */
	u64 qualification;	/* SDM Vol. 3C, Table 28-7 */
	u32 access;		/* GV_EPT_R/W/X: what the access was */
};

/* What the handler decides. */
enum gv_ept_verdict {
	GV_EPT_BLOCK = 0,	/* fault the guest (the default semantics) */
	GV_EPT_RETRY = 1,	/* the handler fixed the view: re-execute */
};

typedef enum gv_ept_verdict (*gv_ept_fault_fn)(struct gv_cpu *c,
					       const struct gv_ept_fault *f,
					       void *arg);

/* gv_hpt_lookup: how @view maps @gpa (the whole leaf). */
int gv_hpt_lookup(struct gv_cpu *c, u32 view, u64 gpa,
		  struct gv_ept_leaf *leaf);
/* gv_hpt_map: map one 4 KiB page (insert or replace). */
int gv_hpt_map(struct gv_cpu *c, u32 view, u64 gpa, u64 hpa, u32 perm,
	       u32 mt);
int gv_hpt_set_prot(struct gv_cpu *c, u32 view, u64 gpa, u64 size, u32 perm);
int gv_hpt_set_memtype(struct gv_cpu *c, u32 view, u64 gpa, u64 size,
		       u32 mt);
/* gv_hpt_set_addr: point the mapped page @gpa at @hpa. */
int gv_hpt_set_addr(struct gv_cpu *c, u32 view, u64 gpa, u64 hpa);
int gv_hpt_remove(struct gv_cpu *c, u32 view, u64 gpa, u64 size);
/* gv_hpt_walk: @fn for each leaf overlapping the range; @fn must not change views. */
int gv_hpt_walk(struct gv_cpu *c, u32 view, u64 gpa, u64 size,
		gv_ept_walk_fn fn, void *arg);

/*
 * Violations in [@gpa, @gpa + @size) of @view go to @fn (with @arg) first.
 * Claims of one view never overlap (-GV_EBUSY). @owner identifies the
 * hypapp (its registration id); gv_hpt_release_all() on unregistration.
 */
int gv_hpt_claim(struct gv_cpu *c, u32 owner, u32 view, u64 gpa, u64 size,
		 gv_ept_fault_fn fn, void *arg);
int gv_hpt_release(struct gv_cpu *c, u32 owner, u32 view, u64 gpa, u64 size);
void gv_hpt_release_all(struct gv_cpu *c, u32 owner);

/* TLB shootdown of every view on every CPU (no change needed). */
void gv_hpt_sync(struct gv_cpu *c);

#endif /* _GREENVISOR_HYPAPP_EPT_H */
