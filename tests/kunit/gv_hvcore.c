// SPDX-License-Identifier: GPL-2.0
/*
 * The pure-logic root-side sources under test, compiled into
 * greenvisor_kunit.ko as its own copies (with the root-side flags, see
 * tests/kunit/kunit.kbuild) so that no object is linked into two modules.
 */
#include "../../hvcore/hv_vmx_ctl.c"
#include "../../hvcore/hv_cpuid.c"
#include "../../hvcore/hv_xcr.c"
#include "../../hvcore/hv_gwalk.c"
#include "../../hvcore/hv_hypapp_tab.c"
#include "../../ept/ept_mtrr.c"
#include "../../ept/ept_table.c"
#include "../../ept/ept_lend.c"
#include "../../ept/ept_owner.c"
