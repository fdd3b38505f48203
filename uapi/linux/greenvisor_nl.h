/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * greenvisor generic-netlink control plane, family version 1.
 *
 * Family name GV_GENL_NAME ("greenvisor"), version GV_GENL_VERSION. The
 * family exists only in the initial network namespace and only while the
 * hypervisor runs; every command needs CAP_NET_ADMIN. Requests are
 * validated strictly: an attribute a command does not take, an unknown
 * attribute type, a wrong length and a non-zero genlmsghdr.reserved are
 * all rejected with -EINVAL and an extended-ACK message.
 *
 * The message layout is described in docs/netlink.md. In short:
 *
 *   GV_CMD_GET_STATUS   (do)   request: no attributes
 *     reply: GV_ATTR_MODULE_VERSION, GV_ATTR_NR_CPUS_POSSIBLE,
 *            GV_ATTR_NR_CPUS_ONLINE, GV_ATTR_NR_CPUS_VIRTUALIZED,
 *            and, when the CPU that served the request runs under the
 *            hypervisor: GV_ATTR_ABI_VERSION, GV_ATTR_ABI_CPU,
 *            GV_ATTR_FEATURES
 *
 *   GV_CMD_GET_CPU      (do)   request: GV_ATTR_CPU_ID
 *                       (dump) request: no attributes; one message per
 *                                       possible CPU, in CPU order
 *     reply: GV_ATTR_CPU (nest of GV_CPU_ATTR_*)
 *
 * Attribute types are given as the kernel's NLA_* names; numbers are
 * host-endian. New attributes and commands are only ever appended.
 */
#ifndef _UAPI_LINUX_GREENVISOR_NL_H
#define _UAPI_LINUX_GREENVISOR_NL_H

#define GV_GENL_NAME		"greenvisor"
#define GV_GENL_VERSION		1

/* Multicast groups. "events" is reserved; nothing is sent on it yet. */
#define GV_GENL_MCGRP_EVENTS	"events"

enum gv_cmd {
	GV_CMD_UNSPEC,
	GV_CMD_GET_STATUS,	/* do: hypervisor and module status */
	GV_CMD_GET_CPU,		/* do (one CPU) / dump (all possible CPUs) */

	__GV_CMD_MAX,
	GV_CMD_MAX = __GV_CMD_MAX - 1
};

/* Top-level attributes. */
enum gv_attr {
	GV_ATTR_UNSPEC,
	GV_ATTR_PAD,			/* padding for 64-bit attributes */
	GV_ATTR_ABI_VERSION,		/* u32: vmcall ABI, major << 16 | minor */
	GV_ATTR_ABI_CPU,		/* u32: CPU that answered the version call */
	GV_ATTR_FEATURES,		/* u32: GV_FEAT_* (linux/greenvisor.h) */
	GV_ATTR_MODULE_VERSION,		/* string: module version */
	GV_ATTR_NR_CPUS_POSSIBLE,	/* u32 */
	GV_ATTR_NR_CPUS_ONLINE,		/* u32 */
	GV_ATTR_NR_CPUS_VIRTUALIZED,	/* u32 */
	GV_ATTR_CPU_ID,			/* u32: request: which CPU */
	GV_ATTR_CPU,			/* nest: GV_CPU_ATTR_* */

	__GV_ATTR_MAX,
	GV_ATTR_MAX = __GV_ATTR_MAX - 1
};

/* Attributes nested in GV_ATTR_CPU: the state of one CPU. */
enum gv_cpu_attr {
	GV_CPU_ATTR_UNSPEC,
	GV_CPU_ATTR_PAD,		/* padding for 64-bit attributes */
	GV_CPU_ATTR_ID,			/* u32: Linux CPU number */
	GV_CPU_ATTR_ONLINE,		/* u8: 1 if the CPU is online */
	GV_CPU_ATTR_VIRTUALIZED,	/* u8: 1 if it runs under greenvisor */
	/*
	 * nest: one GV_EXITS_ATTR_REASON per basic exit reason whose count is
	 * not zero, in increasing reason order. Present only for a
	 * virtualized CPU (counts are kept by the root side per CPU).
	 */
	GV_CPU_ATTR_EXITS,
	GV_CPU_ATTR_EXITS_TOTAL,	/* u64: sum of all exit counts */

	__GV_CPU_ATTR_MAX,
	GV_CPU_ATTR_MAX = __GV_CPU_ATTR_MAX - 1
};

/* Attributes nested in GV_CPU_ATTR_EXITS. */
enum gv_exits_attr {
	GV_EXITS_ATTR_UNSPEC,
	GV_EXITS_ATTR_REASON,		/* nest: GV_EXIT_ATTR_* (repeated) */

	__GV_EXITS_ATTR_MAX,
	GV_EXITS_ATTR_MAX = __GV_EXITS_ATTR_MAX - 1
};

/* Attributes nested in each GV_EXITS_ATTR_REASON: one exit counter. */
enum gv_exit_attr {
	GV_EXIT_ATTR_UNSPEC,
	GV_EXIT_ATTR_PAD,		/* padding for 64-bit attributes */
	GV_EXIT_ATTR_REASON,		/* u32: basic exit reason (SDM 3D App. C) */
	GV_EXIT_ATTR_COUNT,		/* u64: exits with that reason */

	__GV_EXIT_ATTR_MAX,
	GV_EXIT_ATTR_MAX = __GV_EXIT_ATTR_MAX - 1
};

#endif /* _UAPI_LINUX_GREENVISOR_NL_H */
