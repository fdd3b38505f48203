// SPDX-License-Identifier: GPL-2.0
/* Table memory for the EPT KUnit suites (gv_tmem.h). */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "gv_tmem.h"

void *tmem_alloc(void *ctx, u64 *pa)
{
	struct tmem *m = ctx;
	void *va;

	if (!m->budget)
		return NULL;
	va = (void *)__get_free_page(GFP_KERNEL);
	if (!va)
		return NULL;
	memset(va, 0x5a, PAGE_SIZE);	/* the table code must zero it */
	if (m->budget > 0)
		m->budget--;
	m->live++;
	m->allocs++;
	*pa = virt_to_phys(va);
	return va;
}

void tmem_free(void *ctx, void *va, u64 pa)
{
	struct tmem *m = ctx;

	if (virt_to_phys(va) != pa)
		m->bad_free++;
	m->live--;
	free_page((unsigned long)va);
}

void *tmem_va(void *ctx, u64 pa)
{
	return phys_to_virt(pa);
}

void tmem_ept_ops(struct tmem *m, struct gv_ept_ops *ops)
{
	m->budget = -1;
	ops->ctx = m;
	ops->alloc_table = tmem_alloc;
	ops->free_table = tmem_free;
	ops->pa_to_va = tmem_va;
}
