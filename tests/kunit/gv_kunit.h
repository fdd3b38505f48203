/* SPDX-License-Identifier: GPL-2.0 */
/* greenvisor KUnit suites, run by gv_kunit_main.c. */
#ifndef GV_KUNIT_H
#define GV_KUNIT_H

#include <kunit/test.h>

extern struct kunit_suite gv_vmx_ctl_suite;
extern struct kunit_suite gv_cpuid_suite;
extern struct kunit_suite gv_xcr_suite;
extern struct kunit_suite gv_kunit_canary_suite;
extern struct kunit_suite gv_ept_mtrr_suite;
extern struct kunit_suite gv_ept_table_suite;
extern struct kunit_suite gv_ept_lend_suite;
extern struct kunit_suite gv_hc_perm_suite;
extern struct kunit_suite gv_gwalk_suite;
extern struct kunit_suite gv_hypapp_suite;
extern struct kunit_suite gv_vtd_dmar_suite;
extern struct kunit_suite gv_vtd_pt_suite;
extern struct kunit_suite gv_vtd_domid_suite;
extern struct kunit_suite gv_event_suite;

#endif /* GV_KUNIT_H */
