/* SPDX-License-Identifier: GPL-2.0 */
/*
 * greenvisor's kernel API for other modules (hypapps, tests). Exported
 * with EXPORT_SYMBOL_GPL by greenvisor.ko; see docs/ept.md ("Lending").
 */
#ifndef _GREENVISOR_GREENVISOR_H
#define _GREENVISOR_GREENVISOR_H

#include <linux/types.h>

/*
 * Lend memory the caller owns to the green partition: until it is
 * returned, every access of the rich OS to it faults, and unloading
 * greenvisor returns it zeroed. @pa and @size are page aligned.
 * Returns 0 or -EINVAL, -ERANGE (not RAM), -EBUSY (lent already, or another
 * lend/return in progress), -EPERM (not plain rich-OS memory), -ENOSPC,
 * -ENOMEM.
 */
int greenvisor_mem_lend(phys_addr_t pa, size_t size);

/*
 * Zero and return a range given to greenvisor_mem_lend(), exactly as it
 * was given. Returns 0, -ENOENT when not lent, or the root side's error.
 */
int greenvisor_mem_return(phys_addr_t pa, size_t size);

#endif /* _GREENVISOR_GREENVISOR_H */
