// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_kunit_canary, run only with greenvisor_kunit.ko canary=1.
 *
 * Its first case fails on purpose, through the real code under test and a
 * real KUnit expectation, and its second passes. tools/check.d/20-kunit.sh
 * loads the module once with canary=1 and checks that exactly this pattern
 * reaches the log, which proves that a failing case cannot go unnoticed.
 */
#include <kunit/test.h>

#include "../../hvcore/hv_xcr.h"
#include "gv_kunit.h"

static void canary_must_fail(struct kunit *test)
{
	/* XCR0 = 0 always takes #GP: this expectation is false. */
	KUNIT_EXPECT_TRUE_MSG(test, gv_xsetbv_valid(0, 0, ~0ull),
			      "canary: deliberate failure");
}

static void canary_must_pass(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, gv_xsetbv_valid(0, 0, ~0ull));
}

static struct kunit_case gv_kunit_canary_cases[] = {
	KUNIT_CASE(canary_must_fail),
	KUNIT_CASE(canary_must_pass),
	{}
};

struct kunit_suite gv_kunit_canary_suite = {
	.name = "gv_kunit_canary",
	.test_cases = gv_kunit_canary_cases,
};
