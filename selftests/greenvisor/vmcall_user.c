// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor vmcall ABI from ring 3, on every online CPU:
 *  - GV_HC_VERSION (any CPL) returns 0, the ABI version, the number of
 *    the CPU that answered and the feature bits of CPUID 0x40000001;
 *  - registers a call does not define as results are preserved;
 *  - an unknown call number returns -GV_EINVAL and changes nothing;
 *  - a CPL0-only call from ring 3 raises #GP(0) (SIGSEGV) and has no
 *    effect: the CPU stays virtualized and keeps answering;
 *  - a VMCALL without the greenvisor signature in RAX[63:32] raises #UD
 *    (SIGILL), as it would on bare metal;
 *  - 10,000 calls with random numbers and arguments (GV_FUZZ_SEED=N
 *    replays a run) get exactly those answers, and every CPU still
 *    answers afterwards (the suite compares hvctl's view of the state
 *    before and after).
 *
 * Skips when no CPU reports the greenvisor leaf (module not loaded),
 * unless GV_REQUIRE_HV=1 is set.
 */
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

#include "kselftest_harness.h"
#include "gv_test.h"

#define TRAP_UD		6
#define TRAP_GP		13
#define FAULT_ROUNDS	20

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_sig;
static volatile long fault_trapno, fault_err, fault_code;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	fault_sig = sig;
	fault_code = si->si_code;
	fault_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	fault_err = uc->uc_mcontext.gregs[REG_ERR];
	siglongjmp(fault_env, 1);
}

static int catch_faults(void)
{
	struct sigaction sa = {
		.sa_sigaction = on_fault,
		.sa_flags = SA_SIGINFO,
	};

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGILL, &sa, NULL))
		return -1;
	return 0;
}

/*
 * Issue one VMCALL that may fault. Returns 0 if it completed (@r holds
 * the results) or the number of the signal it raised.
 */
static int try_vmcall(struct gv_vmcall_regs *r)
{
	fault_sig = 0;
	fault_trapno = -1;
	fault_err = -1;
	if (sigsetjmp(fault_env, 1))
		return fault_sig;
	gv_vmcall_regs(r);
	return 0;
}

static void fill_args(struct gv_vmcall_regs *r, uint64_t rax)
{
	r->rax = rax;
	r->rdi = 0xa0a0a0a0a0a0a0a0ull;
	r->rsi = 0xa1a1a1a1a1a1a1a1ull;
	r->rdx = 0xa2a2a2a2a2a2a2a2ull;
	r->r10 = 0xa3a3a3a3a3a3a3a3ull;
	r->r8 = 0xa4a4a4a4a4a4a4a4ull;
	r->r9 = 0xa5a5a5a5a5a5a5a5ull;
}

FIXTURE(vmcall_user) {
	int cpus[CPU_SETSIZE];
	int ncpus;
};

FIXTURE_SETUP(vmcall_user)
{
	ASSERT_EQ(0, catch_faults());
}

FIXTURE_TEARDOWN(vmcall_user)
{
}

/* GV_HC_VERSION on @cpu must answer with that CPU's number. */
#define CHECK_VERSION(cpu) do {						\
	struct gv_cpuid _f;						\
	struct gv_vmcall_regs _r;						\
	int _sig;							\
									\
	gv_cpuid(GV_CPUID_LEAF_FEATURES, 0, &_f);			\
	fill_args(&_r, GV_HC_RAX(GV_HC_VERSION));			\
	_sig = try_vmcall(&_r);						\
	ASSERT_EQ(0, _sig) {						\
		TH_LOG("cpu%d: GV_HC_VERSION raised signal %d (trap %ld)", \
		       cpu, _sig, fault_trapno);			\
	}								\
	EXPECT_EQ(0, (int64_t)_r.rax);					\
	EXPECT_EQ((uint64_t)GV_ABI_VERSION, _r.rdi);				\
	EXPECT_EQ((uint64_t)(cpu), _r.rsi) {				\
		TH_LOG("GV_HC_VERSION on cpu%d answered for cpu%lld",	\
		       cpu, (long long)_r.rsi);				\
	}								\
	EXPECT_EQ((uint64_t)_f.ebx, _r.rdx);				\
} while (0)

TEST_F(vmcall_user, version_every_cpu)
{
	int i;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		GV_PIN(self->cpus[i]);
		CHECK_VERSION(self->cpus[i]);
		TH_LOG("cpu%d: GV_HC_VERSION ok", self->cpus[i]);
	}
}

/* Nothing but RAX and the defined results changes across a VMCALL. */
static int version_clobbers(uint64_t *status)
{
	register uint64_t r8 asm("r8") = 0x0808080808080808ull;
	register uint64_t r9 asm("r9") = 0x0909090909090909ull;
	register uint64_t r10 asm("r10") = 0x1010101010101010ull;
	register uint64_t r11 asm("r11") = 0x1111111111111111ull;
	register uint64_t r12 asm("r12") = 0x1212121212121212ull;
	register uint64_t r13 asm("r13") = 0x1313131313131313ull;
	register uint64_t r14 asm("r14") = 0x1414141414141414ull;
	register uint64_t r15 asm("r15") = 0x1515151515151515ull;
	uint64_t rax = GV_HC_RAX(GV_HC_VERSION);
	uint64_t rbx = 0xb0b0b0b0b0b0b0b0ull, rcx = 0xc0c0c0c0c0c0c0c0ull;
	uint64_t rsi = 0, rdi = 0, rdx = 0;
	int bad = 0;

	asm volatile("vmcall"
		     : "+a" (rax), "+b" (rbx), "+c" (rcx), "+d" (rdx),
		       "+S" (rsi), "+D" (rdi), "+r" (r8), "+r" (r9),
		       "+r" (r10), "+r" (r11), "+r" (r12), "+r" (r13),
		       "+r" (r14), "+r" (r15)
		     :
		     : "memory");
	*status = rax;
	bad += rbx != 0xb0b0b0b0b0b0b0b0ull;
	bad += rcx != 0xc0c0c0c0c0c0c0c0ull;
	/* Results 3..5 are not defined for GV_HC_VERSION: preserved. */
	bad += r10 != 0x1010101010101010ull;
	bad += r8 != 0x0808080808080808ull;
	bad += r9 != 0x0909090909090909ull;
	bad += r11 != 0x1111111111111111ull;
	bad += r12 != 0x1212121212121212ull;
	bad += r13 != 0x1313131313131313ull;
	bad += r14 != 0x1414141414141414ull;
	bad += r15 != 0x1515151515151515ull;
	return bad;
}

TEST_F(vmcall_user, version_preserves_registers)
{
	uint64_t status;
	int i;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		GV_PIN(self->cpus[i]);
		EXPECT_EQ(0, version_clobbers(&status)) {
			TH_LOG("cpu%d: GV_HC_VERSION changed registers it does not define",
			       self->cpus[i]);
		}
		EXPECT_EQ(0ull, status);
	}
}

TEST_F(vmcall_user, unknown_call_einval)
{
	static const uint32_t calls[] = { 0x7777, 0xffff, 0xffffffffu };
	struct gv_vmcall_regs r, in;
	unsigned int j;
	int i, sig;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		GV_PIN(self->cpus[i]);
		for (j = 0; j < ARRAY_SIZE(calls); j++) {
			fill_args(&r, GV_HC_RAX(calls[j]));
			in = r;
			sig = try_vmcall(&r);
			ASSERT_EQ(0, sig) {
				TH_LOG("cpu%d: call %#x raised signal %d (trap %ld)",
				       self->cpus[i], calls[j], sig,
				       fault_trapno);
			}
			EXPECT_EQ(-GV_EINVAL, (int64_t)r.rax) {
				TH_LOG("cpu%d: call %#x returned %lld",
				       self->cpus[i], calls[j],
				       (long long)r.rax);
			}
			in.rax = r.rax;
			EXPECT_EQ(0, memcmp(&in, &r, sizeof(r))) {
				TH_LOG("cpu%d: call %#x changed argument registers",
				       self->cpus[i], calls[j]);
			}
		}
	}
}

/* A CPL0-only call from ring 3: #GP(0), no effect, CPU still served. */
TEST_F(vmcall_user, cpl0_call_gp)
{
	static const uint32_t calls[] = {
		GV_HC_EXIT_COUNTS, GV_HC_LOG_READ, GV_HC_DEVIRT,
	};
	struct gv_vmcall_regs r;
	unsigned int j;
	int i, n, sig;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		int cpu = self->cpus[i];

		GV_PIN(cpu);
		for (n = 0; n < FAULT_ROUNDS; n++) {
			j = n % (ARRAY_SIZE(calls));
			fill_args(&r, GV_HC_RAX(calls[j]));
			r.rdi = cpu;	/* a valid CPU for GV_HC_EXIT_COUNTS */
			r.rsi = 0;
			sig = try_vmcall(&r);
			ASSERT_EQ(SIGSEGV, sig) {
				TH_LOG("cpu%d: CPL0 call %#x from ring 3: signal %d, status %lld",
				       cpu, calls[j], sig, (long long)r.rax);
			}
			EXPECT_EQ(TRAP_GP, fault_trapno);
			EXPECT_EQ(0, fault_err);
			EXPECT_EQ(SI_KERNEL, fault_code);
			/* Still virtualized and answering on this CPU. */
			ASSERT_EQ(cpu, sched_getcpu());
			ASSERT_TRUE(gv_leaf_present()) {
				TH_LOG("cpu%d: leaf gone after call %#x",
				       cpu, calls[j]);
			}
			CHECK_VERSION(cpu);
		}
		TH_LOG("cpu%d: %d CPL0-only calls from ring 3 raised #GP(0)",
		       cpu, FAULT_ROUNDS);
	}
}

/* VMCALLs meant for another hypervisor are #UD, as on bare metal. */
TEST_F(vmcall_user, foreign_signature_ud)
{
	static const uint64_t rax[] = {
		GV_HC_VERSION,				/* no signature */
		0x12345678ull << 32 | GV_HC_VERSION,
		(uint64_t)(GV_HC_SIGNATURE ^ 1) << 32 | GV_HC_VERSION,
		(uint64_t)(GV_HC_SIGNATURE ^ 0x80000000u) << 32,
		~0ull,
	};
	struct gv_vmcall_regs r;
	unsigned int j;
	int i, sig;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		int cpu = self->cpus[i];

		GV_PIN(cpu);
		for (j = 0; j < ARRAY_SIZE(rax); j++) {
			fill_args(&r, rax[j]);
			sig = try_vmcall(&r);
			ASSERT_EQ(SIGILL, sig) {
				TH_LOG("cpu%d: RAX=%#llx: signal %d, status %lld",
				       cpu, (unsigned long long)rax[j], sig,
				       (long long)r.rax);
			}
			EXPECT_EQ(TRAP_UD, fault_trapno);
			ASSERT_TRUE(gv_leaf_present());
			CHECK_VERSION(cpu);
		}
	}
}

/*
 * Ring-3 fuzzing: random call numbers and arguments, spread over CPUs;
 * GV_FUZZ_CALLS=N makes N calls instead (at least one per CPU).
 */
#define FUZZ_CALLS	10000

static uint64_t fuzz_state;

static uint64_t fuzz_rnd(void)
{
	return gv_xorshift64s(&fuzz_state);
}

/* RAX of a random call: 1 in 8 foreign, else a core, hypapp or any number. */
static uint64_t fuzz_rax(void)
{
	uint32_t sig = GV_HC_SIGNATURE, nr = (uint32_t)fuzz_rnd();

	switch (fuzz_rnd() % 8) {
	case 0:
		sig = (uint32_t)fuzz_rnd();
		if (sig == GV_HC_SIGNATURE)
			sig ^= 1;
		break;
	case 1:
		break;
	case 2:
	case 3:
		nr = GV_HC_NR_CORE + nr % 0x1000;
		break;
	case 4:
		/* Hypapp numbers, half of them at the start of a given range. */
		if (fuzz_rnd() % 2)
			nr = GV_HC_HYPAPP_FIRST + nr % (GV_HC_HYPAPP_END - GV_HC_HYPAPP_FIRST);
		else
			nr = GV_HC_HYPAPP_FIRST + (nr % 3) * 0x100 + fuzz_rnd() % 8;
		break;
	default:
		nr %= GV_HC_NR_CORE;
		break;
	}
	return (uint64_t)sig << 32 | nr;
}

static bool status_documented(int64_t st)
{
	static const int64_t ok[] = {
		0, GV_HC_RETRY, -GV_EPERM, -GV_ENOENT, -GV_EFAULT, -GV_EBUSY,
		-GV_EINVAL, -GV_ENOSPC, -GV_ERANGE, -GV_ENOSYS,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		if (st == ok[i])
			return true;
	return false;
}

/*
 * What ring 3 must see (uapi/linux/greenvisor.h): a foreign signature is
 * #UD; GV_HC_VERSION answers; every other core call is CPL0-only, #GP(0);
 * anything else is refused or, for a hypapp's user-mode call, answered
 * with a documented status. Returns 0 when @r and @sig are what it must be.
 */
static int fuzz_verdict(uint64_t rax, int sig, const struct gv_vmcall_regs *r)
{
	uint32_t nr = (uint32_t)rax;

	if ((rax >> 32) != GV_HC_SIGNATURE)
		return sig == SIGILL && fault_trapno == TRAP_UD ? 0 : -1;
	if (nr == GV_HC_VERSION)
		return !sig && !r->rax && r->rdi == GV_ABI_VERSION ? 0 : -1;
	if (nr < GV_HC_NR_CORE)
		return sig == SIGSEGV && fault_trapno == TRAP_GP && !fault_err ? 0 : -1;
	if (sig)
		return sig == SIGSEGV && fault_trapno == TRAP_GP ? 0 : -1;
	return status_documented((int64_t)r->rax) ? 0 : -1;
}

TEST_F(vmcall_user, fuzz_random_calls)
{
	const char *env = getenv("GV_FUZZ_SEED");
	const char *calls_env = getenv("GV_FUZZ_CALLS");
	struct gv_vmcall_regs r;
	uint64_t rax, seed;
	int i, sig, cpu, calls, bad = 0;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	seed = env ? strtoull(env, NULL, 0) : (gv_rdtsc() | 1);
	fuzz_state = seed;
	calls = calls_env ? atoi(calls_env) : FUZZ_CALLS;
	if (calls < self->ncpus)
		calls = self->ncpus;
	TH_LOG("%d calls, seed %llu (GV_FUZZ_SEED replays it)", calls,
	       (unsigned long long)seed);
	for (i = 0; i < calls; i++) {
		cpu = self->cpus[i % self->ncpus];
		if (i < self->ncpus || !(i % 500))
			GV_PIN(cpu);
		rax = fuzz_rax();
		r = (struct gv_vmcall_regs){
			.rax = rax, .rdi = fuzz_rnd(), .rsi = fuzz_rnd(),
			.rdx = fuzz_rnd(), .r10 = fuzz_rnd(), .r8 = fuzz_rnd(),
			.r9 = fuzz_rnd(),
		};
		sig = try_vmcall(&r);
		if (fuzz_verdict(rax, sig, &r) && bad++ < 5)
			TH_LOG("RAX=%#llx: signal %d (trap %ld, error %ld), status %lld",
			       (unsigned long long)rax, sig, fault_trapno,
			       fault_err, (long long)r.rax);
	}
	EXPECT_EQ(0, bad);
	for (i = 0; i < self->ncpus; i++) {
		GV_PIN(self->cpus[i]);
		CHECK_VERSION(self->cpus[i]);
	}
}

TEST_HARNESS_MAIN
