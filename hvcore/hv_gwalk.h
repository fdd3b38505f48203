/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest page walk: translate a guest-linear address through the guest's
 * own page tables, with the permission checks the CPU would make, so that
 * the root side never trusts a guest pointer (DESIGN.md "Hypercalls":
 * guest memory is read through a checked walk of the caller's page
 * tables). Pure logic: page-table entries are read through a callback (the
 * root side reads guest-physical memory through the EPT view of the
 * caller); KUnit-tested (tests/kunit/gwalk_test.c).
 *
 * Supported: IA-32e paging with 4 or 5 levels (SDM Vol. 3A, 4.5), the only
 * mode a 64-bit Linux guest runs in; anything else is -GV_EINVAL. The walk
 * never sets accessed or dirty bits.
 */
#ifndef GV_HV_GWALK_H
#define GV_HV_GWALK_H

#include "hv_types.h"

/* Access kinds, as the #PF error code has them (SDM Vol. 3A, 4.7). */
#define GV_PF_PRESENT	BIT(0)	/* in the error code: a protection fault */
#define GV_PF_WRITE	BIT(1)
#define GV_PF_USER	BIT(2)
#define GV_PF_RSVD	BIT(3)
#define GV_PF_FETCH	BIT(4)

/**
 * struct gv_gwalk_env - the guest's paging state and memory.
 * @cr0, @cr3, @cr4, @efer: the guest's registers.
 * @rflags_ac:  RFLAGS.AC (SMAP is off for supervisor accesses when set).
 * @maxphyaddr: physical-address width (entry bits at and above are reserved).
 * @read_gpa:   read the 8-byte entry at guest-physical @gpa into *@val;
 *              0, or nonzero when the guest cannot read it there (then the
 *              walk fails with -GV_EFAULT and no error code).
 * @arg:        passed to @read_gpa.
 */
struct gv_gwalk_env {
	u64 cr0, cr3, cr4, efer;
	bool rflags_ac;
	unsigned int maxphyaddr;
	int (*read_gpa)(void *arg, u64 gpa, u64 *val);
	void *arg;
};

/**
 * gv_gwalk - translate @gva for an access of kind @access
 * (GV_PF_WRITE | GV_PF_USER | GV_PF_FETCH, 0 for a supervisor read).
 *
 * Return: 0 and *@gpa; -GV_EFAULT with *@pf_err the #PF error code the CPU
 * would deliver (0 when a table could not be read); -GV_ERANGE for a
 * non-canonical @gva (a #GP on the CPU); -GV_EINVAL when the guest is not
 * in IA-32e paging mode.
 */
int gv_gwalk(const struct gv_gwalk_env *e, u64 gva, u32 access, u64 *gpa,
	     u32 *pf_err);

/**
 * struct gv_gcopy_ops - how the caller reaches guest-physical pages.
 * @map:   make the 4 KiB page at @gpa (aligned) accessible for reading, or
 *         writing when @write, and return its address in *@va; nonzero
 *         when the guest itself may not access it that way (e.g. not in
 *         its EPT view): the copy fails with -GV_EFAULT.
 * @unmap: end the access @map gave (called once per successful @map).
 */
struct gv_gcopy_ops {
	int (*map)(void *arg, u64 gpa, bool write, void **va);
	void (*unmap)(void *arg);
};

/**
 * gv_guest_copy - copy @len bytes between @buf and guest-linear @gva, page
 * by page, each page checked by gv_gwalk() for the access (@access:
 * GV_PF_USER for a user-mode caller's pointer; GV_PF_WRITE is added when
 * @to_guest) and reached through @ops.
 *
 * Return: 0; -GV_EFAULT (*@pf_err as gv_gwalk(), 0 when @map refused) or
 * -GV_ERANGE / -GV_EINVAL from the walk, or -GV_EINVAL when the range
 * wraps. On an error the bytes before the failing page were copied.
 */
int gv_guest_copy(const struct gv_gwalk_env *e, const struct gv_gcopy_ops *ops,
		  void *arg, u64 gva, void *buf, u64 len, bool to_guest,
		  u32 access, u32 *pf_err);

#endif /* GV_HV_GWALK_H */
