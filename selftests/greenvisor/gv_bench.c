// SPDX-License-Identifier: GPL-2.0
/*
 * gv_bench: round trips through greenvisor in TSC ticks, per CPU.
 *
 *   gv_bench [-r REPEATS] [-c CPU]
 *
 * Pinned to each CPU in turn, times REPEATS (default 2000) executions of
 *   nop       a non-exiting instruction: the cost of the timing itself;
 *   cpuid_hv  CPUID(0x40000000): a CPUID exit and its handler;
 *   vmcall    GV_HC_VERSION: a VMCALL exit through the dispatcher.
 * Every sample is one sequence "lfence; rdtsc; lfence; setup; INSN; mov;
 * lfence; rdtsc; lfence" with the same instructions around INSN, so
 * min(x) - min(nop) is the round trip of INSN alone. In Bochs with
 * "clock: sync=none" the TSC counts instructions (an exit or an entry
 * counts as one), so minima are exact and repeatable.
 *
 * Prints one machine-readable line per CPU and test:
 *   GVB: cpu=N test=NAME n=R min=T median=T net=T
 * (net = min - min(nop)), then a table. vmcall is reported as "n/a" when
 * the greenvisor leaf is absent.
 */
#include <unistd.h>

#include "gv_test.h"

#define DEFAULT_REPEATS	2000

enum test { T_NOP, T_CPUID, T_VMCALL, T_NR };

static const char * const test_name[T_NR] = { "nop", "cpuid_hv", "vmcall" };

struct result {
	bool valid;
	uint64_t min, median;
};

/* One timed sample; @insn is the only difference between the tests. */
#define TIMED(insn, in, st) ({						\
	uint32_t _lo0, _hi0, _lo1, _hi1;				\
	asm volatile("lfence\n\trdtsc\n\tlfence\n\t"			\
		     "mov %%eax, %[lo0]\n\tmov %%edx, %[hi0]\n\t"	\
		     "mov %[rin], %%rax\n\txor %%ecx, %%ecx\n\t"	\
		     insn "\n\t"					\
		     "mov %%rax, %[st]\n\t"				\
		     "lfence\n\trdtsc\n\tlfence"			\
		     : "=&a" (_lo1), "=&d" (_hi1), [lo0] "=&r" (_lo0),	\
		       [hi0] "=&r" (_hi0), [st] "=&r" (st)		\
		     : [rin] "r" ((uint64_t)(in))			\
		     : "rbx", "rcx", "rsi", "rdi", "r8", "r9", "r10",	\
		       "memory");					\
	(((uint64_t)_hi1 << 32 | _lo1) - ((uint64_t)_hi0 << 32 | _lo0)); \
})

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int run_test(enum test t, uint64_t *samples, int n, struct result *res)
{
	uint64_t st = 0;
	int i;

	for (i = 0; i < n; i++) {
		switch (t) {
		case T_NOP:
			samples[i] = TIMED("nop", GV_CPUID_LEAF_SIGNATURE, st);
			break;
		case T_CPUID:
			samples[i] = TIMED("cpuid", GV_CPUID_LEAF_SIGNATURE,
					   st);
			break;
		case T_VMCALL:
			samples[i] = TIMED("vmcall", GV_HC_RAX(GV_HC_VERSION),
					   st);
			if (st) {
				printf("gv_bench: GV_HC_VERSION returned %lld\n",
				       (long long)st);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	qsort(samples, n, sizeof(*samples), cmp_u64);
	res->valid = true;
	res->min = samples[0];
	res->median = samples[n / 2];
	return 0;
}

int main(int argc, char **argv)
{
	int cpus[CPU_SETSIZE], ncpus, i, t, opt, n = DEFAULT_REPEATS, only = -1;
	struct result (*res)[T_NR];
	uint64_t *samples;
	bool present_all = true;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "r:c:")) != -1) {
		switch (opt) {
		case 'r':
			n = atoi(optarg);
			break;
		case 'c':
			only = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: gv_bench [-r REPEATS] [-c CPU]\n");
			return 2;
		}
	}
	if (n < 1) {
		fprintf(stderr, "gv_bench: REPEATS must be positive\n");
		return 2;
	}
	ncpus = gv_cpu_list(cpus, CPU_SETSIZE);
	if (ncpus <= 0)
		return 2;
	if (only >= 0) {
		cpus[0] = only;
		ncpus = 1;
	}
	samples = calloc(n, sizeof(*samples));
	res = calloc(ncpus, sizeof(*res));
	if (!samples || !res)
		return 2;

	for (i = 0; i < ncpus; i++) {
		bool present;

		if (gv_pin_cpu(cpus[i]) || sched_getcpu() != cpus[i]) {
			printf("gv_bench: cannot run on cpu%d\n", cpus[i]);
			return 2;
		}
		present = gv_leaf_present();
		present_all &= present;
		for (t = 0; t < T_NR; t++) {
			struct result *r = &res[i][t];

			if (t == T_VMCALL && !present)
				continue;
			/* Warm caches and TLBs (and the hypervisor's) first. */
			if (run_test(t, samples, n < 100 ? n : 100, r) ||
			    run_test(t, samples, n, r))
				return 1;
			printf("GVB: cpu=%d test=%s n=%d min=%llu median=%llu net=%lld\n",
			       cpus[i], test_name[t], n,
			       (unsigned long long)r->min,
			       (unsigned long long)r->median,
			       (long long)(r->min - res[i][T_NOP].min));
		}
	}

	printf("\n%-6s %-10s %10s %10s %10s\n", "cpu", "test", "min", "median",
	       "net(min)");
	for (i = 0; i < ncpus; i++)
		for (t = 0; t < T_NR; t++) {
			struct result *r = &res[i][t];

			if (!r->valid) {
				printf("cpu%-3d %-10s %10s %10s %10s\n", cpus[i],
				       test_name[t], "n/a", "n/a", "n/a");
				continue;
			}
			printf("cpu%-3d %-10s %10llu %10llu %10lld\n", cpus[i],
			       test_name[t], (unsigned long long)r->min,
			       (unsigned long long)r->median,
			       (long long)(r->min - res[i][T_NOP].min));
		}
	if (!present_all)
		printf("gv_bench: greenvisor leaf absent on some CPU: vmcall not measured there\n");
	free(samples);
	free(res);
	return 0;
}
