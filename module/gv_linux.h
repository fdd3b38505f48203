/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-side interfaces of the greenvisor module, shared by the files in
 * module/. Nothing here may be called from the root side.
 */
#ifndef GV_LINUX_H
#define GV_LINUX_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include "../uapi/linux/greenvisor.h"

/* main.c / launch.c: state of the hypervisor as the Linux side sees it. */
bool gv_cpu_is_virtualized(unsigned int cpu);
unsigned int gv_nr_virtualized(void);

/*
 * hypercall.c: thin wrappers around VMCALL on the current CPU. Each returns
 * the status from RAX (0 or a negative errno).
 */
int gv_hc_version(u32 *abi, u32 *cpu, u32 *features);
int gv_hc_exit_counts(unsigned int cpu, u64 counts[GV_EXIT_REASON_MAX]);

/* genl.c: the generic-netlink control plane. */
int gv_genl_init(void);
void gv_genl_exit(void);

#endif /* GV_LINUX_H */
