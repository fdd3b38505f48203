// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_hc_perm: hvcore/hv_hc_perm.h, the vmcall dispatcher's one
 * permission check, as a matrix of signature x partition rights x caller
 * partition x CPL x table entry (DESIGN.md "Hypercalls": no rights -> #UD,
 * CPL0-only from CPL 1-3 -> #GP(0), unknown or not permitted -> -EINVAL).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../hvcore/hv_hc_perm.h"
#include "gv_kunit.h"

#define RICH	GV_PART_RICH
#define GREEN	GV_PART_GREEN
#define R_RICH	BIT(GV_PART_RICH)
#define R_GREEN	BIT(GV_PART_GREEN)
#define R_BOTH	(R_RICH | R_GREEN)
#define UNKNOWN	0xffffffffu	/* no table entry */

#define RUN	GV_HC_RUN
#define UD	GV_HC_RAISE_UD
#define GP	GV_HC_RAISE_GP
#define V_EINVAL	GV_HC_FAIL_EINVAL

struct perm_case {
	const char *name;
	bool ours;
	u32 rights, partition, cpl, flags;
	enum gv_hc_verdict want;
};

static const struct perm_case perm_cases[] = {
	/* The rich kernel and its user space, as the core table has them. */
	{ "rich_cpl0_kernel_call", true, R_RICH, RICH, 0, GV_HC_FROM_RICH, RUN },
	{ "rich_cpl3_kernel_call", true, R_RICH, RICH, 3, GV_HC_FROM_RICH, GP },
	{ "rich_cpl1_kernel_call", true, R_RICH, RICH, 1, GV_HC_FROM_RICH, GP },
	{ "rich_cpl3_user_call", true, R_RICH, RICH, 3,
	  GV_HC_FROM_RICH | GV_HC_FROM_USER, RUN },
	{ "rich_cpl0_user_call", true, R_RICH, RICH, 0,
	  GV_HC_FROM_RICH | GV_HC_FROM_USER, RUN },
	/* Unknown numbers: -EINVAL at any CPL (no #GP for a call that is not there). */
	{ "rich_cpl0_unknown", true, R_RICH, RICH, 0, UNKNOWN, V_EINVAL },
	{ "rich_cpl3_unknown", true, R_RICH, RICH, 3, UNKNOWN, V_EINVAL },
	/* A call the caller's partition may not make: -EINVAL, even from CPL3. */
	{ "rich_calls_green_only", true, R_BOTH, RICH, 0, GV_HC_FROM_GREEN, V_EINVAL },
	{ "rich_cpl3_calls_green_only", true, R_BOTH, RICH, 3, GV_HC_FROM_GREEN, V_EINVAL },
	{ "green_calls_rich_only", true, R_BOTH, GREEN, 0, GV_HC_FROM_RICH, V_EINVAL },
	{ "green_calls_shared", true, R_BOTH, GREEN, 0,
	  GV_HC_FROM_RICH | GV_HC_FROM_GREEN, RUN },
	{ "green_cpl3_pal_call", true, R_BOTH, GREEN, 3,
	  GV_HC_FROM_GREEN | GV_HC_FROM_USER, RUN },
	{ "green_cpl3_kernel_call", true, R_BOTH, GREEN, 3, GV_HC_FROM_GREEN, GP },
	/* No hypercall rights: #UD before anything else is looked at. */
	{ "green_without_rights", true, R_RICH, GREEN, 0,
	  GV_HC_FROM_GREEN | GV_HC_FROM_USER, UD },
	{ "green_without_rights_unknown", true, R_RICH, GREEN, 3, UNKNOWN, UD },
	{ "rich_without_rights", true, R_GREEN, RICH, 0, GV_HC_FROM_RICH, UD },
	{ "nobody_has_rights", true, 0, RICH, 0, GV_HC_FROM_RICH, UD },
	/* Another hypervisor's signature: #UD, as on bare metal. */
	{ "foreign_signature_cpl0", false, R_BOTH, RICH, 0, GV_HC_FROM_RICH, UD },
	{ "foreign_signature_cpl3_user", false, R_BOTH, RICH, 3,
	  GV_HC_FROM_RICH | GV_HC_FROM_USER, UD },
	{ "foreign_signature_unknown", false, R_BOTH, RICH, 0, UNKNOWN, UD },
	/* Out-of-range partition ids are refused, never used as a bit index. */
	{ "bad_partition", true, 0xffffffffu, GV_PART_NR, 0, 0xffffffffu, UD },
	{ "entry_for_nobody", true, R_RICH, RICH, 0, 0, V_EINVAL },
};

static void perm_desc(const struct perm_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(perm, perm_cases, perm_desc);

static void hc_permit(struct kunit *test)
{
	const struct perm_case *c = test->param_value;
	const u32 *flags = c->flags == UNKNOWN ? NULL : &c->flags;

	KUNIT_EXPECT_EQ(test, gv_hc_permit(c->ours, c->rights, c->partition,
					   c->cpl, flags), c->want);
}

static struct kunit_case gv_hc_perm_cases[] = {
	KUNIT_CASE_PARAM(hc_permit, perm_gen_params),
	{}
};

struct kunit_suite gv_hc_perm_suite = {
	.name = "gv_hc_perm",
	.test_cases = gv_hc_perm_cases,
};
