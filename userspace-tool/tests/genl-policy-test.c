// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink-level checks of the greenvisor family, run as root where the
 * module is loaded (emulator guest or lab box): strict attribute policies,
 * extended-ACK messages, header checks, dump completeness and resumption,
 * and CAP_NET_ADMIN. TAP output; exit status 0 iff every check passed,
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

static void count_reply(struct result *r, struct nlmsghdr *nlh)
{
	struct nlattr *tb[GV_ATTR_MAX + 1], *cpu[GV_CPU_ATTR_MAX + 1];
	int id;

	r->nr_msgs++;
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

/* One request; @attr < 0: no attribute, else @len bytes of @val. */
static void request(struct nl_sock *sk, struct result *r, uint8_t cmd,
		    int flags, int attr, int len, uint32_t val, bool reserved)
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
	printf("%s %d - %s\n", ok ? "ok" : "not ok", nr_tests, name);
	printf("# err %d, %d replies, extack '%s'\n", r->err, r->nr_msgs,
	       r->msg);
}

static void expect(struct nl_sock *sk, const char *name, uint8_t cmd,
		   int flags, int attr, int len, uint32_t val, bool reserved,
		   int want, const char *msg)
{
	struct result r;

	request(sk, &r, cmd, flags, attr, len, val, reserved);
	report(r.err == want && (!msg || strstr(r.msg, msg)), name, &r);
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

	printf("1..%d\n", nr_tests);
	nl_socket_free(sk);
	return nr_failed ? 1 : 0;
}
