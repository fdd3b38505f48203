/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the greenvisor selftests and their helper programs:
 * CPUID and VMCALL wrappers following uapi/linux/greenvisor.h, CPU
 * pinning, and detection of the greenvisor CPUID leaf.
 *
 * Everything here is user space (ring 3) and x86-64 only.
 */
#ifndef GV_TEST_H
#define GV_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/greenvisor.h>
#include "../../include/greenvisor/vmcall.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif

#define GV_CPUID1_ECX_VMX	(1u << 5)
#define GV_CPUID1_ECX_HV	(1u << 31)
/* Highest leaf a hypervisor may report in the 0x400000xx range. */
#define GV_CPUID_HV_LAST	0x400000ffu
/* Environment variable: turn "greenvisor absent" skips into failures. */
#define GV_REQUIRE_ENV		"GV_REQUIRE_HV"

struct gv_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline void gv_cpuid(uint32_t leaf, uint32_t subleaf,
			    struct gv_cpuid *r)
{
	asm volatile("cpuid"
		     : "=a" (r->eax), "=b" (r->ebx), "=c" (r->ecx),
		       "=d" (r->edx)
		     : "a" (leaf), "c" (subleaf)
		     : "memory");
}

/* A greenvisor call with no arguments; returns the status (RAX). */
static inline int64_t gv_vmcall0(uint32_t nr, struct gv_vmcall_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rax = GV_HC_RAX(nr);
	gv_vmcall_regs(r);
	return (int64_t)r->rax;
}

/* xorshift64*: a reproducible stream for the fuzzers, from a seed != 0. */
static inline uint64_t gv_xorshift64s(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

static inline uint64_t gv_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline bool gv_sig_is_greenvisor(const struct gv_cpuid *r)
{
	return r->ebx == GV_CPUID_SIG_EBX && r->ecx == GV_CPUID_SIG_ECX &&
	       r->edx == GV_CPUID_SIG_EDX;
}

/* True if the CPU this thread runs on reports the greenvisor leaf. */
static inline bool gv_leaf_present(void)
{
	struct gv_cpuid r;

	gv_cpuid(GV_CPUID_LEAF_SIGNATURE, 0, &r);
	return gv_sig_is_greenvisor(&r);
}

/* Printable form of the 12 signature bytes of leaf 0x40000000. */
static inline void gv_sig_string(const struct gv_cpuid *r, char out[13])
{
	uint32_t w[3] = { r->ebx, r->ecx, r->edx };
	int i;

	memcpy(out, w, 12);
	for (i = 0; i < 12; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '.';
	out[12] = '\0';
}

static inline int gv_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The CPUs this process may run on (the online ones, unless restricted).
 * Returns the number of CPUs stored in @cpus (at most @max).
 */
static inline int gv_cpu_list(int *cpus, int max)
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n;
}

static inline bool gv_required(void)
{
	const char *v = getenv(GV_REQUIRE_ENV);

	return v && v[0] && strcmp(v, "0");
}

/*
 * True if any CPU of @cpus reports the greenvisor leaf. Restores the
 * caller's affinity.
 */
static inline bool gv_leaf_present_any(const int *cpus, int n)
{
	cpu_set_t saved;
	bool found = false;
	int i;

	if (sched_getaffinity(0, sizeof(saved), &saved))
		return false;
	for (i = 0; i < n && !found; i++)
		if (!gv_pin_cpu(cpus[i]))
			found = gv_leaf_present();
	sched_setaffinity(0, sizeof(saved), &saved);
	return found;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * Start of every test that needs greenvisor: fills @cpus/@ncpus with the
 * usable CPUs and skips the test (or fails it, when GV_REQUIRE_HV=1 is in
 * the environment) if no CPU reports the greenvisor CPUID leaf.
 */
#define GV_SETUP_CPUS(cpus, ncpus) do {					\
	ncpus = gv_cpu_list(cpus, CPU_SETSIZE);				\
	ASSERT_GT(ncpus, 0);						\
	if (!gv_leaf_present_any(cpus, ncpus)) {			\
		ASSERT_FALSE(gv_required()) {				\
			TH_LOG("greenvisor CPUID leaf absent on all %d CPUs but %s is set", \
			       ncpus, GV_REQUIRE_ENV);			\
		}							\
		SKIP(return,						\
		     "greenvisor CPUID leaf 0x40000000 absent (module not loaded)"); \
	}								\
} while (0)

/* Pin the test to @cpu and check that it really runs there. */
#define GV_PIN(cpu) do {						\
	ASSERT_EQ(0, gv_pin_cpu(cpu)) {					\
		TH_LOG("sched_setaffinity(cpu%d): %s", cpu, strerror(errno)); \
	}								\
	ASSERT_EQ(cpu, sched_getcpu());					\
} while (0)
#endif /* __KSELFTEST_HARNESS_H */

#endif /* GV_TEST_H */
