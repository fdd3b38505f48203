// SPDX-License-Identifier: GPL-2.0
/*
 * hello_user: the hello hypapp (hypapps/hello) called from ring 3, which
 * it allows for ECHO and COUNT (hc_user), on every CPU in turn.
 *
 *   hello_user          echo (every bit inverted back, other registers
 *                       preserved) and count (this CPU's counter grew by
 *                       exactly the calls made) on every CPU, and
 *                       GV_HC_HELLO_GUARD (CPL0 only) raising #GP(0)
 *                       (SIGSEGV) from ring 3; PEEK/POKE of its own
 *                       memory through the checked walk, kernel, unmapped
 *                       and read-only addresses refused with the #PF code
 *                       a user access would get; WHOAMI's RIP, RSP, CPL:
 *                       exit 0
 *   hello_user absent   hello is not registered: GV_HC_HELLO_ECHO returns
 *                       -EINVAL and changes no register: exit 0
 *
 * Prints one line per CPU and a summary; exit 1 on any failure.
 */
#include <setjmp.h>
#include <sys/mman.h>
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

/* #PF error code bits (SDM Vol. 3A, 4.7). */
#define PF_P	1u
#define PF_W	2u
#define PF_U	4u

static uint8_t peek_buf[64] __attribute__((aligned(8)));

/* PEEK: own memory read back; kernel and unmapped addresses refused. */
static const char *check_peek(void)
{
	unsigned long a[6] = { (uintptr_t)peek_buf + 3, 40 };
	unsigned int i;

	for (i = 0; i < sizeof(peek_buf); i++)
		peek_buf[i] = (uint8_t)(i * 7 + 1);
	if (gv_vmcall6(GV_HC_HELLO_PEEK, a) || a[0] != 40 || memcmp(&a[1], peek_buf + 3, 40))
		return "peek of own memory wrong";
	/* The direct map: supervisor-only, a user access must fault. */
	a[0] = 0xffff888000001000ull;
	a[1] = 8;
	if (gv_vmcall6(GV_HC_HELLO_PEEK, a) != -GV_EFAULT || !(a[0] & PF_U) || (a[0] & PF_W))
		return "peek of kernel memory from ring 3 not refused";
	a[0] = 16;
	a[1] = 8;
	if (gv_vmcall6(GV_HC_HELLO_PEEK, a) != -GV_EFAULT || a[0] != PF_U)
		return "peek of an unmapped address not refused with #PF code U";
	a[0] = (uintptr_t)peek_buf;
	a[1] = 41;
	if (gv_vmcall6(GV_HC_HELLO_PEEK, a) != -GV_EINVAL)
		return "peek of 41 bytes not refused";
	return NULL;
}

/* POKE: own memory written; a read-only mapping refused and unchanged. */
static const char *check_poke(void)
{
	unsigned long a[6] = { (uintptr_t)peek_buf + 8, 24, 0x1111, 0x2222, 0x3333 };
	volatile uint64_t *ro;
	const char *why = NULL;

	if (gv_vmcall6(GV_HC_HELLO_POKE, a) ||
	    ((uint64_t *)peek_buf)[1] != 0x1111 || ((uint64_t *)peek_buf)[3] != 0x3333)
		return "poke of own memory wrong";
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		return "mmap failed";
	(void)ro[0];	/* now mapped (the zero page), read-only */
	a[0] = (uintptr_t)ro;
	a[1] = 8;
	a[2] = 0xdead;
	if (gv_vmcall6(GV_HC_HELLO_POKE, a) != -GV_EFAULT || a[0] != (PF_P | PF_W | PF_U) || ro[0])
		why = "poke of a read-only page not refused with #PF code P|W|U";
	munmap((void *)ro, 4096);
	return why;
}

/* WHOAMI: the RIP right after the VMCALL, our stack, CPL 3, IF set. */
static const char *check_whoami(void)
{
	register uint64_t r10 asm("r10") = 0;
	register uint64_t r8 asm("r8") = 0;
	register uint64_t r9 asm("r9") = 0;
	uint64_t rax = GV_HC_RAX(GV_HC_HELLO_WHOAMI), rdi = 0, rsi = 0, rdx = 0, after;
	int64_t here;

	asm volatile("lea 1f(%%rip), %[after]\n\t"
		     "vmcall\n"
		     "1:\n"
		     : "+a" (rax), "+D" (rdi), "+S" (rsi), "+d" (rdx),
		       "+r" (r10), "+r" (r8), "+r" (r9), [after] "=&r" (after)
		     :
		     : "memory");
	here = (int64_t)(uintptr_t)&here;
	if (rax)
		return "whoami failed";
	if (rdi != after)
		return "whoami: RIP is not the address after the VMCALL";
	if (llabs((int64_t)rsi - here) > 4096)
		return "whoami: RSP is not on our stack";
	if (r8 != 3 || (r9 & 3) != 3 || !(r10 & (1u << 9)))
		return "whoami: CPL, CS or RFLAGS.IF wrong";
	return NULL;
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
	return check_peek() ?: check_poke() ?: check_whoami();
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
