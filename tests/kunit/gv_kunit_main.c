// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor_kunit.ko: runs greenvisor's KUnit suites when loaded.
 *
 * The kernel this is built for has CONFIG_KUNIT unset, so its module loader
 * neither knows the .kunit_test_suites section nor runs suites on load, and
 * kunit.ko (built out of tree by tools/kunit/build.sh) has no module
 * notifier. This module therefore runs its suites itself, from module_init,
 * through kunit.ko's exported __kunit_test_suites_init(). Results are KTAP
 * in the kernel log; a failing case does not fail the load.
 *
 * After the top-level plan, it logs one KTAP diagnostic line per suite with
 * the number of results the suite must produce (one per plain case, one per
 * parameter of a parameterized case), counted from the suites' own tables,
 * so that the rig can tell a complete run from a truncated one:
 *   # gv_kunit: expect <suite> <results>
 *
 * canary=1 runs only the canary suite, whose first case must fail: it proves
 * that failures travel from an assertion to the rig's report.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <kunit/test.h>

#include "gv_kunit.h"

static bool canary;
module_param(canary, bool, 0444);
MODULE_PARM_DESC(canary,
		 "Run only the canary suite, which must report one failure");

static struct kunit_suite *gv_suites[] = {
	&gv_vmx_ctl_suite,
	&gv_cpuid_suite,
	&gv_xcr_suite,
	&gv_ept_mtrr_suite,
	&gv_ept_table_suite,
	&gv_ept_lend_suite,
	&gv_hc_perm_suite,
	&gv_gwalk_suite,
	&gv_hypapp_suite,
	&gv_vtd_dmar_suite,
	&gv_vtd_pt_suite,
	&gv_vtd_domid_suite,
	&gv_event_suite,
};

static struct kunit_suite *gv_canary_suites[] = {
	&gv_kunit_canary_suite,
};

static struct kunit_suite **gv_run;
static int gv_nr_run;

static unsigned int gv_count_params(struct kunit_case *c)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	const void *param = NULL;
	unsigned int n = 0;

	while ((param = c->generate_params(param, desc)))
		n++;
	return n;
}

static unsigned int gv_expected_results(struct kunit_suite *suite)
{
	struct kunit_case *c;
	unsigned int n = 0;

	for (c = suite->test_cases; c->run_case; c++)
		n += c->generate_params ? gv_count_params(c) : 1;
	return n;
}

static int __init gv_kunit_init(void)
{
	int i;

	gv_run = canary ? gv_canary_suites : gv_suites;
	gv_nr_run = canary ? ARRAY_SIZE(gv_canary_suites) :
			     ARRAY_SIZE(gv_suites);

	pr_info("KTAP version 1\n");
	pr_info("1..%d\n", gv_nr_run);
	for (i = 0; i < gv_nr_run; i++)
		pr_info("# gv_kunit: expect %s %u\n", gv_run[i]->name,
			gv_expected_results(gv_run[i]));
	return __kunit_test_suites_init(gv_run, gv_nr_run);
}

static void __exit gv_kunit_exit(void)
{
	__kunit_test_suites_exit(gv_run, gv_nr_run);
}

module_init(gv_kunit_init);
module_exit(gv_kunit_exit);

MODULE_DESCRIPTION("greenvisor KUnit suites (pure root-side logic)");
MODULE_LICENSE("GPL");
