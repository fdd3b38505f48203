// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink-level checks of the greenvisor family, run as root where the
 * module is loaded (emulator guest or lab box): strict attribute policies,
 * extended-ACK messages, header checks, dump completeness and resumption,
 * bad input for every command (nothing lent or returned by it), and
 * CAP_NET_ADMIN. TAP output; exit status 0 iff every check passed,
 * 4 (skip) when the family does not exist.
 *
 * The last checks drop root (setuid 65534), so they run last.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/greenvisor_nl.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

static int family, nr_tests, nr_failed;

/* What one exchange produced. */
struct result {
	int err;		/* 0, or the negative errno */
	bool done;
	char msg[256];		/* extack message */
	int nr_msgs;		/* GV_CMD_* replies */
	int last_cpu;
	bool in_order;		/* GV_CPU_ATTR_ID 0, 1, 2, ... */
	bool has_ept;		/* a GV_ATTR_EPT nest with its four counts */
	uint64_t ept[GV_EPT_ATTR_MAX + 1];
	bool has_map;		/* a GV_ATTR_EPT_MAP nest, all of it */
	uint64_t map[GV_EPT_MAP_ATTR_MAX + 1];
};

static void extack_msg(struct result *r, void *tlv, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len > 0 && !nla_parse(tb, NLMSGERR_ATTR_MAX, tlv, len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(r->msg, tb[NLMSGERR_ATTR_MSG], sizeof(r->msg));
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct result *r = arg;
	int off;

	(void)nla;
	r->err = e->error;
	r->done = true;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = NLMSG_ALIGN(sizeof(int) +
				  ((nlh->nlmsg_flags & NLM_F_CAPPED) ?
				   sizeof(struct nlmsghdr) : e->msg.nlmsg_len));
		extack_msg(r, (char *)e + off,
			   (int)nlh->nlmsg_len - NLMSG_HDRLEN - off);
	}
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct result *r = arg;
	int err = 0;

	r->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	r->err = err;
	if (err && (nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		extack_msg(r, (char *)nlmsg_data(nlh) + NLMSG_ALIGN(sizeof(int)),
			   nlmsg_datalen(nlh) - NLMSG_ALIGN(sizeof(int)));
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct result *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* The GV_ATTR_EPT and GV_ATTR_EPT_MAP replies, as u64/u32 values. */
static void ept_reply(struct result *r, struct nlattr **tb)
{
	struct nlattr *e[GV_EPT_MAP_ATTR_MAX + GV_EPT_ATTR_MAX + 1];
	int i;

	if (tb[GV_ATTR_EPT] &&
	    !nla_parse_nested(e, GV_EPT_ATTR_MAX, tb[GV_ATTR_EPT], NULL)) {
		r->has_ept = true;
		for (i = GV_EPT_ATTR_TABLES; i <= GV_EPT_ATTR_LEAVES_4K; i++) {
			if (!e[i] || nla_len(e[i]) != 8)
				r->has_ept = false;
			else
				r->ept[i] = nla_get_u64(e[i]);
		}
	}
	if (tb[GV_ATTR_EPT_MAP] &&
	    !nla_parse_nested(e, GV_EPT_MAP_ATTR_MAX, tb[GV_ATTR_EPT_MAP],
			      NULL)) {
		r->has_map = true;
		for (i = GV_EPT_MAP_ATTR_GPA; i <= GV_EPT_MAP_ATTR_MEMTYPE; i++) {
			if (!e[i])
				r->has_map = false;
			else if (nla_len(e[i]) == 8)
				r->map[i] = nla_get_u64(e[i]);
			else if (nla_len(e[i]) == 4)
				r->map[i] = nla_get_u32(e[i]);
			else
				r->has_map = false;
		}
	}
}

static void count_reply(struct result *r, struct nlmsghdr *nlh)
{
	struct nlattr *tb[GV_ATTR_MAX + 1], *cpu[GV_CPU_ATTR_MAX + 1];
	int id;

	r->nr_msgs++;
	if (!genlmsg_parse(nlh, 0, tb, GV_ATTR_MAX, NULL))
		ept_reply(r, tb);
	if (genlmsg_parse(nlh, 0, tb, GV_ATTR_MAX, NULL) || !tb[GV_ATTR_CPU] ||
	    nla_parse_nested(cpu, GV_CPU_ATTR_MAX, tb[GV_ATTR_CPU], NULL) ||
	    !cpu[GV_CPU_ATTR_ID])
		return;
	id = nla_get_u32(cpu[GV_CPU_ATTR_ID]);
	if (id != r->last_cpu + 1)
		r->in_order = false;
	r->last_cpu = id;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	count_reply(arg, nlmsg_hdr(msg));
	return NL_OK;
}

/*
 * One request; @attr < 0: no attribute, else the first @len bytes of @val
 * (little-endian: a u32 when @len is 4).
 */
static void request(struct nl_sock *sk, struct result *r, uint8_t cmd,
		    int flags, int attr, int len, uint64_t val, bool reserved)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct genlmsghdr *g;
	void *hdr;

	memset(r, 0, sizeof(*r));
	r->last_cpu = -1;
	r->in_order = true;
	if (!msg || !cb)
		exit(2);
	hdr = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			  cmd, GV_GENL_VERSION);
	g = (struct genlmsghdr *)((char *)hdr - GENL_HDRLEN);
	if (reserved)
		g->reserved = 1;
	if (attr >= 0)
		nla_put(msg, attr, len, &val);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, r);
	if (nl_send_auto(sk, msg) < 0) {
		r->err = -EIO;
		r->done = true;
	}
	while (!r->done) {
		/* The callbacks set r->done: cppcheck cannot see that. */
		/* cppcheck-suppress knownConditionTrueFalse */
		if (nl_recvmsgs(sk, cb) < 0 && !r->done) {
			r->err = -EIO;
			r->done = true;
		}
	}
	nl_cb_put(cb);
	nlmsg_free(msg);
}

static void report(bool ok, const char *name, const struct result *r)
{
	nr_tests++;
	nr_failed += !ok;
	/* The diagnostic first: tap2gvt makes it a FAIL line's reason. */
	printf("# err %d, %d replies, extack '%s'\n", r->err, r->nr_msgs,
	       r->msg);
	printf("%s %d - %s\n", ok ? "ok" : "not ok", nr_tests, name);
}

static void expect(struct nl_sock *sk, const char *name, uint8_t cmd,
		   int flags, int attr, int len, uint64_t val, bool reserved,
		   int want, const char *msg)
{
	struct result r;

	request(sk, &r, cmd, flags, attr, len, val, reserved);
	report(r.err == want && (!msg || strstr(r.msg, msg)), name, &r);
}

/* Lent sets (GV_CMD_MEM_GET dump): -1 when the dump failed. */
static int nr_lent_sets(struct nl_sock *sk)
{
	struct result r;

	request(sk, &r, GV_CMD_MEM_GET, NLM_F_DUMP, -1, 0, 0, false);
	return r.err ? -1 : r.nr_msgs;
}

/*
 * Bad input for the memory, event and hypapp commands: each refused with
 * the documented errno (and the module's message where it has one), and
 * no set lent or returned by any of it.
 */
static void bad_input_checks(struct nl_sock *sk)
{
	int sets = nr_lent_sets(sk);
	struct result r;

	expect(sk, "mem lend: missing size", GV_CMD_MEM_LEND, NLM_F_ACK, -1, 0,
	       0, false, -EINVAL, "GV_ATTR_MEM_SIZE");
	expect(sk, "mem lend: size 0", GV_CMD_MEM_LEND, NLM_F_ACK,
	       GV_ATTR_MEM_SIZE, 8, 0, false, -EINVAL, "4 KiB");
	expect(sk, "mem lend: size not whole pages", GV_CMD_MEM_LEND, NLM_F_ACK,
	       GV_ATTR_MEM_SIZE, 8, 4097, false, -EINVAL, "4 KiB");
	expect(sk, "mem lend: size as a u32", GV_CMD_MEM_LEND, NLM_F_ACK,
	       GV_ATTR_MEM_SIZE, 4, 4096, false, -EINVAL, NULL);
	expect(sk, "mem lend: attribute it does not take", GV_CMD_MEM_LEND,
	       NLM_F_ACK, GV_ATTR_CPU_ID, 4, 0, false, -EINVAL, NULL);
	expect(sk, "mem lend: more than memory", GV_CMD_MEM_LEND, NLM_F_ACK,
	       GV_ATTR_MEM_SIZE, 8, 1ull << 46, false, -ENOMEM, NULL);
	expect(sk, "mem lend has no dump", GV_CMD_MEM_LEND, NLM_F_DUMP, -1, 0,
	       0, false, -EOPNOTSUPP, NULL);
	expect(sk, "mem return: missing id", GV_CMD_MEM_RETURN, NLM_F_ACK, -1,
	       0, 0, false, -EINVAL, "GV_ATTR_MEM_ID");
	expect(sk, "mem return: id 0", GV_CMD_MEM_RETURN, NLM_F_ACK,
	       GV_ATTR_MEM_ID, 4, 0, false, -ERANGE, "out of range");
	expect(sk, "mem return: unknown id", GV_CMD_MEM_RETURN, NLM_F_ACK,
	       GV_ATTR_MEM_ID, 4, 4000000, false, -ENOENT, "no lent memory");
	expect(sk, "mem show rejects attributes", GV_CMD_MEM_GET, NLM_F_DUMP,
	       GV_ATTR_MEM_ID, 4, 1, false, -EINVAL, NULL);
	expect(sk, "mem show has no do", GV_CMD_MEM_GET, NLM_F_ACK, -1, 0, 0,
	       false, -EOPNOTSUPP, NULL);
	expect(sk, "event stats", GV_CMD_GET_EVENT_STATS, NLM_F_ACK, -1, 0, 0,
	       false, 0, NULL);
	expect(sk, "event stats rejects attributes", GV_CMD_GET_EVENT_STATS,
	       NLM_F_ACK, GV_ATTR_CPU_ID, 4, 0, false, -EINVAL,
	       "takes no attributes");
	expect(sk, "event stats has no dump", GV_CMD_GET_EVENT_STATS,
	       NLM_F_DUMP, -1, 0, 0, false, -EOPNOTSUPP, NULL);
	expect(sk, "GV_CMD_EVENT is not a request", GV_CMD_EVENT, NLM_F_ACK,
	       -1, 0, 0, false, -EOPNOTSUPP, NULL);
	expect(sk, "hypapp list rejects attributes", GV_CMD_HYPAPP_GET,
	       NLM_F_DUMP, GV_ATTR_CPU_ID, 4, 0, false, -EINVAL,
	       "takes no attributes");
	expect(sk, "hypapp list has no do", GV_CMD_HYPAPP_GET, NLM_F_ACK, -1, 0,
	       0, false, -EOPNOTSUPP, NULL);
	request(sk, &r, GV_CMD_HYPAPP_GET, NLM_F_DUMP, -1, 0, 0, false);
	report(!r.err, "hypapp list dump", &r);
	r.err = nr_lent_sets(sk);
	report(sets >= 0 && r.err == sets, "bad input lent or returned nothing", &r);
}

/* A dump read through 4 KiB buffers, so that the module must resume. */
static void raw_dump(long nr_possible)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = family,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.g = { .cmd = GV_CMD_GET_CPU, .version = GV_GENL_VERSION },
	};
	static char buf[4096];
	struct result r = { .last_cpu = -1, .in_order = true };
	int fd, len, nr_dgrams = 0;
	struct nlmsghdr *h;
	char name[96];

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0)
		r.err = -errno;
	while (!r.err && !r.done) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len <= 0) {
			r.err = -EIO;
			break;
		}
		nr_dgrams++;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				r.done = true;
				break;
			}
			count_reply(&r, h);
		}
	}
	if (fd >= 0)
		close(fd);
	snprintf(name, sizeof(name),
		 "dump in 4 KiB reads: %d datagrams, every possible CPU once",
		 nr_dgrams);
	report(r.done && r.in_order && r.nr_msgs == nr_possible, name, &r);
}

#define GPA_16M		0x1000000ull
#define PAGE_4K		0x1000ull

/*
 * Walk the whole guest-physical width with GV_CMD_EPT_QUERY, one query per
 * leaf (or per 4 KiB page where nothing is mapped), until -ERANGE. The
 * leaves found must be those GV_CMD_GET_EPT counts (@ept: its reply), and
 * greenvisor's pool must show up as pages that are not mapped (-ENOENT,
 * with its extack message).
 */
static void ept_walk(struct nl_sock *sk, const struct result *ept)
{
	uint64_t leaves[3] = { 0 }, holes = 0, first_hole = 0, gpa = 0, size;
	unsigned long long nr_queries = 0;
	bool ok = true, hole_msg = true;
	struct result r;

	for (;;) {
		request(sk, &r, GV_CMD_EPT_QUERY, NLM_F_ACK, GV_ATTR_GPA, 8,
			gpa, false);
		nr_queries++;
		if (r.err == -ERANGE)
			break;
		if (r.err == -ENOENT) {
			if (!holes++)
				first_hole = gpa;
			if (!strstr(r.msg, "not mapped in the rich view"))
				hole_msg = false;
			gpa += PAGE_4K;
			continue;
		}
		size = r.map[GV_EPT_MAP_ATTR_SIZE];
		if (r.err || !r.has_map || (size != 1ull << 30 &&
		    size != 2ull << 20 && size != PAGE_4K) ||
		    r.map[GV_EPT_MAP_ATTR_HPA] != gpa) {
			printf("# walk stopped at %#llx: err %d, size %#llx, hpa %#llx\n",
			       (unsigned long long)gpa, r.err,
			       (unsigned long long)size,
			       (unsigned long long)r.map[GV_EPT_MAP_ATTR_HPA]);
			ok = false;
			break;
		}
		leaves[size == PAGE_4K ? 0 : size == 2ull << 20 ? 1 : 2]++;
		gpa = (gpa & ~(size - 1)) + size;
	}
	printf("# walk: %llu queries up to %#llx: %llu 1G + %llu 2M + %llu 4K leaves, %llu 4K pages not mapped (first %#llx)\n",
	       nr_queries, (unsigned long long)gpa,
	       (unsigned long long)leaves[2], (unsigned long long)leaves[1],
	       (unsigned long long)leaves[0], (unsigned long long)holes,
	       (unsigned long long)first_hole);
	report(ok && ept->has_ept && leaves[2] == ept->ept[GV_EPT_ATTR_LEAVES_1G] &&
	       leaves[1] == ept->ept[GV_EPT_ATTR_LEAVES_2M] &&
	       leaves[0] == ept->ept[GV_EPT_ATTR_LEAVES_4K],
	       "ept query walk finds the leaves GV_CMD_GET_EPT counts", &r);
	report(ok && holes > 0 && hole_msg,
	       "ept query: pool pages not mapped, -ENOENT with extack", &r);
	if (holes)
		expect(sk, "ept query: first pool page", GV_CMD_EPT_QUERY,
		       NLM_F_ACK, GV_ATTR_GPA, 8, first_hole, false, -ENOENT,
		       "GPA not mapped in the rich view (hypervisor memory)");
	else
		report(false, "ept query: first pool page", &r);
}

/* GV_CMD_GET_EPT and GV_CMD_EPT_QUERY. */
static void ept_checks(struct nl_sock *sk)
{
	struct result r;
	uint64_t *m;

	request(sk, &r, GV_CMD_GET_EPT, NLM_F_ACK, -1, 0, 0, false);
	report(!r.err && r.nr_msgs == 1 && r.has_ept &&
	       r.ept[GV_EPT_ATTR_TABLES] > 0 &&
	       r.ept[GV_EPT_ATTR_LEAVES_1G] + r.ept[GV_EPT_ATTR_LEAVES_2M] +
	       r.ept[GV_EPT_ATTR_LEAVES_4K] > 0, "ept: table pages and leaves",
	       &r);
	printf("# ept: %llu table pages, %llu 1G + %llu 2M + %llu 4K leaves\n",
	       (unsigned long long)r.ept[GV_EPT_ATTR_TABLES],
	       (unsigned long long)r.ept[GV_EPT_ATTR_LEAVES_1G],
	       (unsigned long long)r.ept[GV_EPT_ATTR_LEAVES_2M],
	       (unsigned long long)r.ept[GV_EPT_ATTR_LEAVES_4K]);
	ept_walk(sk, &r);
	expect(sk, "ept rejects any attribute", GV_CMD_GET_EPT, NLM_F_ACK,
	       GV_ATTR_GPA, 8, GPA_16M, false, -EINVAL, "takes no attributes");
	expect(sk, "ept rejects an unknown attribute", GV_CMD_GET_EPT,
	       NLM_F_ACK, GV_ATTR_MAX + 1, 4, 0, false, -EINVAL,
	       "Unknown attribute");
	expect(sk, "ept has no dump", GV_CMD_GET_EPT, NLM_F_DUMP, -1, 0, 0,
	       false, -EOPNOTSUPP, NULL);

	request(sk, &r, GV_CMD_EPT_QUERY, NLM_F_ACK, GV_ATTR_GPA, 8, GPA_16M,
		false);
	m = r.map;
	report(!r.err && r.has_map && m[GV_EPT_MAP_ATTR_GPA] == GPA_16M &&
	       m[GV_EPT_MAP_ATTR_HPA] == GPA_16M &&
	       m[GV_EPT_MAP_ATTR_PERM] == 7 &&
	       (m[GV_EPT_MAP_ATTR_MEMTYPE] & 7) == 6,
	       "ept query 0x1000000: identity, rwx, WB", &r);
	printf("# hpa %#llx size %#llx perm %llu memtype %llu\n",
	       (unsigned long long)m[GV_EPT_MAP_ATTR_HPA],
	       (unsigned long long)m[GV_EPT_MAP_ATTR_SIZE],
	       (unsigned long long)m[GV_EPT_MAP_ATTR_PERM],
	       (unsigned long long)m[GV_EPT_MAP_ATTR_MEMTYPE]);
	expect(sk, "ept query: missing GV_ATTR_GPA", GV_CMD_EPT_QUERY,
	       NLM_F_ACK, -1, 0, 0, false, -EINVAL, "GV_ATTR_GPA");
	expect(sk, "ept query: GV_ATTR_GPA as a u32", GV_CMD_EPT_QUERY,
	       NLM_F_ACK, GV_ATTR_GPA, 4, GPA_16M, false, -EINVAL, "length");
	expect(sk, "ept query: GV_ATTR_GPA as a u8", GV_CMD_EPT_QUERY,
	       NLM_F_ACK, GV_ATTR_GPA, 1, 0, false, -EINVAL, "length");
	expect(sk, "ept query: attribute the command does not take",
	       GV_CMD_EPT_QUERY, NLM_F_ACK, GV_ATTR_CPU_ID, 4, 0, false,
	       -EINVAL, "Unsupported attribute");
	expect(sk, "ept query: unknown attribute type", GV_CMD_EPT_QUERY,
	       NLM_F_ACK, GV_ATTR_MAX + 3, 8, 0, false, -EINVAL,
	       "Unknown attribute");
	expect(sk, "ept query: GPA beyond the width", GV_CMD_EPT_QUERY,
	       NLM_F_ACK, GV_ATTR_GPA, 8, 0xfffffffffffff000ull, false,
	       -ERANGE, "beyond the guest-physical width");
	expect(sk, "ept query has no dump", GV_CMD_EPT_QUERY, NLM_F_DUMP,
	       -1, 0, 0, false, -EOPNOTSUPP, NULL);
}

int main(void)
{
	long nr_possible = sysconf(_SC_NPROCESSORS_CONF);
	struct nl_sock *sk = nl_socket_alloc();
	struct result r;
	int one = 1;

	if (!sk || genl_connect(sk))
		return 2;
	nl_socket_disable_auto_ack(sk);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	printf("TAP version 13\n");
	family = genl_ctrl_resolve(sk, GV_GENL_NAME);
	if (family < 0) {
		printf("1..0 # SKIP greenvisor genl family not found\n");
		return 4;
	}

	expect(sk, "status", GV_CMD_GET_STATUS, NLM_F_ACK, -1, 0, 0, false,
	       0, NULL);
	expect(sk, "status rejects any attribute", GV_CMD_GET_STATUS,
	       NLM_F_ACK, GV_ATTR_CPU_ID, 4, 0, false, -EINVAL,
	       "takes no attributes");
	expect(sk, "unknown attribute type", GV_CMD_GET_CPU, NLM_F_ACK,
	       GV_ATTR_MAX + 5, 4, 0, false, -EINVAL, "Unknown attribute");
	expect(sk, "attribute the command does not take", GV_CMD_GET_CPU,
	       NLM_F_ACK, GV_ATTR_FEATURES, 4, 0, false, -EINVAL,
	       "Unsupported attribute");
	expect(sk, "missing GV_ATTR_CPU_ID", GV_CMD_GET_CPU, NLM_F_ACK, -1, 0,
	       0, false, -EINVAL, "GV_ATTR_CPU_ID");
	expect(sk, "short GV_ATTR_CPU_ID", GV_CMD_GET_CPU, NLM_F_ACK,
	       GV_ATTR_CPU_ID, 1, 0, false, -EINVAL, "length");
	expect(sk, "CPU out of range", GV_CMD_GET_CPU, NLM_F_ACK,
	       GV_ATTR_CPU_ID, 4, 1u << 30, false, -EINVAL, "out of range");
	expect(sk, "CPU 0", GV_CMD_GET_CPU, NLM_F_ACK, GV_ATTR_CPU_ID, 4, 0,
	       false, 0, NULL);
	expect(sk, "dump rejects GV_ATTR_CPU_ID", GV_CMD_GET_CPU, NLM_F_DUMP,
	       GV_ATTR_CPU_ID, 4, 0, false, -EINVAL, "not a dump");
	expect(sk, "dump rejects unknown attributes", GV_CMD_GET_CPU,
	       NLM_F_DUMP, GV_ATTR_MAX + 1, 4, 0, false, -EINVAL,
	       "Unknown attribute");
	request(sk, &r, GV_CMD_GET_CPU, NLM_F_DUMP, -1, 0, 0, false);
	report(!r.err && r.in_order && r.nr_msgs == nr_possible,
	       "dump: every possible CPU once, in order", &r);
	raw_dump(nr_possible);
	ept_checks(sk);
	bad_input_checks(sk);
	expect(sk, "unknown command", GV_CMD_MAX + 1, NLM_F_ACK, -1, 0, 0,
	       false, -EOPNOTSUPP, NULL);
	expect(sk, "status has no dump", GV_CMD_GET_STATUS, NLM_F_DUMP, -1, 0,
	       0, false, -EOPNOTSUPP, NULL);
	expect(sk, "reserved nlmsg_flags", GV_CMD_GET_STATUS,
	       NLM_F_ACK | NLM_F_REPLACE, -1, 0, 0, false, -EINVAL,
	       "reserved bits");
	expect(sk, "genlmsghdr.reserved", GV_CMD_GET_STATUS, NLM_F_ACK, -1, 0,
	       0, true, -EINVAL, "reserved");

	if (setuid(65534)) {
		perror("setuid");
		return 2;
	}
	expect(sk, "status needs CAP_NET_ADMIN", GV_CMD_GET_STATUS, NLM_F_ACK,
	       -1, 0, 0, false, -EPERM, NULL);
	expect(sk, "dump needs CAP_NET_ADMIN", GV_CMD_GET_CPU, NLM_F_DUMP, -1,
	       0, 0, false, -EPERM, NULL);
	expect(sk, "ept needs CAP_NET_ADMIN", GV_CMD_GET_EPT, NLM_F_ACK, -1,
	       0, 0, false, -EPERM, NULL);
	expect(sk, "ept query needs CAP_NET_ADMIN", GV_CMD_EPT_QUERY,
	       NLM_F_ACK, GV_ATTR_GPA, 8, 0x1000000, false, -EPERM, NULL);

	printf("1..%d\n", nr_tests);
	nl_socket_free(sk);
	return nr_failed ? 1 : 0;
}
