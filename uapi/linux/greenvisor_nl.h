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
 *   GV_CMD_GET_EPT      (do)   request: no attributes
 *     reply: GV_ATTR_EPT (nest of GV_EPT_ATTR_*): the rich view's EPT
 *            table pages and leaves by size
 *
 *   GV_CMD_EPT_QUERY    (do)   request: GV_ATTR_GPA
 *     reply: GV_ATTR_EPT_MAP (nest of GV_EPT_MAP_ATTR_*): how the rich
 *            view maps that guest-physical address
 *
 *   GV_CMD_MEM_LEND     (do)   request: GV_ATTR_MEM_SIZE
 *     The module allocates that much memory, lends it to the green
 *     partition (it leaves the rich view; uapi greenvisor.h
 *     GV_HC_MEM_LEND) and records it under a new id.
 *     reply: GV_ATTR_MEM (nest of GV_MEM_ATTR_*)
 *     errors: -EINVAL size 0 or not a multiple of 4 KiB; -ENOMEM;
 *             -ENOSPC the EPT table reserve (green_max_mib) is used up
 *
 *   GV_CMD_MEM_RETURN   (do)   request: GV_ATTR_MEM_ID
 *     The set is scrubbed (zeroed), returned to the rich view and freed.
 *     errors: -ENOENT no set with that id
 *
 *   GV_CMD_MEM_GET      (dump) request: no attributes; one GV_ATTR_MEM
 *                              per lent set, in id order
 *
 *   GV_CMD_EVENT        (notification on the "events" group, never a
 *                       request): GV_ATTR_EVENT (nest of GV_EVENT_ATTR_*)
 *     Events are drained from the root side's per-CPU rings every
 *     100 ms while the group has listeners (every second otherwise), so
 *     they arrive late by up to that much, in order per CPU.
 *
 *   GV_CMD_GET_EVENT_STATS (do) request: no attributes
 *     reply: GV_ATTR_EVENT_STATS (nest of GV_EVENT_STATS_ATTR_*): events
 *            posted and dropped (ring full) on the root side, summed over
 *            the CPUs, and events the Linux side delivered
 *
 *   GV_CMD_HYPAPP_GET   (dump) request: no attributes; one GV_ATTR_HYPAPP
 *                              (nest of GV_HYPAPP_ATTR_*) per registered
 *                              hypapp, in id order
 *
 *   GV_CMD_MEM_MAP_GET  (dump) request: no attributes; one GV_ATTR_MEM_RANGE
 *                              per range: first the platform's layer (RAM,
 *                              reserved, MMIO), then what greenvisor took
 *                              (hypervisor pool, green); a later range
 *                              takes precedence where ranges overlap
 *
 * Attribute types are given as the kernel's NLA_* names; numbers are
 * host-endian. New attributes and commands are only ever appended.
 */
#ifndef _UAPI_LINUX_GREENVISOR_NL_H
#define _UAPI_LINUX_GREENVISOR_NL_H

#define GV_GENL_NAME		"greenvisor"
#define GV_GENL_VERSION		1

/*
 * Multicast groups. "events": one GV_CMD_EVENT message per event (needs
 * CAP_NET_ADMIN to join).
 */
#define GV_GENL_MCGRP_EVENTS	"events"

enum gv_cmd {
	GV_CMD_UNSPEC,
	GV_CMD_GET_STATUS,	/* do: hypervisor and module status */
	GV_CMD_GET_CPU,		/* do (one CPU) / dump (all possible CPUs) */
	GV_CMD_GET_EPT,		/* do: EPT rich view, table pages and leaves */
	GV_CMD_EPT_QUERY,	/* do: how the rich view maps one GPA */
	GV_CMD_MEM_LEND,	/* do: allocate and lend memory to green */
	GV_CMD_MEM_RETURN,	/* do: scrub and return a lent set */
	GV_CMD_MEM_GET,		/* dump: the lent sets */
	GV_CMD_EVENT,		/* notification on the "events" group */
	GV_CMD_GET_EVENT_STATS,	/* do: event counters */
	GV_CMD_HYPAPP_GET,	/* dump: the registered hypapps */
	GV_CMD_MEM_MAP_GET,	/* dump: physical memory by owner */

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
	GV_ATTR_GPA,			/* u64: request: guest-physical address */
	GV_ATTR_EPT,			/* nest: GV_EPT_ATTR_* */
	GV_ATTR_EPT_MAP,		/* nest: GV_EPT_MAP_ATTR_* */
	GV_ATTR_MEM_SIZE,		/* u64: request: bytes to lend */
	GV_ATTR_MEM_ID,			/* u32: request: a lent set's id */
	GV_ATTR_MEM,			/* nest: GV_MEM_ATTR_* */
	GV_ATTR_EVENT,			/* nest: GV_EVENT_ATTR_* */
	GV_ATTR_EVENT_STATS,		/* nest: GV_EVENT_STATS_ATTR_* */
	GV_ATTR_HYPAPP,			/* nest: GV_HYPAPP_ATTR_* */
	GV_ATTR_MEM_RANGE,		/* nest: GV_MEM_RANGE_ATTR_* */

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

/* Attributes nested in GV_ATTR_EPT: the rich OS's EPT view. */
enum gv_ept_attr {
	GV_EPT_ATTR_UNSPEC,
	GV_EPT_ATTR_PAD,		/* padding for 64-bit attributes */
	GV_EPT_ATTR_TABLES,		/* u64: EPT paging-structure pages */
	GV_EPT_ATTR_LEAVES_1G,		/* u64: 1 GiB leaves */
	GV_EPT_ATTR_LEAVES_2M,		/* u64: 2 MiB leaves */
	GV_EPT_ATTR_LEAVES_4K,		/* u64: 4 KiB leaves */
	GV_EPT_ATTR_GREEN_PAGES,	/* u64: pages lent to the green view */
	GV_EPT_ATTR_GREEN_TABLES,	/* u64: the green view's table pages */

	__GV_EPT_ATTR_MAX,
	GV_EPT_ATTR_MAX = __GV_EPT_ATTR_MAX - 1
};

/* GV_EPT_MAP_ATTR_PERM bits. */
#define GV_EPT_PERM_R		0x1u
#define GV_EPT_PERM_W		0x2u
#define GV_EPT_PERM_X		0x4u

/*
 * GV_EPT_MAP_ATTR_MEMTYPE: bits 2:0 the EPT memory type (Intel SDM
 * encoding), bit 3 set when the leaf ignores the guest PAT.
 */
#define GV_EPT_MT_UC		0
#define GV_EPT_MT_WC		1
#define GV_EPT_MT_WT		4
#define GV_EPT_MT_WP		5
#define GV_EPT_MT_WB		6
#define GV_EPT_MT_MASK		0x7u
#define GV_EPT_MT_IPAT		0x8u

/* Attributes nested in GV_ATTR_EPT_MAP: the rich view's map of one GPA. */
enum gv_ept_map_attr {
	GV_EPT_MAP_ATTR_UNSPEC,
	GV_EPT_MAP_ATTR_PAD,		/* padding for 64-bit attributes */
	GV_EPT_MAP_ATTR_GPA,		/* u64: the address asked about */
	GV_EPT_MAP_ATTR_HPA,		/* u64: host-physical address of GPA */
	GV_EPT_MAP_ATTR_SIZE,		/* u64: size of the leaf: 4K, 2M or 1G */
	GV_EPT_MAP_ATTR_PERM,		/* u32: GV_EPT_PERM_* */
	GV_EPT_MAP_ATTR_MEMTYPE,	/* u32: GV_EPT_MT_*, | GV_EPT_MT_IPAT */

	__GV_EPT_MAP_ATTR_MAX,
	GV_EPT_MAP_ATTR_MAX = __GV_EPT_MAP_ATTR_MAX - 1
};

/* Attributes nested in GV_ATTR_MEM: one set of lent memory. */
enum gv_mem_attr {
	GV_MEM_ATTR_UNSPEC,
	GV_MEM_ATTR_PAD,		/* padding for 64-bit attributes */
	GV_MEM_ATTR_ID,			/* u32 */
	GV_MEM_ATTR_SIZE,		/* u64: bytes */
	GV_MEM_ATTR_BLOCKS,		/* u32: physically contiguous blocks */
	GV_MEM_ATTR_FIRST_PA,		/* u64: physical address of block 0 */

	__GV_MEM_ATTR_MAX,
	GV_MEM_ATTR_MAX = __GV_MEM_ATTR_MAX - 1
};

/* Attributes nested in GV_ATTR_EVENT: one event (uapi greenvisor.h). */
enum gv_event_attr {
	GV_EVENT_ATTR_UNSPEC,
	GV_EVENT_ATTR_PAD,		/* padding for 64-bit attributes */
	GV_EVENT_ATTR_TYPE,		/* u32: GV_EVENT_* */
	GV_EVENT_ATTR_SOURCE,		/* u32: hypapp id for GV_EVENT_HYPAPP */
	GV_EVENT_ATTR_CPU,		/* u32 */
	GV_EVENT_ATTR_TSC,		/* u64: TSC when it was posted */
	GV_EVENT_ATTR_DATA0,		/* u64: data[0..3], meaning by type */
	GV_EVENT_ATTR_DATA1,
	GV_EVENT_ATTR_DATA2,
	GV_EVENT_ATTR_DATA3,

	__GV_EVENT_ATTR_MAX,
	GV_EVENT_ATTR_MAX = __GV_EVENT_ATTR_MAX - 1
};

/* Attributes nested in GV_ATTR_EVENT_STATS. */
enum gv_event_stats_attr {
	GV_EVENT_STATS_ATTR_UNSPEC,
	GV_EVENT_STATS_ATTR_PAD,
	GV_EVENT_STATS_ATTR_POSTED,	/* u64: posted on the root side */
	GV_EVENT_STATS_ATTR_DROPPED,	/* u64: dropped, a ring was full */
	GV_EVENT_STATS_ATTR_DELIVERED,	/* u64: drained and sent */

	__GV_EVENT_STATS_ATTR_MAX,
	GV_EVENT_STATS_ATTR_MAX = __GV_EVENT_STATS_ATTR_MAX - 1
};

/* Attributes nested in GV_ATTR_HYPAPP: one registered hypapp. */
enum gv_hypapp_attr {
	GV_HYPAPP_ATTR_UNSPEC,
	GV_HYPAPP_ATTR_PAD,
	GV_HYPAPP_ATTR_ID,		/* u32: 1 .. 15 */
	GV_HYPAPP_ATTR_NAME,		/* string */
	GV_HYPAPP_ATTR_MODULE,		/* string: its kernel module */
	GV_HYPAPP_ATTR_HC_BASE,		/* u32: first vmcall number */
	GV_HYPAPP_ATTR_HC_COUNT,	/* u32: how many */
	GV_HYPAPP_ATTR_CPUID_BASE,	/* u32: first CPUID leaf */
	GV_HYPAPP_ATTR_CPUID_COUNT,	/* u32 */
	GV_HYPAPP_ATTR_DATA_PAGES,	/* u32: root data pages in the pool */
	GV_HYPAPP_ATTR_TEXT_PAGES,	/* u32: root text pages */
	GV_HYPAPP_ATTR_CALLS,		/* u64: vmcalls dispatched to it */
	/* u32: callbacks it has, a bit per event: 0 init, 1 hypercall,
	 * 2 ept, 3 cpuid, 4 nmi, 5 shutdown
	 */
	GV_HYPAPP_ATTR_EVENTS,
	GV_HYPAPP_ATTR_QUIESCE,		/* u32: events run with CPUs parked */

	__GV_HYPAPP_ATTR_MAX,
	GV_HYPAPP_ATTR_MAX = __GV_HYPAPP_ATTR_MAX - 1
};

/* Owners of physical memory (GV_MEM_RANGE_ATTR_OWNER). */
enum gv_mem_owner {
	GV_MEM_OWNER_RICH = 1,		/* System RAM of the rich OS */
	GV_MEM_OWNER_RESERVED,		/* firmware-reserved */
	GV_MEM_OWNER_MMIO,		/* device memory and other non-RAM */
	GV_MEM_OWNER_HYPERVISOR,	/* greenvisor's pool */
	GV_MEM_OWNER_GREEN,		/* lent to the green partition */
};

/* Attributes nested in GV_ATTR_MEM_RANGE. */
enum gv_mem_range_attr {
	GV_MEM_RANGE_ATTR_UNSPEC,
	GV_MEM_RANGE_ATTR_PAD,
	GV_MEM_RANGE_ATTR_START,	/* u64: first byte */
	GV_MEM_RANGE_ATTR_END,		/* u64: one past the last byte */
	GV_MEM_RANGE_ATTR_OWNER,	/* u32: GV_MEM_OWNER_* */

	__GV_MEM_RANGE_ATTR_MAX,
	GV_MEM_RANGE_ATTR_MAX = __GV_MEM_RANGE_ATTR_MAX - 1
};

#endif /* _UAPI_LINUX_GREENVISOR_NL_H */
