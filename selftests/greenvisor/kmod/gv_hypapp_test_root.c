// SPDX-License-Identifier: GPL-2.0
/*
 * Root half of gv_hypapp_test's own hypapp: one call that answers 42 plus
 * its first argument, so that a registration can be seen working. Calls
 * nothing; built with the root-side flags (Kbuild) and gathered into the
 * test module's .gv_root_text by hypapps/hypapp.lds.
 */
#include "gv_hypapp_test.h"

long gv_hypapp_test_call(struct gv_cpu *c, u32 index,
			 struct gv_hypapp_args *a, void *data)
{
	u64 *calls = data;

	a->a[0] += 42;
	a->a[1] = index;
	a->a[2] = ++*calls;
	return GV_OK;
}
