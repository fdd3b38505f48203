// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz: at least 10,000 random messages to greenvisor's generic
 * netlink family, as root: random and unknown commands, do and dump,
 * random versions and reserved bytes, random attributes (known and
 * unknown types, right and wrong lengths, nesting, garbage, lengths that
 * run past the message). Every message must get exactly one answer (an
 * ACK, an error or the end of a dump) with an errno the family documents,
 * and afterwards the state the control plane reports (status, EPT view,
 * lent memory, CPUs) must be what it was. A lend the fuzzing happens to
 * make (a random size that is whole pages) is returned before the
 * comparison and counted.
 *
 * GV_FUZZ_SEED replays a run, GV_FUZZ_MSGS sets the count. Raw netlink.
 * Skips when the family is absent (unless GV_REQUIRE_HV=1) or not root.
 */
#include <sched.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "gv_test.h"
#include "gv_genl.h"

#define FUZZ_MSGS	10000
#define STATE_MAX	16384

static uint64_t rng;

static uint64_t rnd(void)
{
	return gv_xorshift64s(&rng);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* A value for a payload: small, an edge, or anything. */
static uint64_t rnd_value(void)
{
	static const uint64_t edges[] = {
		0, 1, 4095, 4096, 8192, 65536, 1ull << 31, 1ull << 32, ~0ull,
		~0ull << 12, 1ull << 52, 0xfee00000,
	};

	switch (rnd_below(4)) {
	case 0:
		return rnd_below(16);
	case 1:
		return edges[rnd_below(ARRAY_SIZE(edges))];
	case 2:
		return rnd_below(1 << 20);
	default:
		return rnd();
	}
}

/* Append one attribute at @p (room for @room bytes); its aligned size. */
static int put_attr(char *p, int room, int depth)
{
	struct nlattr *a = (struct nlattr *)p;
	int len, i, inner = 0;
	uint64_t v;

	if (room < NLA_HDRLEN + 8)
		return 0;
	a->nla_type = rnd_below(8) ? rnd_below(GV_ATTR_MAX + 3) : (uint16_t)rnd();
	switch (rnd_below(6)) {
	case 0:		/* nested, with its own random attributes */
		if (depth < 2) {
			a->nla_type |= NLA_F_NESTED;
			for (i = rnd_below(4); i > 0; i--)
				inner += put_attr(p + NLA_HDRLEN + inner,
						  room - NLA_HDRLEN - inner, depth + 1);
			a->nla_len = NLA_HDRLEN + inner;
			return NLA_ALIGN(a->nla_len);
		}
		/* fall through */
	case 1:
		len = 4;
		break;
	case 2:
		len = 8;
		break;
	case 3:
		len = rnd_below(17);
		break;
	default:
		len = rnd_below(2) ? 4 : 8;
		break;
	}
	v = rnd_value();
	memcpy(p + NLA_HDRLEN, &v, len > 8 ? 8 : len);
	for (i = 8; i < len; i++)
		p[NLA_HDRLEN + i] = (char)rnd();
	a->nla_len = NLA_HDRLEN + len;
	/* Now and then a length that runs past what follows. */
	if (!rnd_below(32))
		a->nla_len += 4 + rnd_below(64);
	return NLA_ALIGN(NLA_HDRLEN + len);
}

static void make_message(struct nl_req *req, int family, uint32_t seq)
{
	int room = sizeof(req->attrs), used = 0, n;

	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_type = family;
	/* Always an ACK, so that every message is answered exactly once. */
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (!rnd_below(3))
		req->nh.nlmsg_flags |= NLM_F_DUMP;
	if (!rnd_below(16))
		req->nh.nlmsg_flags |= (uint16_t)(rnd() & 0x0ff0);
	req->nh.nlmsg_seq = seq;
	req->gh.cmd = rnd_below(8) ? rnd_below(GV_CMD_MAX + 3) : (uint8_t)rnd();
	req->gh.version = rnd_below(8) ? GV_GENL_VERSION : (uint8_t)rnd();
	req->gh.reserved = rnd_below(16) ? 0 : (uint16_t)rnd();
	for (n = rnd_below(5); n > 0; n--)
		used += put_attr(req->attrs + used, room - used, 0);
	req->nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + used;
	/* Sometimes a message too short for its own genl header. */
	if (!rnd_below(64))
		req->nh.nlmsg_len = NLMSG_HDRLEN + rnd_below(GENL_HDRLEN);
}

/*
 * The answer to @seq: the error of its NLMSG_ERROR or of its dump's
 * NLMSG_DONE (0 for an ACK or a complete dump); -ETIMEDOUT when none came.
 */
static int answer(int fd, uint32_t seq, unsigned int *replies)
{
	static char buf[32768];
	struct nlmsghdr *nh;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type == NLMSG_DONE)
				return nh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int) ?
				       *(int *)NLMSG_DATA(nh) : 0;
			(*replies)++;
		}
	}
}

static bool errno_documented(int err)
{
	switch (-err) {
	case 0: case EINVAL: case EOPNOTSUPP: case ERANGE: case ENOENT:
	case ENOMEM: case ENOSPC: case EMSGSIZE: case EIO:
		return true;
	default:
		return false;
	}
}

/*
 * Everything the control plane reports that a request may not change:
 * the raw payloads of status, the EPT view and the lent sets (not the
 * CPU dump: its exit counters count the requests themselves). The caller
 * stays on one CPU: the status names the CPU that answered.
 */
static int snapshot(int fd, int family, char *out, size_t max)
{
	static const uint8_t cmds[][2] = {
		{ GV_CMD_GET_STATUS, 0 }, { GV_CMD_GET_EPT, 0 }, { GV_CMD_MEM_GET, 1 },
	};
	static char buf[32768];
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		struct nl_req req = {
			.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
			.nh.nlmsg_type = family,
			.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
					  (cmds[i][1] ? NLM_F_DUMP : 0),
			.nh.nlmsg_seq = 900000 + i,
			.gh.cmd = cmds[i][0],
			.gh.version = GV_GENL_VERSION,
		};
		bool done = false;

		if (nl_send(fd, &req))
			return -1;
		while (!done) {
			struct nlmsghdr *nh;
			ssize_t n = recv(fd, buf, sizeof(buf), 0);

			if (n < 0)
				return -1;
			for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
			     nh = NLMSG_NEXT(nh, n)) {
				size_t len = nh->nlmsg_len - NLMSG_HDRLEN;

				if (nh->nlmsg_seq != req.nh.nlmsg_seq)
					continue;
				if (nh->nlmsg_type == NLMSG_ERROR ||
				    nh->nlmsg_type == NLMSG_DONE) {
					done = true;
					break;
				}
				if (used + len > max)
					return -1;
				memcpy(out + used, NLMSG_DATA(nh), len);
				used += len;
			}
		}
	}
	return (int)used;
}

/* Walk the attributes in [@a, @a + @len): the first of type @type, or NULL. */
static struct nlattr *find_attr(struct nlattr *a, int len, uint16_t type)
{
	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* The ids of the lent sets (GV_CMD_MEM_GET dump); how many, or -1. */
static int list_set_ids(int fd, int family, uint32_t *ids, int max)
{
	struct nl_req req = {
		.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
		.nh.nlmsg_type = family,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		.nh.nlmsg_seq = 700000,
		.gh.cmd = GV_CMD_MEM_GET,
		.gh.version = GV_GENL_VERSION,
	};
	static char buf[32768];
	int nr = 0;

	if (nl_send(fd, &req))
		return -1;
	for (;;) {
		struct nlmsghdr *nh;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			return -1;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct nlattr *mem, *id;
			int len = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

			if (nh->nlmsg_seq != req.nh.nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_DONE)
				return nr;
			mem = find_attr((struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN),
					len, GV_ATTR_MEM);
			id = mem ? find_attr((struct nlattr *)((char *)mem + NLA_HDRLEN),
					     mem->nla_len - NLA_HDRLEN, GV_MEM_ATTR_ID) : NULL;
			if (id && nr < max)
				memcpy(&ids[nr++], (char *)id + NLA_HDRLEN, 4);
		}
	}
}

static bool listed(const uint32_t *ids, int nr, uint32_t id)
{
	while (nr-- > 0)
		if (ids[nr] == id)
			return true;
	return false;
}

/* Return every lent set that is not in @keep; how many were returned. */
static int return_sets_made(int fd, int family, const uint32_t *keep, int nr_keep)
{
	uint32_t ids[256];
	int nr = list_set_ids(fd, family, ids, 256), i, returned = 0;

	for (i = 0; i < nr; i++) {
		struct nl_req req = {
			.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + 4,
			.nh.nlmsg_type = family,
			.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nh.nlmsg_seq = 800000 + i,
			.gh.cmd = GV_CMD_MEM_RETURN,
			.gh.version = GV_GENL_VERSION,
		};
		struct nlattr *a = (struct nlattr *)req.attrs;
		unsigned int replies = 0;

		if (listed(keep, nr_keep, ids[i]))
			continue;
		a->nla_type = GV_ATTR_MEM_ID;
		a->nla_len = NLA_HDRLEN + 4;
		memcpy(req.attrs + NLA_HDRLEN, &ids[i], 4);
		if (!nl_send(fd, &req) && !answer(fd, req.nh.nlmsg_seq, &replies))
			returned++;
	}
	return returned;
}

FIXTURE(genl_fuzz) {
	int fd;
	int family;
};

FIXTURE_SETUP(genl_fuzz)
{
	struct timeval tv = { .tv_sec = 5 };

	self->fd = -1;
	self->family = -ENOENT;
	if (geteuid())
		SKIP(return, "needs root");
	GV_GENL_OPEN_FAMILY();
	setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

FIXTURE_TEARDOWN(genl_fuzz)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(genl_fuzz, random_messages_change_nothing)
{
	static char before[STATE_MAX], after[STATE_MAX];
	const char *seed_env = getenv("GV_FUZZ_SEED");
	const char *msgs_env = getenv("GV_FUZZ_MSGS");
	unsigned int i, msgs, bad = 0, silent = 0, replies = 0, ok = 0;
	int nb, na, err, returned, nr_keep;
	uint32_t keep[256];
	cpu_set_t one;
	uint64_t seed;
	struct nl_req req;

	if (self->family <= 0)
		SKIP(return, "no '%s' family or not root", GV_GENL_NAME);
	seed = seed_env ? strtoull(seed_env, NULL, 0) : (gv_rdtsc() | 1);
	msgs = msgs_env ? (unsigned int)atoi(msgs_env) : FUZZ_MSGS;
	rng = seed;
	TH_LOG("%u messages, seed %llu (GV_FUZZ_SEED replays it)", msgs,
	       (unsigned long long)seed);
	/* The status names the CPU that answered: always ask on the same one. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	nb = snapshot(self->fd, self->family, before, sizeof(before));
	ASSERT_LE(0, nb);
	nr_keep = list_set_ids(self->fd, self->family, keep, 256);
	ASSERT_LE(0, nr_keep);
	for (i = 0; i < msgs; i++) {
		make_message(&req, self->family, i + 1);
		ASSERT_EQ(0, nl_send(self->fd, &req));
		err = answer(self->fd, i + 1, &replies);
		if (err == -ETIMEDOUT) {
			/* Only a message too short for a netlink header may go unanswered. */
			silent++;
			continue;
		}
		ok += !err;
		if (!errno_documented(err) && bad++ < 5)
			TH_LOG("message %u (cmd %u, flags %#x): undocumented error %d",
			       i, req.gh.cmd, req.nh.nlmsg_flags, err);
	}
	returned = return_sets_made(self->fd, self->family, keep, nr_keep);
	TH_LOG("%u answered 0, %u replies, %u unanswered; %d lent sets returned",
	       ok, replies, silent, returned);
	na = snapshot(self->fd, self->family, after, sizeof(after));
	ASSERT_LE(0, na);
	EXPECT_EQ(0u, bad);
	EXPECT_EQ(0u, silent);
	EXPECT_EQ(nb, na);
	EXPECT_EQ(0, memcmp(before, after, nb < na ? nb : na)) {
		TH_LOG("status, EPT view or lent memory changed");
	}
}

TEST_HARNESS_MAIN
