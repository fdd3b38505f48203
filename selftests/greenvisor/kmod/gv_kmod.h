/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by greenvisor's test modules. */
#ifndef GV_KMOD_H
#define GV_KMOD_H

#include <linux/uaccess.h>

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

#endif /* GV_KMOD_H */
