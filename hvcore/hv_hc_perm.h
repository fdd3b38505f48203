/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one permission check of the vmcall dispatcher (DESIGN.md
 * "Hypercalls"; ACRN's hc_dispatch permission flags were the model). Pure
 * logic, KUnit-tested as a matrix (tests/kunit/hc_perm_test.c).
 */
#ifndef GV_HV_HC_PERM_H
#define GV_HV_HC_PERM_H

#include "hv_types.h"

/* Partitions a vmcall can come from. */
enum gv_partition {
	GV_PART_RICH = 0,
	GV_PART_GREEN = 1,
	GV_PART_NR,
};

/* Dispatch-table flags: who may make the call. */
#define GV_HC_FROM_RICH		BIT(GV_PART_RICH)
#define GV_HC_FROM_GREEN	BIT(GV_PART_GREEN)
#define GV_HC_FROM_USER		BIT(8)	/* also from CPL 1-3 (else CPL0 only) */

enum gv_hc_verdict {
	GV_HC_RUN = 0,		/* call the handler */
	GV_HC_RAISE_UD,		/* #UD: not our signature, or no rights */
	GV_HC_RAISE_GP,		/* #GP(0): CPL0 call from CPL 1-3 */
	GV_HC_FAIL_EINVAL,	/* RAX = -EINVAL: unknown or not permitted */
};

/**
 * gv_hc_permit - may this vmcall run?
 * @ours:       RAX[63:32] is GV_HC_SIGNATURE.
 * @rights:     partitions with hypercall rights (BIT(GV_PART_*)).
 * @partition:  the caller's partition.
 * @cpl:        the caller's privilege level (0-3).
 * @flags:      the table entry's GV_HC_FROM_* flags; NULL for a number
 *              with no entry.
 *
 * In this order: not ours or no rights -> #UD; unknown or not permitted
 * for the partition -> -EINVAL; CPL0-only from CPL 1-3 -> #GP(0).
 * Inline: it runs on every VMCALL exit.
 */
static __always_inline enum gv_hc_verdict
gv_hc_permit(bool ours, u32 rights, u32 partition, u32 cpl, const u32 *flags)
{
	if (!ours || partition >= GV_PART_NR || !(rights & BIT(partition)))
		return GV_HC_RAISE_UD;
	if (!flags || !(*flags & BIT(partition)))
		return GV_HC_FAIL_EINVAL;
	if (cpl && !(*flags & GV_HC_FROM_USER))
		return GV_HC_RAISE_GP;
	return GV_HC_RUN;
}

#endif /* GV_HV_HC_PERM_H */
