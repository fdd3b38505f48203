// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_cpuid: hvcore/hv_cpuid.c, what the rich OS sees through
 * CPUID: VMX hidden and the hypervisor bit set in leaf 1, every other leaf
 * unchanged, and greenvisor's own leaves 0x40000000-0x400000ff as the uapi
 * header defines them.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/test.h>

#include "../../hvcore/hv_cpuid.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

#define GARBAGE 0xdeadbeefu

struct filter_case {
	const char *name;
	u32 leaf, subleaf;
	struct gv_cpuid_regs in, want;
};

/* Leaf 1 of a Haswell: ECX has VMX (bit 5) set, hypervisor (bit 31) clear. */
#define HSW_1_EAX	0x000306c3u
#define HSW_1_EBX	0x02100800u
#define HSW_1_ECX	0x7ffafbffu
#define HSW_1_EDX	0xbfebfbffu
#define HSW_1_ECX_GV	0xfffafbdfu	/* VMX cleared, hypervisor set */

static const struct filter_case filter_cases[] = {
	{ "leaf1_vmx_hidden_hv_set", 1, 0,
	  { HSW_1_EAX, HSW_1_EBX, HSW_1_ECX, HSW_1_EDX },
	  { HSW_1_EAX, HSW_1_EBX, HSW_1_ECX_GV, HSW_1_EDX } },
	{ "leaf1_already_filtered", 1, 0,
	  { HSW_1_EAX, HSW_1_EBX, HSW_1_ECX_GV, HSW_1_EDX },
	  { HSW_1_EAX, HSW_1_EBX, HSW_1_ECX_GV, HSW_1_EDX } },
	{ "leaf1_subleaf_ignored", 1, 7,
	  { HSW_1_EAX, HSW_1_EBX, HSW_1_ECX, HSW_1_EDX },
	  { HSW_1_EAX, HSW_1_EBX, HSW_1_ECX_GV, HSW_1_EDX } },
	{ "leaf1_ecx_zero", 1, 0, { 0, 0, 0, 0 }, { 0, 0, 0x80000000u, 0 } },
	{ "leaf1_ecx_all_ones", 1, 0,
	  { ~0u, ~0u, ~0u, ~0u }, { ~0u, ~0u, ~0u & ~0x20u, ~0u } },
	/* "GenuineIntel": ECX "ntel" has bit 5 set, which is not VMX here. */
	{ "leaf0_unchanged", 0, 0,
	  { 0x0d, 0x756e6547, 0x6c65746e, 0x49656e69 },
	  { 0x0d, 0x756e6547, 0x6c65746e, 0x49656e69 } },
	{ "leaf7_unchanged", 7, 0,
	  { 0, 0x029c6fbf, 0x00000020, 0x9c000400 },
	  { 0, 0x029c6fbf, 0x00000020, 0x9c000400 } },
	{ "leaf0xd_unchanged", 0xd, 1,
	  { 0x0f, 0x3c0, 0x100, 0 }, { 0x0f, 0x3c0, 0x100, 0 } },
	{ "leaf0x10001_unchanged", 0x10001, 0,
	  { 1, 2, 0x20, 4 }, { 1, 2, 0x20, 4 } },
	{ "leaf0x40000001_unchanged", 0x40000001, 0,
	  { 1, 2, 0x20, 4 }, { 1, 2, 0x20, 4 } },
	{ "leaf0x80000001_unchanged", 0x80000001, 0,
	  { 0, 0, 0x00000121, 0x2c100800 },
	  { 0, 0, 0x00000121, 0x2c100800 } },
	{ "leaf0xffffffff_unchanged", 0xffffffff, 0,
	  { 1, 2, 0x20, 4 }, { 1, 2, 0x20, 4 } },
};

static void filter_desc(const struct filter_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(filter, filter_cases, filter_desc);

static void cpuid_filter(struct kunit *test)
{
	const struct filter_case *c = test->param_value;
	struct gv_cpuid_regs r = c->in;

	gv_cpuid_filter(c->leaf, c->subleaf, &r);
	KUNIT_EXPECT_EQ(test, r.eax, c->want.eax);
	KUNIT_EXPECT_EQ(test, r.ebx, c->want.ebx);
	KUNIT_EXPECT_EQ_MSG(test, r.ecx, c->want.ecx, "ecx %#x, want %#x",
			    r.ecx, c->want.ecx);
	KUNIT_EXPECT_EQ(test, r.edx, c->want.edx);
	if (c->leaf == 1) {
		KUNIT_EXPECT_EQ(test, r.ecx & GV_CPUID1_ECX_VMX, 0u);
		KUNIT_EXPECT_NE(test, r.ecx & GV_CPUID1_ECX_HV, 0u);
	}
}

static void fill_garbage(struct gv_cpuid_regs *r)
{
	r->eax = GARBAGE;
	r->ebx = GARBAGE;
	r->ecx = GARBAGE;
	r->edx = GARBAGE;
}

/* EBX, ECX, EDX as the 12 characters a guest prints, byte by byte. */
static void decode_signature(const struct gv_cpuid_regs *r, char sig[13])
{
	const u32 regs[3] = { r->ebx, r->ecx, r->edx };
	int i;

	for (i = 0; i < 12; i++)
		sig[i] = (regs[i / 4] >> (8 * (i % 4))) & 0xff;
	sig[12] = '\0';
}

static void hv_signature(struct kunit *test)
{
	struct gv_cpuid_regs r;
	char sig[13];

	fill_garbage(&r);
	gv_cpuid_hv_leaf(GV_CPUID_LEAF_SIGNATURE, GV_FEAT_VPID | GV_FEAT_EPT,
			 &r);
	decode_signature(&r, sig);
	KUNIT_EXPECT_STREQ(test, sig, "GreenVisorHV");
	/* EAX: the highest greenvisor leaf, the features leaf. */
	KUNIT_EXPECT_EQ(test, r.eax, GV_CPUID_LEAF_MAX);
	KUNIT_EXPECT_EQ(test, r.eax, 0x40000001u);
	KUNIT_EXPECT_TRUE(test, gv_cpuid_is_hv_leaf(r.eax));
}

static const u32 feature_values[] = {
	0, GV_FEAT_VPID, GV_FEAT_EPT, GV_FEAT_VPID | GV_FEAT_EPT, ~0u,
};

static void feature_desc(const u32 *f, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "features_%#x", *f);
}

KUNIT_ARRAY_PARAM(feature, feature_values, feature_desc);

static void hv_features(struct kunit *test)
{
	const u32 *features = test->param_value;
	struct gv_cpuid_regs r;

	fill_garbage(&r);
	gv_cpuid_hv_leaf(GV_CPUID_LEAF_FEATURES, *features, &r);
	KUNIT_EXPECT_EQ(test, r.eax, (u32)GV_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, r.eax >> 16, (u32)GV_ABI_MAJOR);
	KUNIT_EXPECT_EQ(test, r.eax & 0xffff, (u32)GV_ABI_MINOR);
	KUNIT_EXPECT_EQ(test, r.ebx, *features);
	KUNIT_EXPECT_EQ(test, r.ecx, 0u);
	KUNIT_EXPECT_EQ(test, r.edx, 0u);
}

static const u32 reserved_leaves[] = {
	0x40000002, 0x40000003, 0x40000010, 0x40000080, 0x400000fe,
	0x400000ff,
};

static void leaf_desc(const u32 *leaf, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "leaf_%#x", *leaf);
}

KUNIT_ARRAY_PARAM(reserved, reserved_leaves, leaf_desc);

static void hv_reserved_leaf(struct kunit *test)
{
	const u32 *leaf = test->param_value;
	struct gv_cpuid_regs r;

	KUNIT_ASSERT_TRUE(test, gv_cpuid_is_hv_leaf(*leaf));
	fill_garbage(&r);
	gv_cpuid_hv_leaf(*leaf, ~0u, &r);
	KUNIT_EXPECT_EQ(test, r.eax, 0u);
	KUNIT_EXPECT_EQ(test, r.ebx, 0u);
	KUNIT_EXPECT_EQ(test, r.ecx, 0u);
	KUNIT_EXPECT_EQ(test, r.edx, 0u);
}

struct range_case {
	u32 leaf;
	bool hv;
};

static const struct range_case range_cases[] = {
	{ 0x00000000, false }, { 0x00000001, false },
	{ 0x3fffffff, false }, { 0x40000000, true },
	{ 0x40000001, true }, { 0x40000002, true },
	{ 0x400000ff, true }, { 0x40000100, false },
	{ 0x40000fff, false }, { 0x4fffffff, false },
	{ 0x80000000, false }, { 0xc0000000, false },
	{ 0xffffffff, false },
};

static void range_desc(const struct range_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "leaf_%#x", c->leaf);
}

KUNIT_ARRAY_PARAM(range, range_cases, range_desc);

static void is_hv_leaf(struct kunit *test)
{
	const struct range_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, gv_cpuid_is_hv_leaf(c->leaf), c->hv);
}

static struct kunit_case gv_cpuid_cases[] = {
	KUNIT_CASE_PARAM(cpuid_filter, filter_gen_params),
	KUNIT_CASE(hv_signature),
	KUNIT_CASE_PARAM(hv_features, feature_gen_params),
	KUNIT_CASE_PARAM(hv_reserved_leaf, reserved_gen_params),
	KUNIT_CASE_PARAM(is_hv_leaf, range_gen_params),
	{}
};

struct kunit_suite gv_cpuid_suite = {
	.name = "gv_cpuid",
	.test_cases = gv_cpuid_cases,
};
