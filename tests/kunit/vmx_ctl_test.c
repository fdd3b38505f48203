// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_vmx_ctl: hvcore/hv_vmx_ctl.c, VMX controls against the
 * capability MSRs (SDM Vol. 3D, A.3-A.5) and CR0/CR4 against the fixed-bit
 * MSRs (A.7, A.8).
 *
 * Capability values: the secondary controls are those of Bochs's haswell
 * and skylake_x models (RIGS.md); the primary and pin-based values are
 * typical of real Intel CPUs (legacy and TRUE MSRs); the rest are crafted to
 * isolate one rule each.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../hvcore/hv_vmx_ctl.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

/* Pin-based controls (SDM Vol. 3C, 25.6.1). */
#define PIN_EXT_INT_EXIT	BIT(0)
#define PIN_NMI_EXIT		BIT(3)
#define PIN_VIRTUAL_NMI		BIT(5)
#define PIN_PREEMPT_TIMER	BIT(6)
#define PIN_POSTED_INTR		BIT(7)

/* Primary processor-based controls (25.6.2). */
#define PRI_HLT_EXIT		BIT(7)
#define PRI_INVLPG_EXIT		BIT(9)
#define PRI_RDTSC_EXIT		BIT(12)
#define PRI_CR3_LOAD_EXIT	BIT(15)
#define PRI_CR3_STORE_EXIT	BIT(16)
#define PRI_MOV_DR_EXIT		BIT(23)
#define PRI_UNCOND_IO_EXIT	BIT(24)
#define PRI_USE_IO_BITMAPS	BIT(25)
#define PRI_USE_MSR_BITMAPS	BIT(28)
#define PRI_SECONDARY		BIT(31)

/* Secondary processor-based controls (25.6.2). */
#define SEC_EPT			BIT(1)
#define SEC_DESC_EXIT		BIT(2)
#define SEC_RDTSCP		BIT(3)
#define SEC_VPID		BIT(5)
#define SEC_WBINVD_EXIT		BIT(6)
#define SEC_UNRESTRICTED	BIT(7)
#define SEC_RDRAND_EXIT		BIT(11)
#define SEC_INVPCID		BIT(12)
#define SEC_VMFUNC		BIT(13)
#define SEC_RDSEED_EXIT		BIT(16)
#define SEC_PML			BIT(17)
#define SEC_XSAVES		BIT(20)
#define SEC_MBEC		BIT(22)
#define SEC_TSC_SCALING		BIT(25)

/* IA32_VMX_PROCBASED_CTLS2 of Bochs 2.7 (allowed-0 settings all 0). */
#define CAP2_BOCHS_HASWELL	(0x47fffull << 32)
#define CAP2_BOCHS_SKYLAKE_X	(0x2177fffull << 32)
/* IA32_VMX_PROCBASED_CTLS (CR3 exits forced) and its TRUE variant. */
#define CAP_PRI_LEGACY		0xfff9fffe0401e172ull
#define CAP_PRI_TRUE		0xfff9fffe04006172ull
/* IA32_VMX_TRUE_PINBASED_CTLS. */
#define CAP_PIN_TRUE		0x0000007f00000016ull

/* What greenvisor asks of the primary and secondary controls. */
#define PRI_REQUIRED		(PRI_USE_MSR_BITMAPS | PRI_SECONDARY)
#define PRI_FORBIDDEN		(PRI_HLT_EXIT | PRI_INVLPG_EXIT | \
				 PRI_RDTSC_EXIT | PRI_CR3_LOAD_EXIT | \
				 PRI_CR3_STORE_EXIT | PRI_MOV_DR_EXIT | \
				 PRI_UNCOND_IO_EXIT | PRI_USE_IO_BITMAPS)
#define SEC_REQUIRED		(SEC_EPT | SEC_VPID | SEC_UNRESTRICTED)
#define SEC_OPTIONAL		(SEC_RDTSCP | SEC_INVPCID | SEC_VMFUNC | \
				 SEC_XSAVES)
#define SEC_FORBIDDEN		(SEC_DESC_EXIT | SEC_WBINVD_EXIT | \
				 SEC_RDRAND_EXIT | SEC_RDSEED_EXIT)

struct adjust_case {
	const char *name;
	u64 cap;
	u32 required, optional, forbidden;
	int ret;
	u32 out;		/* checked only when ret == 0 */
	u32 missing;
};

static const struct adjust_case adjust_cases[] = {
	{
		.name = "bochs_haswell_secondary",
		.cap = CAP2_BOCHS_HASWELL,
		.required = SEC_REQUIRED, .optional = SEC_OPTIONAL,
		.forbidden = SEC_FORBIDDEN,
		/* XSAVES is optional and haswell cannot set it. */
		.out = SEC_REQUIRED | SEC_RDTSCP | SEC_INVPCID | SEC_VMFUNC,
	}, {
		.name = "bochs_skylake_x_secondary",
		.cap = CAP2_BOCHS_SKYLAKE_X,
		.required = SEC_REQUIRED, .optional = SEC_OPTIONAL,
		.forbidden = SEC_FORBIDDEN,
		.out = SEC_REQUIRED | SEC_OPTIONAL,
	}, {
		.name = "bochs_haswell_required_pml_missing",
		.cap = CAP2_BOCHS_HASWELL,
		.required = SEC_EPT | SEC_PML,
		.ret = -GV_EINVAL, .missing = SEC_PML,
	}, {
		.name = "bochs_skylake_x_has_pml",
		.cap = CAP2_BOCHS_SKYLAKE_X,
		.required = SEC_EPT | SEC_PML,
		.out = SEC_EPT | SEC_PML,
	}, {
		.name = "bochs_skylake_x_required_mbec_missing",
		.cap = CAP2_BOCHS_SKYLAKE_X,
		.required = SEC_EPT | SEC_VPID | SEC_MBEC | SEC_TSC_SCALING,
		.ret = -GV_EINVAL, .missing = SEC_MBEC,
	}, {
		.name = "no_secondary_controls",
		.cap = 0,
		.required = SEC_EPT, .optional = SEC_OPTIONAL,
		.ret = -GV_EINVAL, .missing = SEC_EPT,
	}, {
		.name = "primary_true_msr",
		.cap = CAP_PRI_TRUE,
		.required = PRI_REQUIRED, .forbidden = PRI_FORBIDDEN,
		.out = 0x04006172 | PRI_REQUIRED,
	}, {
		.name = "primary_legacy_forces_cr3_exits",
		.cap = CAP_PRI_LEGACY,
		.required = PRI_REQUIRED, .forbidden = PRI_FORBIDDEN,
		.ret = -GV_EINVAL,
		.missing = PRI_CR3_LOAD_EXIT | PRI_CR3_STORE_EXIT,
	}, {
		.name = "primary_legacy_cr3_exits_allowed",
		.cap = CAP_PRI_LEGACY,
		.required = PRI_REQUIRED,
		.forbidden = PRI_FORBIDDEN &
			     ~(PRI_CR3_LOAD_EXIT | PRI_CR3_STORE_EXIT),
		.out = 0x0401e172 | PRI_REQUIRED,
	}, {
		.name = "pinbased_true_msr",
		.cap = CAP_PIN_TRUE,
		.optional = PIN_VIRTUAL_NMI | PIN_NMI_EXIT | PIN_POSTED_INTR,
		.forbidden = PIN_EXT_INT_EXIT | PIN_PREEMPT_TIMER,
		/* posted interrupts (bit 7) are not in allowed-1 0x7f */
		.out = 0x16 | PIN_VIRTUAL_NMI | PIN_NMI_EXIT,
	}, {
		.name = "pinbased_forces_forbidden_ext_int_exit",
		.cap = 0x0000007f00000017ull,
		.forbidden = PIN_EXT_INT_EXIT | PIN_PREEMPT_TIMER,
		.ret = -GV_EINVAL, .missing = PIN_EXT_INT_EXIT,
	}, {
		.name = "must_be_one_bits_forced",
		.cap = 0xffffffff80000101ull,
		.out = 0x80000101,
	}, {
		.name = "required_already_must_be_one",
		.cap = 0x000000ff00000011ull,
		.required = 0x01, .out = 0x11,
	}, {
		.name = "optional_only_where_allowed",
		.cap = 0x0000f1f000000100ull,
		.optional = 0xffffffff, .out = 0xf1f0,
	}, {
		.name = "optional_none_allowed",
		.cap = 0x0000000000000000ull,
		.optional = 0xffffffff, .out = 0,
	}, {
		.name = "forbidden_wins_over_optional",
		.cap = 0x000000ff00000001ull,
		.required = 0x02, .optional = 0x0c, .forbidden = 0x08,
		.out = 0x07,
	}, {
		.name = "missing_required_and_forced_forbidden",
		.cap = 0x0000000f00000001ull,
		.required = 0x30, .forbidden = 0x01,
		.ret = -GV_EINVAL, .missing = 0x31,
	}, {
		.name = "required_bit31_allowed",
		.cap = 0x8000000000000000ull,
		.required = BIT(31), .out = BIT(31),
	}, {
		.name = "required_bit31_not_allowed",
		.cap = 0x7fffffff00000000ull,
		.required = BIT(31),
		.ret = -GV_EINVAL, .missing = BIT(31),
	}, {
		/* A caller bug: the bit is named, nothing is silently dropped. */
		.name = "required_and_forbidden_refused",
		.cap = 0x000000ff00000000ull,
		.required = 0x06, .forbidden = 0x04,
		.ret = -GV_EINVAL, .missing = 0x04,
	},
};

static void adjust_desc(const struct adjust_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(adjust, adjust_cases, adjust_desc);

static void adjust_ctl(struct kunit *test)
{
	const struct adjust_case *c = test->param_value;
	u32 out = 0xdeadbeef, missing = 0xdeadbeef;
	int ret;

	ret = gv_adjust_ctl(c->cap, c->required, c->optional, c->forbidden,
			    &out, &missing);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ_MSG(test, missing, c->missing,
			    "missing %#x, want %#x", missing, c->missing);
	if (c->ret)
		return;

	KUNIT_EXPECT_EQ_MSG(test, out, c->out, "out %#x, want %#x",
			    out, c->out);
	/* Whatever succeeds must be acceptable to VM entry. */
	KUNIT_EXPECT_TRUE_MSG(test, gv_ctl_allowed(c->cap, out),
			      "out %#x violates cap %#llx", out, c->cap);
	KUNIT_EXPECT_EQ(test, out & c->required, c->required);
	KUNIT_EXPECT_EQ(test, out & c->forbidden, 0u);
}

struct allowed_case {
	const char *name;
	u64 cap;
	u32 value;
	bool allowed;
};

static const struct allowed_case allowed_cases[] = {
	{ "bochs_skylake_x_all_allowed", CAP2_BOCHS_SKYLAKE_X, 0x2177fff,
	  true },
	{ "bochs_skylake_x_mbec", CAP2_BOCHS_SKYLAKE_X,
	  SEC_EPT | SEC_MBEC, false },
	{ "bochs_haswell_all_allowed", CAP2_BOCHS_HASWELL, 0x47fff, true },
	{ "bochs_haswell_xsaves", CAP2_BOCHS_HASWELL,
	  SEC_EPT | SEC_XSAVES, false },
	{ "bochs_haswell_zero", CAP2_BOCHS_HASWELL, 0, true },
	{ "pinbased_defaults", CAP_PIN_TRUE, 0x16, true },
	{ "pinbased_default1_bit_clear", CAP_PIN_TRUE, 0x14, false },
	{ "pinbased_all_allowed", CAP_PIN_TRUE, 0x7f, true },
	{ "pinbased_posted_intr", CAP_PIN_TRUE, 0x16 | PIN_POSTED_INTR, false },
	{ "primary_legacy_without_cr3_exits", CAP_PRI_LEGACY,
	  0x04006172 | PRI_REQUIRED, false },
	{ "primary_legacy_with_cr3_exits", CAP_PRI_LEGACY,
	  0x0401e172 | PRI_REQUIRED, true },
	{ "primary_true_without_cr3_exits", CAP_PRI_TRUE,
	  0x04006172 | PRI_REQUIRED, true },
	{ "primary_reserved_bit17", CAP_PRI_TRUE, 0x04006172 | BIT(17), false },
	{ "bit31_allowed", 0x8000000000000000ull, BIT(31), true },
	{ "bit31_not_allowed", 0x7fffffff00000000ull, BIT(31), false },
};

static void allowed_desc(const struct allowed_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(allowed, allowed_cases, allowed_desc);

static void ctl_allowed(struct kunit *test)
{
	const struct allowed_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, gv_ctl_allowed(c->cap, c->value), c->allowed,
			    "value %#x cap %#llx", c->value, c->cap);
}

/* Typical IA32_VMX_CR{0,4}_FIXED{0,1}. */
#define CR0_FIXED0		0x80000021ull	/* PG, NE, PE */
#define CR0_FIXED1		0xffffffffull
#define CR4_FIXED0		0x00002000ull	/* VMXE */
#define CR4_FIXED1		0x003767ffull
#define CR4_VMXE		BIT_ULL(13)
#define CR4_LINUX		0x003506f0ull	/* without VMXE */

struct cr_case {
	const char *name;
	u64 value, fixed0, fixed1;
	u64 fixed;		/* gv_fixed_cr() result */
};

static const struct cr_case cr_cases[] = {
	{ "cr0_linux_valid", 0x80050033, CR0_FIXED0, CR0_FIXED1, 0x80050033 },
	{ "cr0_ne_forced", 0x80050013, CR0_FIXED0, CR0_FIXED1, 0x80050033 },
	{ "cr0_pg_pe_forced", 0x00050032, CR0_FIXED0, CR0_FIXED1, 0x80050033 },
	{ "cr0_upper_half_cleared", BIT_ULL(32) | 0x80050033,
	  CR0_FIXED0, CR0_FIXED1, 0x80050033 },
	{ "cr4_vmxe_forced", CR4_LINUX, CR4_FIXED0, CR4_FIXED1,
	  CR4_LINUX | CR4_VMXE },
	{ "cr4_with_vmxe_valid", CR4_LINUX | CR4_VMXE, CR4_FIXED0, CR4_FIXED1,
	  CR4_LINUX | CR4_VMXE },
	{ "cr4_unsupported_la57_pks_cleared",
	  CR4_LINUX | CR4_VMXE | BIT_ULL(12) | BIT_ULL(24),
	  CR4_FIXED0, CR4_FIXED1, CR4_LINUX | CR4_VMXE },
	{ "cr4_bit40_cleared", BIT_ULL(40) | CR4_LINUX | CR4_VMXE,
	  CR4_FIXED0, CR4_FIXED1, CR4_LINUX | CR4_VMXE },
	{ "no_constraints", 0xfedcba9876543210ull, 0, ~0ull,
	  0xfedcba9876543210ull },
	{ "all_fixed_to_one", 0, ~0ull, ~0ull, ~0ull },
	{ "all_fixed_to_zero", ~0ull, 0, 0, 0 },
};

static void cr_desc(const struct cr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cr, cr_cases, cr_desc);

static void fixed_cr(struct kunit *test)
{
	const struct cr_case *c = test->param_value;
	u64 fixed = gv_fixed_cr(c->value, c->fixed0, c->fixed1);

	KUNIT_EXPECT_EQ_MSG(test, fixed, c->fixed, "got %#llx, want %#llx",
			    fixed, c->fixed);
	/* Valid exactly when nothing had to change. */
	KUNIT_EXPECT_EQ(test, gv_cr_valid(c->value, c->fixed0, c->fixed1),
			c->value == c->fixed);
	/* The adjusted value is always valid (for consistent MSRs). */
	if ((c->fixed0 & c->fixed1) == c->fixed0)
		KUNIT_EXPECT_TRUE(test, gv_cr_valid(fixed, c->fixed0,
						    c->fixed1));
}

/*
 * Randomized checks against the specification rather than against tables:
 * a fixed-seed xorshift generator, so that a failure repeats exactly.
 */
#define RANDOM_ROUNDS	4096

static u64 xorshift64(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Sparse, dense or uniform 32-bit masks, so every rule gets exercised. */
static u32 random_mask(u64 *state)
{
	u32 a = xorshift64(state), b = xorshift64(state);

	switch (xorshift64(state) % 3) {
	case 0:
		return a & b;
	case 1:
		return a | b;
	default:
		return a;
	}
}

static void adjust_ctl_random(struct kunit *test)
{
	u64 state = 0x9e3779b97f4a7c15ull;
	int i;

	for (i = 0; i < RANDOM_ROUNDS; i++) {
		u32 may = random_mask(&state);
		u32 must = random_mask(&state) & may;	/* as CPUs report */
		u32 req = random_mask(&state) & random_mask(&state);
		u32 opt = random_mask(&state);
		u32 forb = random_mask(&state) & random_mask(&state) & ~req;
		u64 cap = (u64)may << 32 | must;
		u32 out, missing, want_missing;
		int ret;

		ret = gv_adjust_ctl(cap, req, opt, forb, &out, &missing);
		want_missing = (req & ~may) | (forb & must);
		KUNIT_ASSERT_EQ_MSG(test, missing, want_missing,
				    "round %d cap %#llx req %#x forb %#x",
				    i, cap, req, forb);
		KUNIT_ASSERT_EQ_MSG(test, ret, want_missing ? -GV_EINVAL : 0,
				    "round %d", i);
		if (ret)
			continue;
		/* VM entry accepts it, and it is exactly what was asked. */
		KUNIT_ASSERT_TRUE_MSG(test, gv_ctl_allowed(cap, out),
				      "round %d cap %#llx out %#x",
				      i, cap, out);
		KUNIT_ASSERT_EQ_MSG(test, out,
				    must | req | (opt & may & ~forb),
				    "round %d cap %#llx req %#x opt %#x",
				    i, cap, req, opt);
	}
}

static void fixed_cr_random(struct kunit *test)
{
	u64 state = 0x2545f4914f6cdd1dull;
	int i;

	for (i = 0; i < RANDOM_ROUNDS; i++) {
		u64 fixed1 = xorshift64(&state) | xorshift64(&state);
		u64 fixed0 = xorshift64(&state) & xorshift64(&state) & fixed1;
		u64 value = xorshift64(&state);
		u64 free = fixed1 & ~fixed0;
		u64 got = gv_fixed_cr(value, fixed0, fixed1);

		/* Forced bits set, impossible bits clear, free bits kept. */
		KUNIT_ASSERT_EQ_MSG(test, got & fixed0, fixed0, "round %d", i);
		KUNIT_ASSERT_EQ_MSG(test, got & ~fixed1, 0ull, "round %d", i);
		KUNIT_ASSERT_EQ_MSG(test, got & free, value & free,
				    "round %d", i);
		KUNIT_ASSERT_TRUE_MSG(test, gv_cr_valid(got, fixed0, fixed1),
				      "round %d", i);
		KUNIT_ASSERT_EQ_MSG(test, gv_cr_valid(value, fixed0, fixed1),
				    value == got, "round %d", i);
	}
}

static struct kunit_case gv_vmx_ctl_cases[] = {
	KUNIT_CASE_PARAM(adjust_ctl, adjust_gen_params),
	KUNIT_CASE_PARAM(ctl_allowed, allowed_gen_params),
	KUNIT_CASE_PARAM(fixed_cr, cr_gen_params),
	KUNIT_CASE(adjust_ctl_random),
	KUNIT_CASE(fixed_cr_random),
	{}
};

struct kunit_suite gv_vmx_ctl_suite = {
	.name = "gv_vmx_ctl",
	.test_cases = gv_vmx_ctl_cases,
};
