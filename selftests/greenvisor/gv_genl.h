/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the greenvisor kselftests (genl_perm,
 * genl_fuzz): no libnl, so that the tests share no code with hvctl, whose
 * behaviour they check from the outside.
 */
#ifndef GV_GENL_H
#define GV_GENL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/greenvisor_nl.h>

#define BUF_SIZE	8192

struct nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[512];
};

static inline int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline int nl_send(int fd, struct nl_req *req)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(fd, req, req->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		      sizeof(sa)) == (ssize_t)req->nh.nlmsg_len ? 0 : -errno;
}

/*
 * Read replies to sequence @seq until the request's NLMSG_ERROR (its ack
 * or error) or NLMSG_DONE. Returns the error (0 for an ack or a completed
 * dump); @family_out, when set, receives CTRL_ATTR_FAMILY_ID of a reply.
 */
static inline int nl_wait(int fd, uint32_t seq, int *family_out)
{
	static char buf[BUF_SIZE];
	struct nlmsghdr *nh;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (family_out) {
				struct genlmsghdr *gh = NLMSG_DATA(nh);
				struct nlattr *a = (struct nlattr *)((char *)gh + GENL_HDRLEN);
				int len = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				for (; len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a);
				     len -= NLA_ALIGN(a->nla_len),
				     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						*family_out = *(uint16_t *)((char *)a + NLA_HDRLEN);
			}
		}
	}
}

/* The family's id, or a negative errno (-ENOENT: not registered). */
static inline int resolve_family(int fd)
{
	struct nl_req req = {
		.nh.nlmsg_type = GENL_ID_CTRL,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.nh.nlmsg_seq = 1,
		.gh.cmd = CTRL_CMD_GETFAMILY,
		.gh.version = 1,
	};
	struct nlattr *a = (struct nlattr *)req.attrs;
	int family = -ENOENT, err;

	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(GV_GENL_NAME);
	memcpy((char *)a + NLA_HDRLEN, GV_GENL_NAME, sizeof(GV_GENL_NAME));
	req.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	err = nl_send(fd, &req);
	err = err ?: nl_wait(fd, 1, &family);
	return err ?: family;
}

/*
 * In a fixture setup whose fixture has `int fd, family` (include
 * kselftest_harness.h and gv_test.h first): open a socket and find the
 * family; SKIP when greenvisor is not loaded, unless GV_REQUIRE_HV=1 makes
 * that a failure.
 */
#define GV_GENL_OPEN_FAMILY() do {					\
	self->fd = nl_open();						\
	ASSERT_LE(0, self->fd);						\
	self->family = resolve_family(self->fd);			\
	if (self->family == -ENOENT) {					\
		ASSERT_FALSE(gv_required()) {				\
			TH_LOG("no '%s' genl family but %s is set",	\
			       GV_GENL_NAME, GV_REQUIRE_ENV);		\
		}							\
		SKIP(return, "greenvisor is not loaded (no '%s' family)", \
		     GV_GENL_NAME);					\
	}								\
	ASSERT_LT(0, self->family);					\
} while (0)

#endif /* GV_GENL_H */
