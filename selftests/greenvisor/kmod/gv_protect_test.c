// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor protection self-test (a test module; also for bare metal).
 *
 * With greenvisor loaded, the rich OS must not reach the pool (not even
 * read it), nor write greenvisor's root text or rodata, while the Linux-side
 * text of greenvisor stays writable by Linux (ftrace, static keys). Every
 * write attempt below writes back the byte already there, so a failure of
 * the protection changes nothing. Addresses of greenvisor's symbols come as
 * parameters (/sys/module/greenvisor/sections/). Results are TAP lines in
 * the kernel log, unprefixed so that TAP tools read them.
 */
#include <linux/cpumask.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "../../../include/greenvisor/vmcall.h"
#include "gv_kmod.h"

static unsigned long root_text;
module_param(root_text, ulong, 0400);
MODULE_PARM_DESC(root_text, "address of a root-text symbol (gv_vmexit_entry)");
static unsigned long root_rodata;
module_param(root_rodata, ulong, 0400);
MODULE_PARM_DESC(root_rodata, "address of a root-rodata symbol (gv_exc_stubs)");
static unsigned long linux_text;
module_param(linux_text, ulong, 0400);
MODULE_PARM_DESC(linux_text, "address of a Linux-side text symbol (gv_hc_version)");

static unsigned long long check_pa;
module_param(check_pa, ullong, 0400);
MODULE_PARM_DESC(check_pa, "only check the EPT memory type of this address");
static unsigned long long check_mt;
module_param(check_mt, ullong, 0400);
MODULE_PARM_DESC(check_mt, "the memory type check_pa must have (0 UC, 6 WB)");

static void result(bool ok, const char *name)
{
	gv_tap_result(ok, name, NULL);
}

struct canary {
	u64 pa, hash, gpa, gva, qual;
};

static int read_canary(struct canary *c)
{
	unsigned long r[6] = { };
	long ret = gv_vmcall6(GV_HC_SELFTEST_CANARY, r);

	c->pa = r[0];
	c->hash = r[1];
	c->gpa = r[2];
	c->gva = r[3];
	c->qual = r[4];
	return ret;
}

/* EPT violations so far, all CPUs. */
static u64 ept_violations(void)
{
	unsigned int cpu;
	u64 sum = 0;

	for_each_online_cpu(cpu) {
		unsigned long r[6] = { cpu, 48 };

		if (!gv_vmcall6(GV_HC_EXIT_COUNTS, r))
			sum += r[0];
	}
	return sum;
}

static void test_pool(void)
{
	struct canary before, after;
	u64 junk = 0, v0 = ept_violations();
	void *va;

	if (read_canary(&before)) {
		result(false, "canary_vmcall");
		return;
	}
	result(before.pa && PAGE_ALIGNED(before.pa), "canary_vmcall");
	va = phys_to_virt(before.pa);
	result(copy_from_kernel_nofault(&junk, va, sizeof(junk)) == -EFAULT,
	       "pool_read_blocked");
	result(write_u64_nofault(va, junk) == -EFAULT,
	       "pool_write_blocked");
	read_canary(&after);
	result(after.hash == before.hash, "pool_unchanged");
	result(after.gpa == before.pa && (after.qual & 2),
	       "violation_recorded_gpa_and_write");
	result(ept_violations() >= v0 + 2, "violations_counted");
}

static void test_text(void)
{
	if (!root_text || !root_rodata || !linux_text) {
		gv_tap_skip("root_text_write_blocked", "no addresses given");
		gv_tap_skip("root_rodata_write_blocked", "no addresses given");
		gv_tap_skip("linux_side_text_writable", "no addresses given");
		return;
	}
	result(rewrite_through_alias(root_text) == -EFAULT,
	       "root_text_write_blocked");
	result(rewrite_through_alias(root_rodata) == -EFAULT,
	       "root_rodata_write_blocked");
	/* The control: the alias method itself works on unprotected text. */
	result(rewrite_through_alias(linux_text) == 0,
	       "linux_side_text_writable");
}

struct ept_map {
	u64 hpa, size, perm, mt;
};

static long ept_query(u64 gpa, struct ept_map *m)
{
	unsigned long r[6] = { gpa };
	long ret = gv_vmcall6(GV_HC_EPT_QUERY, r);

	m->hpa = r[0];
	m->size = r[1];
	m->perm = r[2];
	m->mt = r[3] & 7;
	return ret;
}

#define MT_UC	0
#define MT_WB	6

static void test_ept_query(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct canary cn;
	struct ept_map m;
	long ret;

	ret = page ? ept_query(page_to_phys(page), &m) : -1;
	result(!ret && m.hpa == page_to_phys(page) && m.perm == 7 && m.mt == MT_WB,
	       "ept_query_ram_identity_rwx_wb");
	if (page)
		__free_page(page);
	read_canary(&cn);
	result(ept_query(cn.pa, &m) == -GV_ENOENT, "ept_query_pool_absent");
	if (!root_text) {
		gv_tap_skip("ept_query_root_text_rx", "no address given");
		return;
	}
	ret = ept_query(page_to_phys(vmalloc_to_page((void *)root_text)), &m);
	result(!ret && m.perm == 5 && m.size == PAGE_SIZE, "ept_query_root_text_rx");
}

/*
 * check_pa/check_mt mode: after the rich OS changed an MTRR (the suite
 * writes /proc/mtrr, which Linux applies on every CPU), the EPT type of
 * check_pa must be check_mt.
 */
static void test_mt(void)
{
	struct ept_map m;
	char name[64];

	snprintf(name, sizeof(name), "ept_type_%llu_at_%llx", check_mt, check_pa);
	result(!ept_query(check_pa, &m) && m.mt == check_mt && m.perm == 7, name);
}

static int __init gv_protect_test_init(void)
{
	unsigned int n = check_pa ? 1 : 12;
	u32 a, b, c, d;

	pr_info("TAP version 13\n");
	pr_info("1..%u\n", n);
	cpuid(GV_CPUID_LEAF_SIGNATURE, &a, &b, &c, &d);
	if (b != GV_CPUID_SIG_EBX || c != GV_CPUID_SIG_ECX || d != GV_CPUID_SIG_EDX) {
		for (a = 1; a <= n; a++)
			pr_info("ok %u protection # SKIP greenvisor not loaded\n", a);
		return 0;
	}
	if (check_pa) {
		test_mt();
		return 0;
	}
	test_pool();
	test_text();
	test_ept_query();
	pr_info("# %u failures\n", gv_tap()->failures);
	return 0;
}

static void __exit gv_protect_test_exit(void)
{
}

module_init(gv_protect_test_init);
module_exit(gv_protect_test_exit);
MODULE_DESCRIPTION("greenvisor protection self-test");
MODULE_LICENSE("GPL");
