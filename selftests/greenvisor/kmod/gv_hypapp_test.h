/* SPDX-License-Identifier: GPL-2.0 */
/* gv_hypapp_test: its root callback (gv_hypapp_test_root.c). */
#ifndef GV_HYPAPP_TEST_H
#define GV_HYPAPP_TEST_H

#include "../../../include/greenvisor/hypapp.h"

long gv_hypapp_test_call(struct gv_cpu *c, u32 index,
			 struct gv_hypapp_args *a, void *data);

#endif /* GV_HYPAPP_TEST_H */
