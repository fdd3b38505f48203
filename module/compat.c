// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-version specific code lives here and nowhere else (DESIGN.md:
 * keep the churn in one small file, use only exported symbols).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/version.h>
#include "gv_core.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
int gv_for_each_module_range(struct module *mod, gv_range_fn fn, void *ctx)
{
	static const enum mod_mem_type core[] = {
		MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT,
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(core); i++) {
		struct module_memory *m = &mod->mem[core[i]];

		if (!m->size)
			continue;
		err = fn(ctx, (unsigned long)m->base, PAGE_ALIGN(m->size),
			 core[i] == MOD_TEXT);
		if (err)
			return err;
	}
	return 0;
}
#else
int gv_for_each_module_range(struct module *mod, gv_range_fn fn, void *ctx)
{
	struct module_layout *l = &mod->core_layout;
	unsigned long base = (unsigned long)l->base;
	unsigned long text = PAGE_ALIGN(l->text_size);
	int err;

	err = fn(ctx, base, text, true);
	if (err)
		return err;
	return fn(ctx, base + text, PAGE_ALIGN(l->size) - text, false);
}
#endif
