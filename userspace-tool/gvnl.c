// SPDX-License-Identifier: GPL-2.0
/*
 * The greenvisor generic-netlink session of hvctl, on libnl-genl-3.
 *
 * Requests ask for extended ACKs (NETLINK_EXT_ACK), so every kernel error
 * comes with the module's message, which is printed with the errno.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/greenvisor_nl.h>

#include "hvctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

struct gvnl {
	struct nl_sock *sk;
	int family;
};

/* State of one request/reply exchange. */
struct gvnl_req {
	const char *what;		/* command name, for messages */
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	bool done;
	int err;			/* negative errno from the kernel */
	bool proto_err;			/* a reply we could not parse */
	char msg[256];			/* extack message, if any */
};

static const char *const not_loaded_msg =
	"greenvisor is not loaded (genl family not found); run modprobe greenvisor";

static struct nla_policy gv_policy[GV_ATTR_MAX + 1] = {
	[GV_ATTR_ABI_VERSION]		= { .type = NLA_U32 },
	[GV_ATTR_ABI_CPU]		= { .type = NLA_U32 },
	[GV_ATTR_FEATURES]		= { .type = NLA_U32 },
	[GV_ATTR_MODULE_VERSION]	= { .type = NLA_STRING },
	[GV_ATTR_NR_CPUS_POSSIBLE]	= { .type = NLA_U32 },
	[GV_ATTR_NR_CPUS_ONLINE]	= { .type = NLA_U32 },
	[GV_ATTR_NR_CPUS_VIRTUALIZED]	= { .type = NLA_U32 },
	[GV_ATTR_CPU_ID]		= { .type = NLA_U32 },
	[GV_ATTR_CPU]			= { .type = NLA_NESTED },
	[GV_ATTR_GPA]			= { .type = NLA_U64 },
	[GV_ATTR_EPT]			= { .type = NLA_NESTED },
	[GV_ATTR_EPT_MAP]		= { .type = NLA_NESTED },
	[GV_ATTR_MEM_SIZE]		= { .type = NLA_U64 },
	[GV_ATTR_MEM_ID]		= { .type = NLA_U32 },
	[GV_ATTR_MEM]			= { .type = NLA_NESTED },
	[GV_ATTR_EVENT]			= { .type = NLA_NESTED },
	[GV_ATTR_EVENT_STATS]		= { .type = NLA_NESTED },
	[GV_ATTR_HYPAPP]		= { .type = NLA_NESTED },
	[GV_ATTR_MEM_RANGE]		= { .type = NLA_NESTED },
};

static struct nla_policy gv_range_policy[GV_MEM_RANGE_ATTR_MAX + 1] = {
	[GV_MEM_RANGE_ATTR_START]	= { .type = NLA_U64 },
	[GV_MEM_RANGE_ATTR_END]		= { .type = NLA_U64 },
	[GV_MEM_RANGE_ATTR_OWNER]	= { .type = NLA_U32 },
};

static struct nla_policy gv_hypapp_policy[GV_HYPAPP_ATTR_MAX + 1] = {
	[GV_HYPAPP_ATTR_ID]		= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_NAME]		= { .type = NLA_STRING },
	[GV_HYPAPP_ATTR_MODULE]		= { .type = NLA_STRING },
	[GV_HYPAPP_ATTR_HC_BASE]	= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_HC_COUNT]	= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_CPUID_BASE]	= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_CPUID_COUNT]	= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_DATA_PAGES]	= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_TEXT_PAGES]	= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_CALLS]		= { .type = NLA_U64 },
	[GV_HYPAPP_ATTR_EVENTS]		= { .type = NLA_U32 },
	[GV_HYPAPP_ATTR_QUIESCE]	= { .type = NLA_U32 },
};

static struct nla_policy gv_event_policy[GV_EVENT_ATTR_MAX + 1] = {
	[GV_EVENT_ATTR_TYPE]		= { .type = NLA_U32 },
	[GV_EVENT_ATTR_SOURCE]		= { .type = NLA_U32 },
	[GV_EVENT_ATTR_CPU]		= { .type = NLA_U32 },
	[GV_EVENT_ATTR_TSC]		= { .type = NLA_U64 },
	[GV_EVENT_ATTR_DATA0]		= { .type = NLA_U64 },
	[GV_EVENT_ATTR_DATA1]		= { .type = NLA_U64 },
	[GV_EVENT_ATTR_DATA2]		= { .type = NLA_U64 },
	[GV_EVENT_ATTR_DATA3]		= { .type = NLA_U64 },
};

static struct nla_policy gv_event_stats_policy[GV_EVENT_STATS_ATTR_MAX + 1] = {
	[GV_EVENT_STATS_ATTR_POSTED]	= { .type = NLA_U64 },
	[GV_EVENT_STATS_ATTR_DROPPED]	= { .type = NLA_U64 },
	[GV_EVENT_STATS_ATTR_DELIVERED]	= { .type = NLA_U64 },
};

static struct nla_policy gv_mem_policy[GV_MEM_ATTR_MAX + 1] = {
	[GV_MEM_ATTR_ID]		= { .type = NLA_U32 },
	[GV_MEM_ATTR_SIZE]		= { .type = NLA_U64 },
	[GV_MEM_ATTR_BLOCKS]		= { .type = NLA_U32 },
	[GV_MEM_ATTR_FIRST_PA]		= { .type = NLA_U64 },
};

static struct nla_policy gv_cpu_policy[GV_CPU_ATTR_MAX + 1] = {
	[GV_CPU_ATTR_ID]		= { .type = NLA_U32 },
	[GV_CPU_ATTR_ONLINE]		= { .type = NLA_U8 },
	[GV_CPU_ATTR_VIRTUALIZED]	= { .type = NLA_U8 },
	[GV_CPU_ATTR_EXITS]		= { .type = NLA_NESTED },
	[GV_CPU_ATTR_EXITS_TOTAL]	= { .type = NLA_U64 },
};

static struct nla_policy gv_ept_policy[GV_EPT_ATTR_MAX + 1] = {
	[GV_EPT_ATTR_TABLES]		= { .type = NLA_U64 },
	[GV_EPT_ATTR_LEAVES_1G]		= { .type = NLA_U64 },
	[GV_EPT_ATTR_LEAVES_2M]		= { .type = NLA_U64 },
	[GV_EPT_ATTR_LEAVES_4K]		= { .type = NLA_U64 },
	[GV_EPT_ATTR_GREEN_PAGES]	= { .type = NLA_U64 },
	[GV_EPT_ATTR_GREEN_TABLES]	= { .type = NLA_U64 },
};

static struct nla_policy gv_ept_map_policy[GV_EPT_MAP_ATTR_MAX + 1] = {
	[GV_EPT_MAP_ATTR_GPA]		= { .type = NLA_U64 },
	[GV_EPT_MAP_ATTR_HPA]		= { .type = NLA_U64 },
	[GV_EPT_MAP_ATTR_SIZE]		= { .type = NLA_U64 },
	[GV_EPT_MAP_ATTR_PERM]		= { .type = NLA_U32 },
	[GV_EPT_MAP_ATTR_MEMTYPE]	= { .type = NLA_U32 },
};

static struct nla_policy gv_exit_policy[GV_EXIT_ATTR_MAX + 1] = {
	[GV_EXIT_ATTR_REASON]		= { .type = NLA_U32 },
	[GV_EXIT_ATTR_COUNT]		= { .type = NLA_U64 },
};

/* Copy the extack message (NLMSGERR_ATTR_MSG) found at @tlv. */
static void gvnl_extack(struct gvnl_req *r, struct nlattr *tlv, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, tlv, len, NULL) ||
	    !tb[NLMSGERR_ATTR_MSG])
		return;
	nla_strlcpy(r->msg, tb[NLMSGERR_ATTR_MSG], sizeof(r->msg));
}

static int gvnl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct gvnl_req *r = arg;
	int off;

	(void)nla;
	r->err = e->error;
	r->done = true;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* nlmsgerr.error, the echoed request (capped: header only) */
		off = NLMSG_ALIGN(sizeof(e->error) +
				  ((nlh->nlmsg_flags & NLM_F_CAPPED) ?
				   sizeof(struct nlmsghdr) : e->msg.nlmsg_len));
		gvnl_extack(r, (struct nlattr *)((char *)e + off),
			    (int)nlh->nlmsg_len - NLMSG_HDRLEN - off);
	}
	return NL_STOP;
}

static int gvnl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct gvnl_req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* NLMSG_DONE carries the dump's final errno and its extack. */
static int gvnl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct gvnl_req *r = arg;
	int off = NLMSG_ALIGN(sizeof(int));
	int err;

	r->done = true;
	if (nlmsg_datalen(nlh) < (int)sizeof(int))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		r->err = err;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			gvnl_extack(r, (struct nlattr *)
				    ((char *)nlmsg_data(nlh) + off),
				    nlmsg_datalen(nlh) - off);
	}
	return NL_STOP;
}

static int gvnl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[GV_ATTR_MAX + 1];
	struct gvnl_req *r = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, GV_ATTR_MAX, gv_policy) ||
	    r->parse(tb, r->arg)) {
		r->proto_err = true;
		r->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int gvnl_report(const struct gvnl_req *r)
{
	const char *hint = "";

	if (r->proto_err) {
		fprintf(stderr, "hvctl: %s: malformed reply from the kernel\n",
			r->what);
		return HVCTL_EXIT_KERNEL;
	}
	if (r->err == -EPERM)
		hint = " (hvctl needs CAP_NET_ADMIN; run it as root)";
	if (r->msg[0])
		fprintf(stderr, "hvctl: %s: %s: %s%s\n", r->what,
			strerror(-r->err), r->msg, hint);
	else
		fprintf(stderr, "hvctl: %s: %s%s\n", r->what,
			strerror(-r->err), hint);
	return HVCTL_EXIT_KERNEL;
}

/*
 * Send @cmd (a dump if @dump) with attribute @attr = @val when @attr is
 * GV_ATTR_CPU_ID or GV_ATTR_MEM_ID (u32), GV_ATTR_GPA or GV_ATTR_MEM_SIZE
 * (u64), none when @attr is -1, and
 * feed every reply to r->parse.
 */
static int gvnl_request(struct gvnl *g, struct gvnl_req *r, uint8_t cmd,
			bool dump, int attr, uint64_t val)
{
	struct nl_msg *msg;
	struct nl_cb *cb;
	int flags = dump ? NLM_F_DUMP : NLM_F_ACK;
	int err;

	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		fprintf(stderr, "hvctl: out of memory\n");
		err = HVCTL_EXIT_KERNEL;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0, flags,
			 cmd, GV_GENL_VERSION) ||
	    (attr == GV_ATTR_CPU_ID &&
	     nla_put_u32(msg, GV_ATTR_CPU_ID, (uint32_t)val)) ||
	    (attr == GV_ATTR_GPA && nla_put_u64(msg, GV_ATTR_GPA, val)) ||
	    (attr == GV_ATTR_MEM_SIZE && nla_put_u64(msg, GV_ATTR_MEM_SIZE, val)) ||
	    (attr == GV_ATTR_MEM_ID &&
	     nla_put_u32(msg, GV_ATTR_MEM_ID, (uint32_t)val))) {
		fprintf(stderr, "hvctl: cannot build the %s request\n", r->what);
		err = HVCTL_EXIT_KERNEL;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, gvnl_valid_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, gvnl_ack_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, gvnl_finish_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, gvnl_err_cb, r);

	err = nl_send_auto(g->sk, msg);
	if (err < 0) {
		fprintf(stderr, "hvctl: %s: cannot send: %s\n", r->what,
			nl_geterror(err));
		err = HVCTL_EXIT_KERNEL;
		goto out;
	}
	while (!r->done) {
		err = nl_recvmsgs(g->sk, cb);
		if (err < 0 && !r->err && !r->proto_err) {
			fprintf(stderr, "hvctl: %s: %s\n", r->what,
				nl_geterror(err));
			err = HVCTL_EXIT_KERNEL;
			goto out;
		}
		if (err < 0)
			break;
	}
	err = (r->err || r->proto_err) ? gvnl_report(r) : HVCTL_EXIT_OK;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err;
}

int gvnl_open(struct gvnl **gp, bool quiet_not_loaded)
{
	struct gvnl *g;
	int one = 1;
	int err;

	g = calloc(1, sizeof(*g));
	if (!g) {
		fprintf(stderr, "hvctl: out of memory\n");
		return HVCTL_EXIT_KERNEL;
	}
	g->sk = nl_socket_alloc();
	if (!g->sk) {
		fprintf(stderr, "hvctl: out of memory\n");
		free(g);
		return HVCTL_EXIT_KERNEL;
	}
	nl_socket_disable_auto_ack(g->sk);
	err = genl_connect(g->sk);
	if (err < 0) {
		fprintf(stderr, "hvctl: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto fail;
	}
	/* Best effort: older kernels only lose the messages. */
	setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	g->family = genl_ctrl_resolve(g->sk, GV_GENL_NAME);
	if (g->family == -NLE_OBJ_NOTFOUND) {
		if (!quiet_not_loaded)
			fprintf(stderr, "hvctl: %s\n", not_loaded_msg);
		nl_socket_free(g->sk);
		free(g);
		return HVCTL_EXIT_NOT_LOADED;
	}
	if (g->family < 0) {
		fprintf(stderr, "hvctl: cannot look up the \"%s\" genl family: %s\n",
			GV_GENL_NAME, nl_geterror(g->family));
		goto fail;
	}
	*gp = g;
	return HVCTL_EXIT_OK;

fail:
	nl_socket_free(g->sk);
	free(g);
	return HVCTL_EXIT_KERNEL;
}

void gvnl_close(struct gvnl *g)
{
	if (!g)
		return;
	nl_socket_free(g->sk);
	free(g);
}

static int parse_status(struct nlattr **tb, void *arg)
{
	struct hv_status *st = arg;

	memset(st, 0, sizeof(*st));
	if (!tb[GV_ATTR_NR_CPUS_POSSIBLE] || !tb[GV_ATTR_NR_CPUS_ONLINE] ||
	    !tb[GV_ATTR_NR_CPUS_VIRTUALIZED])
		return -1;
	if (tb[GV_ATTR_MODULE_VERSION])
		nla_strlcpy(st->module_version, tb[GV_ATTR_MODULE_VERSION],
			    sizeof(st->module_version));
	else
		strcpy(st->module_version, "unknown");
	st->nr_possible = nla_get_u32(tb[GV_ATTR_NR_CPUS_POSSIBLE]);
	st->nr_online = nla_get_u32(tb[GV_ATTR_NR_CPUS_ONLINE]);
	st->nr_virtualized = nla_get_u32(tb[GV_ATTR_NR_CPUS_VIRTUALIZED]);
	if (tb[GV_ATTR_ABI_VERSION]) {
		st->has_abi = true;
		st->abi_version = nla_get_u32(tb[GV_ATTR_ABI_VERSION]);
		if (tb[GV_ATTR_ABI_CPU])
			st->abi_cpu = nla_get_u32(tb[GV_ATTR_ABI_CPU]);
		if (tb[GV_ATTR_FEATURES])
			st->features = nla_get_u32(tb[GV_ATTR_FEATURES]);
	}
	return 0;
}

int gvnl_get_status(struct gvnl *g, struct hv_status *st)
{
	struct gvnl_req r = {
		.what = "status", .parse = parse_status, .arg = st,
	};

	return gvnl_request(g, &r, GV_CMD_GET_STATUS, false, -1, 0);
}

static int parse_exits(struct nlattr *nest, struct hv_cpu *c)
{
	struct nlattr *tb[GV_EXIT_ATTR_MAX + 1];
	struct nlattr *entry;
	uint32_t reason;
	int rem;

	nla_for_each_nested(entry, nest, rem) {
		if (nla_type(entry) != GV_EXITS_ATTR_REASON)
			continue;	/* from a newer kernel */
		if (nla_parse_nested(tb, GV_EXIT_ATTR_MAX, entry,
				     gv_exit_policy) ||
		    !tb[GV_EXIT_ATTR_REASON] || !tb[GV_EXIT_ATTR_COUNT])
			return -1;
		reason = nla_get_u32(tb[GV_EXIT_ATTR_REASON]);
		if (reason < HVCTL_NR_REASONS)
			c->counts[reason] = nla_get_u64(tb[GV_EXIT_ATTR_COUNT]);
	}
	return 0;
}

static int parse_cpu(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_CPU_ATTR_MAX + 1];
	struct hv_cpu_list *l = arg;
	struct hv_cpu *c;

	if (!top[GV_ATTR_CPU] ||
	    nla_parse_nested(tb, GV_CPU_ATTR_MAX, top[GV_ATTR_CPU],
			     gv_cpu_policy) ||
	    !tb[GV_CPU_ATTR_ID])
		return -1;
	c = hv_cpu_list_add(l);
	if (!c)
		return -1;
	c->id = nla_get_u32(tb[GV_CPU_ATTR_ID]);
	c->online = tb[GV_CPU_ATTR_ONLINE] &&
		    nla_get_u8(tb[GV_CPU_ATTR_ONLINE]);
	c->virtualized = tb[GV_CPU_ATTR_VIRTUALIZED] &&
			 nla_get_u8(tb[GV_CPU_ATTR_VIRTUALIZED]);
	if (tb[GV_CPU_ATTR_EXITS]) {
		c->has_exits = true;
		if (parse_exits(tb[GV_CPU_ATTR_EXITS], c))
			return -1;
		if (tb[GV_CPU_ATTR_EXITS_TOTAL])
			c->exits_total = nla_get_u64(tb[GV_CPU_ATTR_EXITS_TOTAL]);
	}
	return 0;
}

int gvnl_get_cpu(struct gvnl *g, const char *what, uint32_t cpu,
		 struct hv_cpu_list *l)
{
	struct gvnl_req r = { .what = what, .parse = parse_cpu, .arg = l };

	return gvnl_request(g, &r, GV_CMD_GET_CPU, false, GV_ATTR_CPU_ID, cpu);
}

int gvnl_dump_cpus(struct gvnl *g, const char *what, struct hv_cpu_list *l)
{
	struct gvnl_req r = { .what = what, .parse = parse_cpu, .arg = l };

	return gvnl_request(g, &r, GV_CMD_GET_CPU, true, -1, 0);
}

static int parse_ept(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_EPT_ATTR_MAX + 1];
	struct hv_ept_stats *st = arg;

	if (!top[GV_ATTR_EPT] ||
	    nla_parse_nested(tb, GV_EPT_ATTR_MAX, top[GV_ATTR_EPT],
			     gv_ept_policy) ||
	    !tb[GV_EPT_ATTR_TABLES] || !tb[GV_EPT_ATTR_LEAVES_1G] ||
	    !tb[GV_EPT_ATTR_LEAVES_2M] || !tb[GV_EPT_ATTR_LEAVES_4K])
		return -1;
	st->tables = nla_get_u64(tb[GV_EPT_ATTR_TABLES]);
	st->leaves_1g = nla_get_u64(tb[GV_EPT_ATTR_LEAVES_1G]);
	st->leaves_2m = nla_get_u64(tb[GV_EPT_ATTR_LEAVES_2M]);
	st->leaves_4k = nla_get_u64(tb[GV_EPT_ATTR_LEAVES_4K]);
	/* Older modules do not report the green view. */
	st->green_pages = tb[GV_EPT_ATTR_GREEN_PAGES] ?
			  nla_get_u64(tb[GV_EPT_ATTR_GREEN_PAGES]) : 0;
	st->green_tables = tb[GV_EPT_ATTR_GREEN_TABLES] ?
			   nla_get_u64(tb[GV_EPT_ATTR_GREEN_TABLES]) : 0;
	return 0;
}

int gvnl_get_ept(struct gvnl *g, struct hv_ept_stats *st)
{
	struct gvnl_req r = { .what = "ept show", .parse = parse_ept, .arg = st };

	memset(st, 0, sizeof(*st));
	return gvnl_request(g, &r, GV_CMD_GET_EPT, false, -1, 0);
}

static int parse_ept_map(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_EPT_MAP_ATTR_MAX + 1];
	struct hv_ept_map *m = arg;

	if (!top[GV_ATTR_EPT_MAP] ||
	    nla_parse_nested(tb, GV_EPT_MAP_ATTR_MAX, top[GV_ATTR_EPT_MAP],
			     gv_ept_map_policy) ||
	    !tb[GV_EPT_MAP_ATTR_HPA] || !tb[GV_EPT_MAP_ATTR_SIZE] ||
	    !tb[GV_EPT_MAP_ATTR_PERM] || !tb[GV_EPT_MAP_ATTR_MEMTYPE])
		return -1;
	if (tb[GV_EPT_MAP_ATTR_GPA])
		m->gpa = nla_get_u64(tb[GV_EPT_MAP_ATTR_GPA]);
	m->hpa = nla_get_u64(tb[GV_EPT_MAP_ATTR_HPA]);
	m->size = nla_get_u64(tb[GV_EPT_MAP_ATTR_SIZE]);
	m->perm = nla_get_u32(tb[GV_EPT_MAP_ATTR_PERM]);
	m->memtype = nla_get_u32(tb[GV_EPT_MAP_ATTR_MEMTYPE]);
	return 0;
}

int gvnl_ept_query(struct gvnl *g, uint64_t gpa, struct hv_ept_map *m)
{
	struct gvnl_req r = {
		.what = "ept query", .parse = parse_ept_map, .arg = m,
	};

	memset(m, 0, sizeof(*m));
	m->gpa = gpa;
	return gvnl_request(g, &r, GV_CMD_EPT_QUERY, false, GV_ATTR_GPA, gpa);
}

static int parse_mem(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_MEM_ATTR_MAX + 1];
	struct hv_mem_list *l = arg;
	struct hv_mem *m;

	if (!top[GV_ATTR_MEM] ||
	    nla_parse_nested(tb, GV_MEM_ATTR_MAX, top[GV_ATTR_MEM],
			     gv_mem_policy) ||
	    !tb[GV_MEM_ATTR_ID] || !tb[GV_MEM_ATTR_SIZE] ||
	    !tb[GV_MEM_ATTR_BLOCKS] || !tb[GV_MEM_ATTR_FIRST_PA])
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct hv_mem *sets = realloc(l->sets, cap * sizeof(*sets));

		if (!sets)
			return -1;
		l->sets = sets;
		l->cap = cap;
	}
	m = &l->sets[l->n++];
	m->id = nla_get_u32(tb[GV_MEM_ATTR_ID]);
	m->size = nla_get_u64(tb[GV_MEM_ATTR_SIZE]);
	m->blocks = nla_get_u32(tb[GV_MEM_ATTR_BLOCKS]);
	m->first_pa = nla_get_u64(tb[GV_MEM_ATTR_FIRST_PA]);
	return 0;
}

int gvnl_mem_lend(struct gvnl *g, uint64_t size, struct hv_mem_list *l)
{
	struct gvnl_req r = { .what = "mem lend", .parse = parse_mem, .arg = l };

	return gvnl_request(g, &r, GV_CMD_MEM_LEND, false, GV_ATTR_MEM_SIZE, size);
}

static int parse_nothing(struct nlattr **top, void *arg)
{
	(void)top;
	(void)arg;
	return -1;	/* GV_CMD_MEM_RETURN has no reply but the ACK */
}

int gvnl_mem_return(struct gvnl *g, uint32_t id)
{
	struct gvnl_req r = { .what = "mem return", .parse = parse_nothing };

	return gvnl_request(g, &r, GV_CMD_MEM_RETURN, false, GV_ATTR_MEM_ID, id);
}

int gvnl_mem_dump(struct gvnl *g, struct hv_mem_list *l)
{
	struct gvnl_req r = { .what = "mem show", .parse = parse_mem, .arg = l };

	return gvnl_request(g, &r, GV_CMD_MEM_GET, true, -1, 0);
}

void hv_mem_list_free(struct hv_mem_list *l)
{
	free(l->sets);
	l->sets = NULL;
	l->n = 0;
	l->cap = 0;
}

static int parse_event_stats(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_EVENT_STATS_ATTR_MAX + 1];
	struct hv_event_stats *st = arg;

	if (!top[GV_ATTR_EVENT_STATS] ||
	    nla_parse_nested(tb, GV_EVENT_STATS_ATTR_MAX, top[GV_ATTR_EVENT_STATS],
			     gv_event_stats_policy) ||
	    !tb[GV_EVENT_STATS_ATTR_POSTED] || !tb[GV_EVENT_STATS_ATTR_DROPPED] ||
	    !tb[GV_EVENT_STATS_ATTR_DELIVERED])
		return -1;
	st->posted = nla_get_u64(tb[GV_EVENT_STATS_ATTR_POSTED]);
	st->dropped = nla_get_u64(tb[GV_EVENT_STATS_ATTR_DROPPED]);
	st->delivered = nla_get_u64(tb[GV_EVENT_STATS_ATTR_DELIVERED]);
	return 0;
}

int gvnl_event_stats(struct gvnl *g, struct hv_event_stats *st)
{
	struct gvnl_req r = {
		.what = "events stats", .parse = parse_event_stats, .arg = st,
	};

	return gvnl_request(g, &r, GV_CMD_GET_EVENT_STATS, false, -1, 0);
}

/* State of `hvctl events`: what to call per event, how many are left. */
struct gvnl_follow {
	void (*fn)(const struct hv_event *e, void *arg);
	void *arg;
	long left;		/* < 0: no limit */
	bool bad;		/* a message we could not parse */
};

static int parse_event(struct nlattr *nest, struct hv_event *e)
{
	static const int data_attr[4] = {
		GV_EVENT_ATTR_DATA0, GV_EVENT_ATTR_DATA1,
		GV_EVENT_ATTR_DATA2, GV_EVENT_ATTR_DATA3,
	};
	struct nlattr *tb[GV_EVENT_ATTR_MAX + 1];
	unsigned int i;

	if (!nest || nla_parse_nested(tb, GV_EVENT_ATTR_MAX, nest, gv_event_policy) ||
	    !tb[GV_EVENT_ATTR_TYPE] || !tb[GV_EVENT_ATTR_CPU] || !tb[GV_EVENT_ATTR_TSC])
		return -1;
	memset(e, 0, sizeof(*e));
	e->type = nla_get_u32(tb[GV_EVENT_ATTR_TYPE]);
	if (tb[GV_EVENT_ATTR_SOURCE])
		e->source = nla_get_u32(tb[GV_EVENT_ATTR_SOURCE]);
	e->cpu = nla_get_u32(tb[GV_EVENT_ATTR_CPU]);
	e->tsc = nla_get_u64(tb[GV_EVENT_ATTR_TSC]);
	for (i = 0; i < ARRAY_SIZE(data_attr); i++)
		if (tb[data_attr[i]])
			e->data[i] = nla_get_u64(tb[data_attr[i]]);
	return 0;
}

static int gvnl_event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[GV_ATTR_MAX + 1];
	struct gvnl_follow *f = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct hv_event e;

	if (gh->cmd != GV_CMD_EVENT)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, GV_ATTR_MAX, gv_policy) ||
	    parse_event(tb[GV_ATTR_EVENT], &e)) {
		f->bad = true;
		return NL_OK;
	}
	if (f->left) {
		f->fn(&e, f->arg);
		if (f->left > 0)
			f->left--;
	}
	return NL_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Join the "events" group and call @fn for each event until @count have
 * come (count < 0: no limit) or @timeout_s seconds passed (<= 0: none).
 * Returns HVCTL_EXIT_OK when @count events came (or on the timeout with no
 * count asked), HVCTL_EXIT_TIMEOUT when the timeout ended a counted wait.
 */
int gvnl_events_follow(struct gvnl *g, long count, double timeout_s,
		       void (*fn)(const struct hv_event *e, void *arg), void *arg)
{
	struct gvnl_follow f = { .fn = fn, .arg = arg, .left = count };
	double end = timeout_s > 0 ? now_s() + timeout_s : 0;
	struct nl_cb *cb;
	struct pollfd p;
	int grp, err = HVCTL_EXIT_OK;

	grp = genl_ctrl_resolve_grp(g->sk, GV_GENL_NAME, GV_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "hvctl: events: no \"%s\" group: %s\n",
			GV_GENL_MCGRP_EVENTS, nl_geterror(grp));
		return HVCTL_EXIT_KERNEL;
	}
	err = nl_socket_add_membership(g->sk, grp);
	if (err < 0) {
		fprintf(stderr, "hvctl: events: cannot join the group: %s%s\n",
			nl_geterror(err),
			err == -NLE_PERM ? " (needs CAP_NET_ADMIN; run it as root)" : "");
		return HVCTL_EXIT_KERNEL;
	}
	nl_socket_disable_seq_check(g->sk);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		fprintf(stderr, "hvctl: out of memory\n");
		return HVCTL_EXIT_KERNEL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, gvnl_event_cb, &f);
	p.fd = nl_socket_get_fd(g->sk);
	p.events = POLLIN;
	err = HVCTL_EXIT_OK;
	while (f.left) {
		double left = end ? end - now_s() : -1;
		int n;

		if (end && left <= 0) {
			err = count > 0 ? HVCTL_EXIT_TIMEOUT : HVCTL_EXIT_OK;
			break;
		}
		n = poll(&p, 1, end ? (int)(left * 1000) + 1 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "hvctl: events: poll: %s\n", strerror(errno));
			err = HVCTL_EXIT_KERNEL;
			break;
		}
		if (n && nl_recvmsgs(g->sk, cb) < 0 && errno != EAGAIN) {
			fprintf(stderr, "hvctl: events: receive failed (greenvisor unloaded?)\n");
			err = HVCTL_EXIT_KERNEL;
			break;
		}
	}
	if (f.bad)
		fprintf(stderr, "hvctl: events: some messages could not be parsed\n");
	nl_cb_put(cb);
	return err;
}

static uint32_t get_u32_or0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static int parse_hypapp(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_HYPAPP_ATTR_MAX + 1];
	struct hv_hypapp_list *l = arg;
	struct hv_hypapp *h;

	if (!top[GV_ATTR_HYPAPP] ||
	    nla_parse_nested(tb, GV_HYPAPP_ATTR_MAX, top[GV_ATTR_HYPAPP],
			     gv_hypapp_policy) ||
	    !tb[GV_HYPAPP_ATTR_ID] || !tb[GV_HYPAPP_ATTR_NAME])
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct hv_hypapp *apps = realloc(l->apps, cap * sizeof(*apps));

		if (!apps)
			return -1;
		l->apps = apps;
		l->cap = cap;
	}
	h = &l->apps[l->n++];
	memset(h, 0, sizeof(*h));
	h->id = nla_get_u32(tb[GV_HYPAPP_ATTR_ID]);
	nla_strlcpy(h->name, tb[GV_HYPAPP_ATTR_NAME], sizeof(h->name));
	if (tb[GV_HYPAPP_ATTR_MODULE])
		nla_strlcpy(h->module, tb[GV_HYPAPP_ATTR_MODULE], sizeof(h->module));
	h->hc_base = get_u32_or0(tb[GV_HYPAPP_ATTR_HC_BASE]);
	h->hc_count = get_u32_or0(tb[GV_HYPAPP_ATTR_HC_COUNT]);
	h->cpuid_base = get_u32_or0(tb[GV_HYPAPP_ATTR_CPUID_BASE]);
	h->cpuid_count = get_u32_or0(tb[GV_HYPAPP_ATTR_CPUID_COUNT]);
	h->data_pages = get_u32_or0(tb[GV_HYPAPP_ATTR_DATA_PAGES]);
	h->text_pages = get_u32_or0(tb[GV_HYPAPP_ATTR_TEXT_PAGES]);
	h->events = get_u32_or0(tb[GV_HYPAPP_ATTR_EVENTS]);
	h->quiesce = get_u32_or0(tb[GV_HYPAPP_ATTR_QUIESCE]);
	if (tb[GV_HYPAPP_ATTR_CALLS])
		h->calls = nla_get_u64(tb[GV_HYPAPP_ATTR_CALLS]);
	return 0;
}

int gvnl_hypapp_dump(struct gvnl *g, struct hv_hypapp_list *l)
{
	struct gvnl_req r = { .what = "hypapp list", .parse = parse_hypapp, .arg = l };

	return gvnl_request(g, &r, GV_CMD_HYPAPP_GET, true, -1, 0);
}

void hv_hypapp_list_free(struct hv_hypapp_list *l)
{
	free(l->apps);
	l->apps = NULL;
	l->n = 0;
	l->cap = 0;
}

static int parse_range(struct nlattr **top, void *arg)
{
	struct nlattr *tb[GV_MEM_RANGE_ATTR_MAX + 1];
	struct hv_range_list *l = arg;

	if (!top[GV_ATTR_MEM_RANGE] ||
	    nla_parse_nested(tb, GV_MEM_RANGE_ATTR_MAX, top[GV_ATTR_MEM_RANGE],
			     gv_range_policy) ||
	    !tb[GV_MEM_RANGE_ATTR_START] || !tb[GV_MEM_RANGE_ATTR_END] ||
	    !tb[GV_MEM_RANGE_ATTR_OWNER])
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct hv_range *r = realloc(l->r, cap * sizeof(*r));

		if (!r)
			return -1;
		l->r = r;
		l->cap = cap;
	}
	l->r[l->n].start = nla_get_u64(tb[GV_MEM_RANGE_ATTR_START]);
	l->r[l->n].end = nla_get_u64(tb[GV_MEM_RANGE_ATTR_END]);
	l->r[l->n].owner = nla_get_u32(tb[GV_MEM_RANGE_ATTR_OWNER]);
	l->n++;
	return 0;
}

int gvnl_mem_map(struct gvnl *g, struct hv_range_list *l)
{
	struct gvnl_req r = { .what = "mem map", .parse = parse_range, .arg = l };

	return gvnl_request(g, &r, GV_CMD_MEM_MAP_GET, true, -1, 0);
}

