/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by greenvisor's test modules. */
#ifndef GV_KMOD_H
#define GV_KMOD_H

#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

/*
 * copy_to_kernel_nofault() is not exported to modules in 6.1; these are
 * the same exception-table-protected stores it is built on: -EFAULT when
 * the store faults (e.g. greenvisor's EPT refuses it), else 0.
 */
static inline int write_u64_nofault(void *dst, u64 val)
{
	pagefault_disable();
	__put_kernel_nofault(dst, &val, u64, fault);
	pagefault_enable();
	return 0;
fault:
	pagefault_enable();
	return -EFAULT;
}

static inline int write_u8_nofault(void *dst, u8 val)
{
	pagefault_disable();
	__put_kernel_nofault(dst, &val, u8, fault);
	pagefault_enable();
	return 0;
fault:
	pagefault_enable();
	return -EFAULT;
}

/*
 * Write the byte at @addr (module space) back to itself through a fresh
 * writable alias of its page: the page-table permissions of @addr do not
 * matter, so only greenvisor's EPT can refuse the store. -EFAULT when it
 * does, 0 when the store went through, -ENOENT/-ENOMEM otherwise.
 */
static inline int rewrite_through_alias(unsigned long addr)
{
	struct page *page = vmalloc_to_page((void *)addr);
	u8 *alias;
	int err;

	if (!page)
		return -ENOENT;
	alias = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!alias)
		return -ENOMEM;
	err = write_u8_nofault(alias + offset_in_page(addr), *(u8 *)addr);
	vunmap(alias);
	return err;
}

/*
 * TAP in the kernel log, one plan per module. A failing result's
 * diagnostic comes first: tap2gvt makes the "# " line before a "not ok"
 * the FAIL line's reason.
 */
struct gv_tap {
	unsigned int nr, failures;
};

static inline struct gv_tap *gv_tap(void)
{
	static struct gv_tap tap;

	return &tap;
}

static inline void gv_tap_result(bool ok, const char *name, const char *diag)
{
	if (!ok) {
		if (diag)
			pr_info("# %s: %s\n", name, diag);
		gv_tap()->failures++;
	}
	pr_info("%sok %u %s\n", ok ? "" : "not ", ++gv_tap()->nr, name);
}

static inline void gv_tap_skip(const char *name, const char *why)
{
	pr_info("ok %u %s # SKIP %s\n", ++gv_tap()->nr, name, why);
}

#endif /* GV_KMOD_H */
