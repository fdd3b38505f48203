// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor generic-netlink control plane (Linux side).
 *
 * The "greenvisor" family answers hvctl: hypervisor status, per-CPU state,
 * per-CPU exit counters and the rich OS's EPT view (its size, and how it
 * maps one guest-physical address). The layout is defined in
 * uapi/linux/greenvisor_nl.h and documented in docs/netlink.md.
 *
 * Rules kept here:
 *  - admin only (GENL_ADMIN_PERM on every op), initial netns only;
 *  - strict validation: each op has its own policy, anything else in a
 *    request is rejected with an extack message;
 *  - the root side is reached only through the vmcall wrappers of
 *    hypercall.c, and only from a CPU that runs under the hypervisor (a
 *    VMCALL on a native CPU would raise #UD); pool memory is never touched.
 *
 * The family is deliberately not auto-loadable (no
 * MODULE_ALIAS_GENL_FAMILY): looking the family up must never launch the
 * hypervisor as a side effect.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <net/genetlink.h>

#include "gv_compat.h"
#include "gv_linux.h"
#include "../uapi/linux/greenvisor_nl.h"

static struct genl_family gv_genl_family;

/* GV_CMD_GET_STATUS takes no attributes at all. */
static const struct nla_policy gv_status_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_UNSPEC ... GV_ATTR_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "GV_CMD_GET_STATUS takes no attributes",
	},
};

/* GV_CMD_GET_CPU: only GV_ATTR_CPU_ID; NLA_UNSPEC entries are rejected. */
static const struct nla_policy gv_cpu_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_CPU_ID] = { .type = NLA_U32 },
};

/* GV_CMD_GET_EPT takes no attributes at all. */
static const struct nla_policy gv_ept_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_UNSPEC ... GV_ATTR_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "GV_CMD_GET_EPT takes no attributes",
	},
};

/* GV_CMD_EPT_QUERY: only GV_ATTR_GPA; NLA_UNSPEC entries are rejected. */
static const struct nla_policy gv_ept_query_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_GPA] = { .type = NLA_U64 },
};

/* GV_CMD_MEM_LEND: only GV_ATTR_MEM_SIZE. */
static const struct nla_policy gv_mem_lend_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_MEM_SIZE] = { .type = NLA_U64 },
};

/* GV_CMD_MEM_RETURN: only GV_ATTR_MEM_ID. */
static const struct nla_policy gv_mem_return_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_MEM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* GV_CMD_MEM_GET (dump) takes no attributes at all. */
static const struct nla_policy gv_mem_get_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_UNSPEC ... GV_ATTR_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "GV_CMD_MEM_GET takes no attributes",
	},
};

/* GV_CMD_GET_EVENT_STATS takes no attributes at all. */
static const struct nla_policy gv_event_stats_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_UNSPEC ... GV_ATTR_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "GV_CMD_GET_EVENT_STATS takes no attributes",
	},
};

/* GV_CMD_HYPAPP_GET takes no attributes at all. */
static const struct nla_policy gv_hypapp_get_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_UNSPEC ... GV_ATTR_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "GV_CMD_HYPAPP_GET takes no attributes",
	},
};

/* GV_CMD_MEM_MAP_GET takes no attributes at all. */
static const struct nla_policy gv_mem_map_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_UNSPEC ... GV_ATTR_MAX] = {
		.type = NLA_REJECT,
		.reject_message = "GV_CMD_MEM_MAP_GET takes no attributes",
	},
};

/* Index into gv_genl_mcgrps[]. */
enum gv_genl_mcgrp {
	GV_GENL_MCGRP_EVENTS_IDX,
};

/* EPT-violation, hypapp, launch/teardown and DMA-fault events (events.c). */
static const struct genl_multicast_group gv_genl_mcgrps[] = {
	[GV_GENL_MCGRP_EVENTS_IDX] = {
		.name = GV_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct gv_hv_version {
	u32 abi;
	u32 cpu;
	u32 features;
};

static const char *gv_genl_module_version(void)
{
#ifdef MODULE
	if (THIS_MODULE->version)
		return THIS_MODULE->version;
#endif
	return "unknown";
}

/*
 * Ask the root side for its version on the current CPU. Returns -ENODEV
 * when the current CPU does not run under the hypervisor.
 */
static int gv_genl_hv_version(struct gv_hv_version *v)
{
	int err = -ENODEV;

	if (gv_cpu_is_virtualized(get_cpu()))
		err = gv_hc_version(&v->abi, &v->cpu, &v->features);
	put_cpu();
	return err;
}

/* Read the exit counters of @cpu through a vmcall on the current CPU. */
static int gv_genl_exit_counts(unsigned int cpu,
			       u64 counts[GV_EXIT_REASON_MAX])
{
	int err = -ENODEV;

	if (gv_cpu_is_virtualized(get_cpu()))
		err = gv_hc_exit_counts(cpu, counts);
	put_cpu();
	return err;
}

/* GV_HC_EPT_STATS on the current CPU; -ENODEV if it is not virtualized. */
static int gv_genl_ept_stats(struct gv_ept_stats_out *st)
{
	int err = -ENODEV;

	if (gv_cpu_is_virtualized(get_cpu()))
		err = gv_hc_ept_stats_read(st);
	put_cpu();
	return err;
}

struct gv_ept_map {
	u64 gpa, hpa, size;
	u32 perm, mt;
};

/* GV_HC_EPT_QUERY on the current CPU; -ENODEV if it is not virtualized. */
static int gv_genl_ept_query(struct gv_ept_map *m)
{
	int err = -ENODEV;

	if (gv_cpu_is_virtualized(get_cpu()))
		err = gv_hc_ept_query_gpa(m->gpa, &m->hpa, &m->size, &m->perm,
					  &m->mt);
	put_cpu();
	return err;
}

static int gv_genl_put_status(struct sk_buff *msg, struct genl_info *info)
{
	struct gv_hv_version v;
	int err;

	cpus_read_lock();
	err = gv_genl_hv_version(&v);
	if (nla_put_string(msg, GV_ATTR_MODULE_VERSION,
			   gv_genl_module_version()) ||
	    nla_put_u32(msg, GV_ATTR_NR_CPUS_POSSIBLE, num_possible_cpus()) ||
	    nla_put_u32(msg, GV_ATTR_NR_CPUS_ONLINE, num_online_cpus()) ||
	    nla_put_u32(msg, GV_ATTR_NR_CPUS_VIRTUALIZED, gv_nr_virtualized()))
		goto too_big;
	cpus_read_unlock();

	if (err == -ENODEV)	/* this CPU is native: report what we know */
		return 0;
	if (err) {
		GENL_SET_ERR_MSG(info, "greenvisor: version hypercall failed");
		return err;
	}
	if (nla_put_u32(msg, GV_ATTR_ABI_VERSION, v.abi) ||
	    nla_put_u32(msg, GV_ATTR_ABI_CPU, v.cpu) ||
	    nla_put_u32(msg, GV_ATTR_FEATURES, v.features)) {
		GENL_SET_ERR_MSG(info, "greenvisor: status reply too large");
		return -EMSGSIZE;
	}
	return 0;

too_big:
	cpus_read_unlock();
	GENL_SET_ERR_MSG(info, "greenvisor: status reply too large");
	return -EMSGSIZE;
}

static int gv_genl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		GENL_SET_ERR_MSG(info, "greenvisor: out of memory");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &gv_genl_family, 0,
				GV_CMD_GET_STATUS);
	if (!hdr) {
		GENL_SET_ERR_MSG(info, "greenvisor: status reply too large");
		err = -EMSGSIZE;
		goto err_free;
	}
	err = gv_genl_put_status(msg, info);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* GV_CPU_ATTR_EXITS and GV_CPU_ATTR_EXITS_TOTAL; callers cancel on error. */
static int gv_genl_put_exits(struct sk_buff *skb, const u64 *counts)
{
	struct nlattr *exits, *entry;
	u64 total = 0;
	u32 reason;

	exits = nla_nest_start(skb, GV_CPU_ATTR_EXITS);
	if (!exits)
		return -EMSGSIZE;
	for (reason = 0; reason < GV_EXIT_REASON_MAX; reason++) {
		if (!counts[reason])
			continue;
		total += counts[reason];
		entry = nla_nest_start(skb, GV_EXITS_ATTR_REASON);
		if (!entry ||
		    nla_put_u32(skb, GV_EXIT_ATTR_REASON, reason) ||
		    nla_put_u64_64bit(skb, GV_EXIT_ATTR_COUNT, counts[reason],
				      GV_EXIT_ATTR_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, exits);
	return nla_put_u64_64bit(skb, GV_CPU_ATTR_EXITS_TOTAL, total,
				 GV_CPU_ATTR_PAD);
}

/* GV_ATTR_CPU for @cpu; the caller holds cpus_read_lock(). */
static int gv_genl_put_cpu(struct sk_buff *skb, unsigned int cpu,
			   struct netlink_ext_ack *extack)
{
	u64 counts[GV_EXIT_REASON_MAX];
	bool virt = gv_cpu_is_virtualized(cpu);
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, GV_ATTR_CPU);
	if (!nest ||
	    nla_put_u32(skb, GV_CPU_ATTR_ID, cpu) ||
	    nla_put_u8(skb, GV_CPU_ATTR_ONLINE, cpu_online(cpu)) ||
	    nla_put_u8(skb, GV_CPU_ATTR_VIRTUALIZED, virt))
		return -EMSGSIZE;
	if (virt) {
		err = gv_genl_exit_counts(cpu, counts);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "greenvisor: reading exit counters failed");
			return err;
		}
		err = gv_genl_put_exits(skb, counts);
		if (err)
			return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One GV_CMD_GET_CPU message for @cpu; cancelled as a whole on error. */
static int gv_genl_fill_cpu(struct sk_buff *skb, u32 portid, u32 seq,
			    int flags, unsigned int cpu,
			    struct netlink_ext_ack *extack)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, portid, seq, &gv_genl_family, flags,
			  GV_CMD_GET_CPU);
	if (!hdr)
		return -EMSGSIZE;
	err = gv_genl_put_cpu(skb, cpu, extack);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int gv_genl_get_cpu(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[GV_ATTR_CPU_ID];
	struct sk_buff *msg;
	unsigned int cpu;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GV_ATTR_CPU_ID)) {
		GENL_SET_ERR_MSG(info, "GV_ATTR_CPU_ID (CPU number) is required");
		return -EINVAL;
	}
	cpu = nla_get_u32(attr);
	if (cpu >= nr_cpu_ids) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "GV_ATTR_CPU_ID: CPU number out of range");
		return -EINVAL;
	}
	if (!cpu_possible(cpu)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "GV_ATTR_CPU_ID: no such CPU");
		return -ENODEV;
	}

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		GENL_SET_ERR_MSG(info, "greenvisor: out of memory");
		return -ENOMEM;
	}
	cpus_read_lock();
	err = gv_genl_fill_cpu(msg, info->snd_portid, info->snd_seq, 0, cpu,
			       info->extack);
	cpus_read_unlock();
	if (err) {
		if (err == -EMSGSIZE)
			GENL_SET_ERR_MSG(info, "greenvisor: CPU reply too large");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Dump every possible CPU; cb->args[0] is the next CPU to send. */
static int gv_genl_dump_cpu(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = gv_dumpit_attrs(genl_dumpit_info(cb));
	unsigned int cpu;
	int err = 0;

	if (attrs && attrs[GV_ATTR_CPU_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[GV_ATTR_CPU_ID],
				    "GV_ATTR_CPU_ID is for a do request, not a dump");
		return -EINVAL;
	}

	cpus_read_lock();
	for (cpu = cb->args[0]; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu))
			continue;
		err = gv_genl_fill_cpu(skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cpu,
				       cb->extack);
		if (err)
			break;
	}
	cpus_read_unlock();
	cb->args[0] = cpu;

	if (err == -EMSGSIZE && skb->len)
		return skb->len;	/* buffer full: resume at @cpu */
	if (err == -EMSGSIZE)
		NL_SET_ERR_MSG(cb->extack,
			       "greenvisor: CPU record larger than dump buffer");
	return err ? err : skb->len;
}

/*
 * Reply with one nest filled by @put. Returns -EMSGSIZE, without an extack
 * message, when the reply does not fit: the caller names its reply.
 */
static int gv_genl_reply_nest(struct genl_info *info, u8 cmd, int nest_type,
			      int (*put)(struct sk_buff *msg, const void *arg),
			      const void *arg)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		GENL_SET_ERR_MSG(info, "greenvisor: out of memory");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &gv_genl_family, 0, cmd);
	if (!hdr)
		goto too_big;
	nest = nla_nest_start(msg, nest_type);
	if (!nest || put(msg, arg))
		goto too_big;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int gv_genl_put_ept(struct sk_buff *msg, const void *arg)
{
	const struct gv_ept_stats_out *st = arg;

	return nla_put_u64_64bit(msg, GV_EPT_ATTR_TABLES, st->tables,
				 GV_EPT_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_ATTR_LEAVES_1G, st->leaves_1g,
				 GV_EPT_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_ATTR_LEAVES_2M, st->leaves_2m,
				 GV_EPT_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_ATTR_LEAVES_4K, st->leaves_4k,
				 GV_EPT_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_ATTR_GREEN_PAGES, st->green_pages,
				 GV_EPT_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_ATTR_GREEN_TABLES,
				 st->green_tables, GV_EPT_ATTR_PAD);
}

static int gv_genl_get_ept(struct sk_buff *skb, struct genl_info *info)
{
	struct gv_ept_stats_out st;
	int err;

	err = gv_genl_ept_stats(&st);
	if (err == -ENODEV) {
		GENL_SET_ERR_MSG(info,
				 "greenvisor: the serving CPU is not virtualized");
		return err;
	}
	if (err) {
		GENL_SET_ERR_MSG(info, "greenvisor: EPT stats hypercall failed");
		return err;
	}
	err = gv_genl_reply_nest(info, GV_CMD_GET_EPT, GV_ATTR_EPT,
				 gv_genl_put_ept, &st);
	if (err == -EMSGSIZE)
		GENL_SET_ERR_MSG(info, "greenvisor: EPT reply too large");
	return err;
}

static int gv_genl_put_ept_map(struct sk_buff *msg, const void *arg)
{
	const struct gv_ept_map *m = arg;

	return nla_put_u64_64bit(msg, GV_EPT_MAP_ATTR_GPA, m->gpa,
				 GV_EPT_MAP_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_MAP_ATTR_HPA, m->hpa,
				 GV_EPT_MAP_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EPT_MAP_ATTR_SIZE, m->size,
				 GV_EPT_MAP_ATTR_PAD) ||
	       nla_put_u32(msg, GV_EPT_MAP_ATTR_PERM, m->perm) ||
	       nla_put_u32(msg, GV_EPT_MAP_ATTR_MEMTYPE, m->mt);
}

static int gv_genl_ept_query_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[GV_ATTR_GPA];
	struct gv_ept_map m = { };
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GV_ATTR_GPA)) {
		GENL_SET_ERR_MSG(info,
				 "GV_ATTR_GPA (guest-physical address) is required");
		return -EINVAL;
	}
	m.gpa = nla_get_u64(attr);
	err = gv_genl_ept_query(&m);
	switch (err) {
	case 0:
		break;
	case -ERANGE:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "GPA beyond the guest-physical width");
		return err;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "GPA not mapped in the rich view (hypervisor memory)");
		return err;
	case -ENODEV:
		GENL_SET_ERR_MSG(info,
				 "greenvisor: the serving CPU is not virtualized");
		return err;
	default:
		GENL_SET_ERR_MSG(info, "greenvisor: EPT query hypercall failed");
		return err;
	}
	err = gv_genl_reply_nest(info, GV_CMD_EPT_QUERY, GV_ATTR_EPT_MAP,
				 gv_genl_put_ept_map, &m);
	if (err == -EMSGSIZE)
		GENL_SET_ERR_MSG(info, "greenvisor: EPT query reply too large");
	return err;
}

static int gv_genl_put_mem(struct sk_buff *msg, const void *arg)
{
	const struct gv_lend_info *m = arg;

	return nla_put_u32(msg, GV_MEM_ATTR_ID, m->id) ||
	       nla_put_u64_64bit(msg, GV_MEM_ATTR_SIZE, m->size,
				 GV_MEM_ATTR_PAD) ||
	       nla_put_u32(msg, GV_MEM_ATTR_BLOCKS, m->nr_blocks) ||
	       nla_put_u64_64bit(msg, GV_MEM_ATTR_FIRST_PA, m->first_pa,
				 GV_MEM_ATTR_PAD);
}

static int gv_genl_mem_lend(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[GV_ATTR_MEM_SIZE];
	struct gv_lend_info m = { };
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GV_ATTR_MEM_SIZE)) {
		GENL_SET_ERR_MSG(info, "GV_ATTR_MEM_SIZE (bytes to lend) is required");
		return -EINVAL;
	}
	err = gv_green_set_lend(nla_get_u64(attr), &m);
	switch (err) {
	case 0:
		break;
	case -EINVAL:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "size must be a positive multiple of 4 KiB");
		return err;
	case -ENOMEM:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "cannot allocate that much memory");
		return err;
	case -ENOSPC:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "EPT table reserve used up (module parameter green_max_mib)");
		return err;
	default:
		GENL_SET_ERR_MSG(info, "greenvisor: the root side refused the lend");
		return err;
	}
	err = gv_genl_reply_nest(info, GV_CMD_MEM_LEND, GV_ATTR_MEM,
				 gv_genl_put_mem, &m);
	if (err == -EMSGSIZE)
		GENL_SET_ERR_MSG(info, "greenvisor: lend reply too large");
	return err;
}

static int gv_genl_mem_return(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[GV_ATTR_MEM_ID];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GV_ATTR_MEM_ID)) {
		GENL_SET_ERR_MSG(info, "GV_ATTR_MEM_ID (a lent set's id) is required");
		return -EINVAL;
	}
	err = gv_green_set_return(nla_get_u32(attr));
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no lent memory with that id");
	return err;
}

/* Dump the lent sets; cb->args[0] is the next id to look for. */
static int gv_genl_dump_mem(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gv_lend_info m;
	struct nlattr *nest;
	void *hdr;

	while (!gv_green_set_next(cb->args[0], &m)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &gv_genl_family,
				  NLM_F_MULTI, GV_CMD_MEM_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, GV_ATTR_MEM);
		if (!nest || gv_genl_put_mem(skb, &m)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
		cb->args[0] = (u64)m.id + 1;
	}
	return skb->len;
}

static int gv_genl_put_event_stats(struct sk_buff *msg, const void *arg)
{
	const u64 *v = arg;

	return nla_put_u64_64bit(msg, GV_EVENT_STATS_ATTR_POSTED, v[0],
				 GV_EVENT_STATS_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EVENT_STATS_ATTR_DROPPED, v[1],
				 GV_EVENT_STATS_ATTR_PAD) ||
	       nla_put_u64_64bit(msg, GV_EVENT_STATS_ATTR_DELIVERED, v[2],
				 GV_EVENT_STATS_ATTR_PAD) ? -EMSGSIZE : 0;
}

static int gv_genl_get_event_stats(struct sk_buff *skb, struct genl_info *info)
{
	u64 v[3];
	int err;

	gv_events_stats(&v[0], &v[1], &v[2]);
	err = gv_genl_reply_nest(info, GV_CMD_GET_EVENT_STATS, GV_ATTR_EVENT_STATS,
				 gv_genl_put_event_stats, v);
	if (err == -EMSGSIZE)
		GENL_SET_ERR_MSG(info, "greenvisor: event stats reply too large");
	return err;
}

/* The family is registered (not in vtd_test_mode, not after exit). */
static bool gv_genl_registered;

/* Whether anyone has joined the "events" group (poll faster then). */
bool gv_genl_event_listened(void)
{
	return READ_ONCE(gv_genl_registered) &&
	       genl_has_listeners(&gv_genl_family, &init_net,
				  GV_GENL_MCGRP_EVENTS_IDX);
}

static int gv_genl_put_event(struct sk_buff *msg, const struct gv_event_out *e)
{
	static const int data_attr[4] = {
		GV_EVENT_ATTR_DATA0, GV_EVENT_ATTR_DATA1,
		GV_EVENT_ATTR_DATA2, GV_EVENT_ATTR_DATA3,
	};
	unsigned int i;

	if (nla_put_u32(msg, GV_EVENT_ATTR_TYPE, e->type) ||
	    nla_put_u32(msg, GV_EVENT_ATTR_SOURCE, e->source) ||
	    nla_put_u32(msg, GV_EVENT_ATTR_CPU, e->cpu) ||
	    nla_put_u64_64bit(msg, GV_EVENT_ATTR_TSC, e->tsc, GV_EVENT_ATTR_PAD))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(data_attr); i++)
		if (nla_put_u64_64bit(msg, data_attr[i], e->data[i], GV_EVENT_ATTR_PAD))
			return -EMSGSIZE;
	return 0;
}

/* One GV_CMD_EVENT on the "events" group; dropped when nobody listens. */
void gv_genl_event_notify(const struct gv_event_out *e)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	if (!gv_genl_event_listened())
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &gv_genl_family, 0, GV_CMD_EVENT);
	nest = hdr ? nla_nest_start(msg, GV_ATTR_EVENT) : NULL;
	if (!nest || gv_genl_put_event(msg, e)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&gv_genl_family, msg, 0, GV_GENL_MCGRP_EVENTS_IDX,
			  GFP_KERNEL);
}

static int gv_genl_put_hypapp(struct sk_buff *msg, const struct gv_hypapp_info *h)
{
	if (nla_put_u32(msg, GV_HYPAPP_ATTR_ID, h->id) ||
	    nla_put_string(msg, GV_HYPAPP_ATTR_NAME, h->name) ||
	    nla_put_string(msg, GV_HYPAPP_ATTR_MODULE, h->module) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_HC_BASE, h->hc_base) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_HC_COUNT, h->hc_count) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_CPUID_BASE, h->cpuid_base) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_CPUID_COUNT, h->cpuid_count) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_DATA_PAGES, h->data_pages) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_TEXT_PAGES, h->text_pages) ||
	    nla_put_u64_64bit(msg, GV_HYPAPP_ATTR_CALLS, h->calls, GV_HYPAPP_ATTR_PAD) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_EVENTS, h->events) ||
	    nla_put_u32(msg, GV_HYPAPP_ATTR_QUIESCE, h->quiesce))
		return -EMSGSIZE;
	return 0;
}

/* Dump the registered hypapps; cb->args[0] is the next id to look for. */
static int gv_genl_dump_hypapp(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gv_hypapp_info h;
	struct nlattr *nest;
	void *hdr;

	while (!gv_hypapp_info_next(cb->args[0], &h)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &gv_genl_family,
				  NLM_F_MULTI, GV_CMD_HYPAPP_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, GV_ATTR_HYPAPP);
		if (!nest || gv_genl_put_hypapp(skb, &h)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
		cb->args[0] = (u64)h.id + 1;
	}
	return skb->len;
}

#define GV_MEM_MAP_MAX	512	/* ranges in one map */

static int gv_genl_put_range(struct sk_buff *msg, const struct gv_map_range *r)
{
	if (nla_put_u64_64bit(msg, GV_MEM_RANGE_ATTR_START, r->start, GV_MEM_RANGE_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, GV_MEM_RANGE_ATTR_END, r->end, GV_MEM_RANGE_ATTR_PAD) ||
	    nla_put_u32(msg, GV_MEM_RANGE_ATTR_OWNER, r->owner))
		return -EMSGSIZE;
	return 0;
}

/*
 * Dump the memory map; cb->args[0] is the next range. The map is taken
 * anew for each part of the dump (it changes only with lends, returns and
 * hotplug).
 */
static int gv_genl_dump_mem_map(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gv_map_range *r;
	struct nlattr *nest;
	int n, i;
	void *hdr;

	r = kcalloc(GV_MEM_MAP_MAX, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	n = gv_memmap_collect(r, GV_MEM_MAP_MAX);
	for (i = cb->args[0]; i < n; i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &gv_genl_family,
				  NLM_F_MULTI, GV_CMD_MEM_MAP_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, GV_ATTR_MEM_RANGE);
		if (!nest || gv_genl_put_range(skb, &r[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	kfree(r);
	return skb->len;
}

static const struct genl_ops gv_genl_ops[] = {
	{
		.cmd = GV_CMD_GET_STATUS,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_status_policy,
		.maxattr = ARRAY_SIZE(gv_status_policy) - 1,
		.doit = gv_genl_get_status,
	},
	{
		.cmd = GV_CMD_GET_CPU,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_cpu_policy,
		.maxattr = ARRAY_SIZE(gv_cpu_policy) - 1,
		.doit = gv_genl_get_cpu,
		.dumpit = gv_genl_dump_cpu,
	},
	{
		.cmd = GV_CMD_GET_EPT,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_ept_policy,
		.maxattr = ARRAY_SIZE(gv_ept_policy) - 1,
		.doit = gv_genl_get_ept,
	},
	{
		.cmd = GV_CMD_EPT_QUERY,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_ept_query_policy,
		.maxattr = ARRAY_SIZE(gv_ept_query_policy) - 1,
		.doit = gv_genl_ept_query_doit,
	},
	{
		.cmd = GV_CMD_MEM_LEND,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_mem_lend_policy,
		.maxattr = ARRAY_SIZE(gv_mem_lend_policy) - 1,
		.doit = gv_genl_mem_lend,
	},
	{
		.cmd = GV_CMD_MEM_RETURN,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_mem_return_policy,
		.maxattr = ARRAY_SIZE(gv_mem_return_policy) - 1,
		.doit = gv_genl_mem_return,
	},
	{
		.cmd = GV_CMD_MEM_GET,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_mem_get_policy,
		.maxattr = ARRAY_SIZE(gv_mem_get_policy) - 1,
		.dumpit = gv_genl_dump_mem,
	},
	{
		.cmd = GV_CMD_GET_EVENT_STATS,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_event_stats_policy,
		.maxattr = ARRAY_SIZE(gv_event_stats_policy) - 1,
		.doit = gv_genl_get_event_stats,
	},
	{
		.cmd = GV_CMD_HYPAPP_GET,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_hypapp_get_policy,
		.maxattr = ARRAY_SIZE(gv_hypapp_get_policy) - 1,
		.dumpit = gv_genl_dump_hypapp,
	},
	{
		.cmd = GV_CMD_MEM_MAP_GET,
		.flags = GENL_ADMIN_PERM,
		.policy = gv_mem_map_policy,
		.maxattr = ARRAY_SIZE(gv_mem_map_policy) - 1,
		.dumpit = gv_genl_dump_mem_map,
	},
};

/*
 * .resv_start_op stays 0, as for every new family: all ops get the strict
 * treatment (genlmsghdr.reserved and nlmsg_flags checked, no op without a
 * policy, no GENL_DONT_VALIDATE_* flags).
 */
static struct genl_family gv_genl_family = {
	.name = GV_GENL_NAME,
	.version = GV_GENL_VERSION,
	.maxattr = GV_ATTR_MAX,
	.netnsok = false,
	.module = THIS_MODULE,
	.ops = gv_genl_ops,
	.n_ops = ARRAY_SIZE(gv_genl_ops),
	.mcgrps = gv_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(gv_genl_mcgrps),
};

/*
 * Register the family. Call after the hypervisor runs on every online CPU
 * and outside cpus_read_lock() (the handlers take it under genl_mutex).
 */
int gv_genl_init(void)
{
	int err;

	err = genl_register_family(&gv_genl_family);
	WRITE_ONCE(gv_genl_registered, !err);
	if (err)
		pr_err("greenvisor: cannot register genl family \"%s\": %d\n",
		       GV_GENL_NAME, err);
	return err;
}

/*
 * Unregister the family; in-flight requests finish first. Call before the
 * CPUs are devirtualized.
 */
void gv_genl_exit(void)
{
	WRITE_ONCE(gv_genl_registered, false);
	genl_unregister_family(&gv_genl_family);
}
