// SPDX-License-Identifier: GPL-2.0
/*
 * hello_user: the hello hypapp (hypapps/hello) called from ring 3, which
 * it allows for ECHO and COUNT (hc_user), on every CPU in turn.
 *
 *   hello_user          echo (every bit inverted back, other registers
 *                       preserved) and count (this CPU's counter grew by
 *                       exactly the calls made) on every CPU, and
 *                       GV_HC_HELLO_GUARD (CPL0 only) raising #GP(0)
 *                       (SIGSEGV) from ring 3: exit 0
 *   hello_user absent   hello is not registered: GV_HC_HELLO_ECHO returns
 *                       -EINVAL and changes no register: exit 0
 *
 * Prints one line per CPU and a summary; exit 1 on any failure.
 */
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include "gv_test.h"

#define CALLS	50

static bool pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return !sched_setaffinity(0, sizeof(set), &set);
}

static int64_t call(uint32_t nr, uint64_t a0, struct gv_vmcall_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rax = GV_HC_RAX(nr);
	r->rdi = a0;
	r->rsi = 0x1111;
	r->rdx = 0x2222;
	r->r10 = 0x3333;
	r->r8 = 0x4444;
	r->r9 = 0x5555;
	gv_vmcall_regs(r);
	return (int64_t)r->rax;
}

static sigjmp_buf gp_env;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	siglongjmp(gp_env, 1);
}

/* A CPL0-only hypapp call from ring 3: #GP(0), i.e. SIGSEGV. */
static bool guard_raises_gp(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	struct sigaction old;
	struct gv_vmcall_regs r;
	volatile bool faulted = false;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(gp_env, 1))
		faulted = true;
	else
		call(GV_HC_HELLO_GUARD, 0x1000, &r);
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

static const char *check_present(int cpu)
{
	struct gv_vmcall_regs r;
	uint64_t before, after;
	int i;

	if (call(GV_HC_HELLO_COUNT, cpu, &r))
		return "count failed";
	before = r.rdi;
	for (i = 0; i < CALLS; i++) {
		if (call(GV_HC_HELLO_ECHO, 0xabcdef00u + i, &r))
			return "echo status not 0";
		if (r.rdi != ~(0xabcdef00ull + i) || r.rsi != ~0x1111ull ||
		    r.rdx != ~0x2222ull || r.r10 != ~0x3333ull ||
		    r.r8 != ~0x4444ull || r.r9 != ~0x5555ull)
			return "echo results wrong";
	}
	if (call(GV_HC_HELLO_COUNT, cpu, &r))
		return "count failed";
	after = r.rdi;
	/* The CALLS echos and the second count call itself. */
	if (after - before != CALLS + 1)
		return "counter did not grow by the calls made";
	if (!guard_raises_gp())
		return "GV_HC_HELLO_GUARD from ring 3 did not raise #GP";
	return NULL;
}

static const char *check_absent(int cpu)
{
	struct gv_vmcall_regs r;

	if (call(GV_HC_HELLO_ECHO, 7, &r) != -GV_EINVAL)
		return "echo did not return -EINVAL";
	if (r.rdi != 7 || r.rsi != 0x1111 || r.r9 != 0x5555)
		return "registers changed";
	return NULL;
}

int main(int argc, char **argv)
{
	bool absent = argc > 1 && !strcmp(argv[1], "absent");
	int ncpus = sysconf(_SC_NPROCESSORS_ONLN), cpu, fails = 0;

	for (cpu = 0; cpu < ncpus; cpu++) {
		const char *why;

		if (!pin(cpu) || !gv_leaf_present())
			why = "cannot run there with greenvisor";
		else
			why = absent ? check_absent(cpu) : check_present(cpu);
		printf("%s hello_user cpu%d%s%s\n", why ? "FAIL" : "PASS", cpu,
		       why ? ": " : "", why ? why : "");
		fails += !!why;
	}
	printf("%s hello_user %s on %d/%d CPUs\n", fails ? "FAIL" : "PASS",
	       absent ? "absent" : "present", ncpus - fails, ncpus);
	return fails ? 1 : 0;
}
