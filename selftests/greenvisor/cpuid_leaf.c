// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor CPUID interface, checked on every online CPU:
 *  - leaf 0x40000000: "GreenVisorHV" signature and the highest leaf;
 *  - leaf 0x40000001: ABI version and known feature bits only;
 *  - leaf 1: VMX hidden, hypervisor-present bit set;
 *  - a CPUID exit preserves every general-purpose register it does not
 *    define as an output.
 *
 * Skips when no CPU reports the greenvisor leaf (module not loaded),
 * unless GV_REQUIRE_HV=1 is set.
 */
#include "kselftest_harness.h"
#include "gv_test.h"

#define GV_FEAT_KNOWN	(GV_FEAT_VPID | GV_FEAT_EPT)
#define REPEATS		200

FIXTURE(cpuid_leaf) {
	int cpus[CPU_SETSIZE];
	int ncpus;
};

FIXTURE_SETUP(cpuid_leaf)
{
}

FIXTURE_TEARDOWN(cpuid_leaf)
{
}

TEST_F(cpuid_leaf, signature_every_cpu)
{
	struct gv_cpuid r;
	char sig[13];
	int i;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		int cpu = self->cpus[i];

		GV_PIN(cpu);
		gv_cpuid(GV_CPUID_LEAF_SIGNATURE, 0, &r);
		gv_sig_string(&r, sig);
		TH_LOG("cpu%d: leaf 0x40000000: eax=%#x sig=\"%s\"",
		       cpu, r.eax, sig);
		EXPECT_TRUE(gv_sig_is_greenvisor(&r)) {
			TH_LOG("cpu%d: signature \"%s\", expected \"GreenVisorHV\"",
			       cpu, sig);
		}
		EXPECT_GE(r.eax, GV_CPUID_LEAF_MAX);
		EXPECT_LE(r.eax, GV_CPUID_HV_LAST);
	}
}

TEST_F(cpuid_leaf, abi_version_every_cpu)
{
	uint32_t features0 = 0;
	struct gv_cpuid r;
	int i;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		int cpu = self->cpus[i];

		GV_PIN(cpu);
		gv_cpuid(GV_CPUID_LEAF_FEATURES, 0, &r);
		TH_LOG("cpu%d: leaf 0x40000001: eax=%#x ebx=%#x",
		       cpu, r.eax, r.ebx);
		EXPECT_EQ((uint32_t)GV_ABI_VERSION, r.eax);
		EXPECT_EQ(0u, r.ebx & ~GV_FEAT_KNOWN) {
			TH_LOG("cpu%d: unknown feature bits %#x",
			       cpu, r.ebx & ~GV_FEAT_KNOWN);
		}
		if (i == 0)
			features0 = r.ebx;
		EXPECT_EQ(features0, r.ebx) {
			TH_LOG("cpu%d: features differ from cpu%d",
			       cpu, self->cpus[0]);
		}
	}
}

TEST_F(cpuid_leaf, vmx_hidden_every_cpu)
{
	struct gv_cpuid r;
	int i;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		int cpu = self->cpus[i];

		GV_PIN(cpu);
		gv_cpuid(1, 0, &r);
		TH_LOG("cpu%d: leaf 1: ecx=%#x", cpu, r.ecx);
		EXPECT_EQ(0u, r.ecx & GV_CPUID1_ECX_VMX) {
			TH_LOG("cpu%d: VMX visible while greenvisor is loaded",
			       cpu);
		}
		EXPECT_EQ(GV_CPUID1_ECX_HV, r.ecx & GV_CPUID1_ECX_HV) {
			TH_LOG("cpu%d: hypervisor-present bit clear", cpu);
		}
	}
}

/*
 * CPUID with known values in every register it does not write; returns
 * the number of registers that changed.
 */
static int cpuid_clobbers(uint32_t leaf, struct gv_cpuid *out)
{
	register uint64_t r8 asm("r8") = 0x0808080808080808ull;
	register uint64_t r9 asm("r9") = 0x0909090909090909ull;
	register uint64_t r10 asm("r10") = 0x1010101010101010ull;
	register uint64_t r11 asm("r11") = 0x1111111111111111ull;
	register uint64_t r12 asm("r12") = 0x1212121212121212ull;
	register uint64_t r13 asm("r13") = 0x1313131313131313ull;
	register uint64_t r14 asm("r14") = 0x1414141414141414ull;
	register uint64_t r15 asm("r15") = 0x1515151515151515ull;
	uint64_t rsi = 0x5151515151515151ull, rdi = 0xd1d1d1d1d1d1d1d1ull;
	uint64_t rax = leaf, rbx = 0xb0b0b0b0b0b0b0b0ull, rcx = 0, rdx = ~0ull;
	int bad = 0;

	asm volatile("cpuid"
		     : "+a" (rax), "+b" (rbx), "+c" (rcx), "+d" (rdx),
		       "+S" (rsi), "+D" (rdi), "+r" (r8), "+r" (r9),
		       "+r" (r10), "+r" (r11), "+r" (r12), "+r" (r13),
		       "+r" (r14), "+r" (r15)
		     :
		     : "memory");
	out->eax = rax;
	out->ebx = rbx;
	out->ecx = rcx;
	out->edx = rdx;
	/* CPUID zeroes the upper halves of RAX, RBX, RCX and RDX. */
	bad += (rax >> 32) != 0;
	bad += (rbx >> 32) != 0;
	bad += (rcx >> 32) != 0;
	bad += (rdx >> 32) != 0;
	bad += rsi != 0x5151515151515151ull;
	bad += rdi != 0xd1d1d1d1d1d1d1d1ull;
	bad += r8 != 0x0808080808080808ull;
	bad += r9 != 0x0909090909090909ull;
	bad += r10 != 0x1010101010101010ull;
	bad += r11 != 0x1111111111111111ull;
	bad += r12 != 0x1212121212121212ull;
	bad += r13 != 0x1313131313131313ull;
	bad += r14 != 0x1414141414141414ull;
	bad += r15 != 0x1515151515151515ull;
	return bad;
}

/* Many CPUID exits in a row: same answers, no register corrupted. */
TEST_F(cpuid_leaf, exits_preserve_registers)
{
	static const uint32_t leaves[] = {
		0, 1, 7, GV_CPUID_LEAF_SIGNATURE, GV_CPUID_LEAF_FEATURES,
	};
	struct gv_cpuid first[5], r;
	int i, j, n;

	GV_SETUP_CPUS(self->cpus, self->ncpus);
	for (i = 0; i < self->ncpus; i++) {
		int cpu = self->cpus[i];

		GV_PIN(cpu);
		for (j = 0; j < 5; j++)
			ASSERT_EQ(0, cpuid_clobbers(leaves[j], &first[j])) {
				TH_LOG("cpu%d: leaf %#x clobbered registers",
				       cpu, leaves[j]);
			}
		for (n = 0; n < REPEATS; n++) {
			j = n % 5;
			ASSERT_EQ(0, cpuid_clobbers(leaves[j], &r)) {
				TH_LOG("cpu%d: leaf %#x clobbered registers (round %d)",
				       cpu, leaves[j], n);
			}
			/* Leaf 1 EBX[31:24] is the APIC ID: fixed per CPU. */
			ASSERT_EQ(0, memcmp(&r, &first[j], sizeof(r))) {
				TH_LOG("cpu%d: leaf %#x answer changed (round %d)",
				       cpu, leaves[j], n);
			}
		}
	}
}

TEST_HARNESS_MAIN
