/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims of the Linux side: the only place in greenvisor
 * where LINUX_VERSION_CODE may be tested (never in hvcore/ or ept/, which
 * do not include Linux headers at all). Supported: Debian 12's 6.1 and the
 * 6.12 of bookworm-security/backports (README, "Supported kernels").
 */
#ifndef GV_COMPAT_H
#define GV_COMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>
#include <net/genetlink.h>

/*
 * 6.2 made struct genl_dumpit_info carry a struct genl_info ("genetlink:
 * use struct genl_info for dumps"): the parsed attributes of a dump request
 * moved from info->attrs to info->info.attrs.
 */
static inline struct nlattr **gv_dumpit_attrs(const struct genl_dumpit_info *info)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return info->info.attrs;
#else
	return info->attrs;
#endif
}

/*
 * The largest order the page allocator hands out: MAX_ORDER - 1 up to 6.3;
 * 6.4 made MAX_ORDER inclusive ("mm, treewide: redefine MAX_ORDER
 * sensibly") and 6.8 renamed it MAX_PAGE_ORDER.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define GV_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define GV_MAX_PAGE_ORDER	MAX_ORDER
#else
#define GV_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

#endif /* GV_COMPAT_H */
