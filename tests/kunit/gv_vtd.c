// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-d pure-logic sources under test (vtd/), compiled into
 * greenvisor_kunit.ko as its own copies with the root-side flags (see
 * tests/kunit/kunit.kbuild), like gv_hvcore.c does for hvcore/ and ept/.
 */
#include "../../vtd/dmar.c"
#include "../../vtd/vtd_pt.c"
#include "../../vtd/vtd_domid.c"
