/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table memory for KUnit suites of the EPT code: pages from
 * __get_free_page(), filled with garbage (the code under test must zero
 * them), counted, with an allocation budget to inject -ENOSPC.
 */
#ifndef GV_TMEM_H
#define GV_TMEM_H

#include "../../ept/ept_table.h"

struct tmem {
	int live;		/* pages allocated and not freed */
	int allocs;		/* successful allocations */
	int budget;		/* allocations still allowed; < 0: unlimited */
	int bad_free;		/* frees whose pa did not match the page */
};

void *tmem_alloc(void *ctx, u64 *pa);
void tmem_free(void *ctx, void *va, u64 pa);
void *tmem_va(void *ctx, u64 pa);

/* EPT ops over @m (unlimited budget until the caller sets one). */
void tmem_ept_ops(struct tmem *m, struct gv_ept_ops *ops);

#endif /* GV_TMEM_H */
