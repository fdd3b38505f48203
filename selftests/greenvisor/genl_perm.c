// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor's generic-netlink family is for administrators only
 * (uapi/linux/greenvisor_nl.h): every command, do or dump, asked by a
 * process without CAP_NET_ADMIN gets -EPERM, before any attribute is
 * looked at. Root's same requests get past the permission check (they
 * carry no attributes, so they are refused for that, or answered, and
 * change nothing).
 *
 * Raw netlink, no libnl: the test must not share code with hvctl, whose
 * behaviour it checks from the outside. Skips when the family is absent
 * (module not loaded) unless GV_REQUIRE_HV=1; skips when not run as root.
 */
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gv_test.h"
#include "gv_genl.h"

#define NOBODY		65534
/* One greenvisor command, no attributes: the error it got (0 if none). */
static int ask(int fd, int family, unsigned int cmd, bool dump, uint32_t seq)
{
	struct nl_req req = {
		.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
		.nh.nlmsg_type = family,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0),
		.nh.nlmsg_seq = seq,
		.gh.cmd = cmd,
		.gh.version = GV_GENL_VERSION,
	};
	int err = nl_send(fd, &req);

	return err ?: nl_wait(fd, seq, NULL);
}

/* Which (command, do/dump) operations the family has: root's view. */
static bool exists[GV_CMD_MAX + 1][2];

static void find_operations(int fd, int family)
{
	unsigned int cmd, dump, seq = 50;

	for (cmd = GV_CMD_GET_STATUS; cmd <= GV_CMD_MAX; cmd++)
		for (dump = 0; dump < 2; dump++)
			exists[cmd][dump] = ask(fd, family, cmd, dump, seq++) != -EOPNOTSUPP;
}

/* Every existing operation; how many did NOT get -EPERM. */
static int count_not_eperm(int fd, int family, bool verbose)
{
	unsigned int cmd, dump, bad = 0, seq = 100;
	int err;

	for (cmd = GV_CMD_GET_STATUS; cmd <= GV_CMD_MAX; cmd++) {
		for (dump = 0; dump < 2; dump++) {
			if (!exists[cmd][dump])
				continue;
			err = ask(fd, family, cmd, dump, seq++);
			if (err == -EPERM)
				continue;
			bad++;
			if (verbose)
				fprintf(stderr, "# cmd %u %s: %s\n", cmd,
					dump ? "dump" : "do", strerror(-err));
		}
	}
	return bad;
}

static void drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		_exit(100);
}

FIXTURE(genl_perm) {
	int fd;
	int family;
};

/* A SKIP in the fixture setup does not stop the test body (6.1 harness). */
#define NEED_FAMILY() do {						\
	if (self->family <= 0)						\
		SKIP(return, "no '%s' family or not root", GV_GENL_NAME); \
} while (0)

FIXTURE_SETUP(genl_perm)
{
	self->fd = -1;
	self->family = -ENOENT;
	if (geteuid())
		SKIP(return, "needs root (it drops to uid %d itself)", NOBODY);
	GV_GENL_OPEN_FAMILY();
}

FIXTURE_TEARDOWN(genl_perm)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The control: as root no operation is refused for permission. */
TEST_F(genl_perm, root_passes_the_check)
{
	unsigned int cmd, dump, seq = 10;
	int err, ops = 0;

	NEED_FAMILY();
	for (cmd = GV_CMD_GET_STATUS; cmd <= GV_CMD_MAX; cmd++) {
		for (dump = 0; dump < 2; dump++) {
			err = ask(self->fd, self->family, cmd, dump, seq++);
			ops += err != -EOPNOTSUPP;
			EXPECT_NE(-EPERM, err) {
				TH_LOG("cmd %u %s refused for root", cmd, dump ? "dump" : "do");
			}
		}
	}
	/* Every command has at least its do or its dump. */
	EXPECT_LE(GV_CMD_MAX, ops);
}

TEST_F(genl_perm, nobody_gets_eperm_everywhere)
{
	int status, fd;
	pid_t pid;

	NEED_FAMILY();
	find_operations(self->fd, self->family);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		drop_to_nobody();
		fd = nl_open();
		if (fd < 0)
			_exit(101);
		_exit(count_not_eperm(fd, self->family, true));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("%d request(s) of uid %d not refused with EPERM (100/101: setup failed)",
		       WEXITSTATUS(status), NOBODY);
	}
}

TEST_HARNESS_MAIN
