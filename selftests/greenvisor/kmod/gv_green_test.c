// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor green-partition and shootdown self-test (a test module; also
 * for bare metal). Lends pages it owns to the green partition through
 * greenvisor's exported API and through the raw vmcalls, and checks:
 * lent pages are unreadable and unwritable from the rich OS, every
 * refusal of uapi GV_HC_MEM_LEND/RETURN (with nothing changed), returned
 * pages come back zeroed with large pages rebuilt, long calls continue
 * with GV_HC_RETRY, and a CPU that keeps reading a page in a loop with
 * interrupts off (TLB warm) faults on its next read once another CPU's
 * lend returned: the NMI shootdown. TAP lines in the kernel log.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include "../../../include/greenvisor/vmcall.h"
#include "../../../include/greenvisor/greenvisor.h"
#include "gv_kmod.h"

/* greenvisor's exported API, looked up at load (no link-time dependency). */
static int (*lend)(phys_addr_t pa, size_t size);
static int (*give_back)(phys_addr_t pa, size_t size);

static unsigned long root_text;
module_param(root_text, ulong, 0400);
MODULE_PARM_DESC(root_text, "address of a root-text symbol (gv_vmexit_entry)");

/*
 * The unload test of the Bochs suite (green_unload_scrubs): leave_lent=1
 * lends one page of the pattern and leaves it lent (the page is leaked on
 * purpose: greenvisor must return it, zeroed, when it is unloaded);
 * check_zero_pa= checks such a page once greenvisor is gone.
 */
static bool leave_lent;
module_param(leave_lent, bool, 0400);
MODULE_PARM_DESC(leave_lent, "only lend one page and leave it lent");
static unsigned long long check_zero_pa;
module_param(check_zero_pa, ullong, 0400);
MODULE_PARM_DESC(check_zero_pa, "only check that this page reads as zeros");

#define NR_TESTS	24
#define BIG_ORDER	10	/* 4 MiB: two GV_HC_RETRY steps of 512 pages */
#define PATTERN		0xa5a5a5a5a5a5a5a5ull
#define EXIT_REASON_VMCALL	18	/* SDM Vol. 3D, Appendix C */

static void result(bool ok, const char *name, long detail)
{
	char diag[32];

	snprintf(diag, sizeof(diag), "got %ld", detail);
	gv_tap_result(ok, name, diag);
}

/* One raw lend/return step; *done gets result1. */
static long mem_step(u32 nr, u64 pa, u64 size, u64 *done)
{
	unsigned long io[6] = { pa, size };
	long ret = gv_vmcall6(nr, io);

	if (done)
		*done = io[1];
	return ret;
}

static long read_nofault(const void *src, u64 *val)
{
	return copy_from_kernel_nofault(val, src, sizeof(*val));
}

static u64 green_pages(void)
{
	unsigned long io[6] = { };

	return gv_vmcall6(GV_HC_GREEN_STATS, io) ? ~0ull : io[0];
}

/* Size of the rich-view leaf mapping @pa and its permissions. */
static long ept_leaf(u64 pa, u64 *size, u64 *perm)
{
	unsigned long io[6] = { pa };
	long ret = gv_vmcall6(GV_HC_EPT_QUERY, io);

	*size = io[1];
	*perm = io[2];
	return ret;
}

static bool all_zero(const u64 *p)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static void test_lend_return(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u64 *va, pa, v = 0, size = 0, perm = 0, before = green_pages();
	long err;

	if (!page) {
		result(false, "alloc_page", -ENOMEM);
		return;
	}
	va = page_address(page);
	pa = page_to_phys(page);
	memset64(va, PATTERN, PAGE_SIZE / 8);

	err = lend(pa, PAGE_SIZE);
	result(!err && green_pages() == before + 1, "lend_page", err);
	err = read_nofault(va, &v);
	result(err == -EFAULT, "lent_page_read_faults", err);
	err = write_u64_nofault(va, 0);
	result(err == -EFAULT, "lent_page_write_faults", err);
	err = ept_leaf(pa, &size, &perm);
	result(!err && perm == 0 && size == PAGE_SIZE, "lent_page_no_access_in_rich_view",
	       err ?: (long)perm);
	err = lend(pa, PAGE_SIZE);
	result(err == -EBUSY, "double_lend_refused", err);
	err = give_back(pa, PAGE_SIZE);
	result(!err && green_pages() == before, "return_page", err);
	err = read_nofault(va, &v);
	result(!err && all_zero(va), "returned_page_readable_and_zeroed", err ?: (long)v);
	err = mem_step(GV_HC_MEM_RETURN, pa, PAGE_SIZE, NULL);
	result(err == -GV_ENOENT, "return_not_lent_refused", err);
	err = give_back(pa, PAGE_SIZE);
	result(err == -ENOENT, "api_return_not_lent_refused", err);
	__free_page(page);
}

static void test_refusals(void)
{
	unsigned long io[6] = { };
	u64 canary_pa, hash, before = green_pages();
	long a, b, err;

	a = mem_step(GV_HC_MEM_LEND, 0x100001, PAGE_SIZE, NULL);
	b = mem_step(GV_HC_MEM_LEND, 0x100000, 0, NULL);
	result(a == -GV_EINVAL && b == -GV_EINVAL, "lend_unaligned_or_empty_refused", a ?: b);
	a = mem_step(GV_HC_MEM_LEND, 0xfee00000, PAGE_SIZE, NULL);
	b = mem_step(GV_HC_MEM_LEND, 1ull << 46, PAGE_SIZE, NULL);
	result(a == -GV_ERANGE && b == -GV_ERANGE, "lend_outside_ram_refused", a ?: b);
	a = mem_step(GV_HC_MEM_LEND, ~0ull & PAGE_MASK, 2 * PAGE_SIZE, NULL);
	result(a == -GV_EINVAL, "lend_wrapping_range_refused", a);

	gv_vmcall6(GV_HC_SELFTEST_CANARY, io);
	canary_pa = io[0];
	hash = io[1];
	err = mem_step(GV_HC_MEM_LEND, canary_pa, PAGE_SIZE, NULL);
	memset(io, 0, sizeof(io));
	gv_vmcall6(GV_HC_SELFTEST_CANARY, io);
	result(err == -GV_EPERM && io[1] == hash && green_pages() == before,
	       "lend_pool_page_refused_unchanged", err);
	if (root_text) {
		u64 pa = PFN_PHYS(vmalloc_to_pfn((void *)root_text));

		err = mem_step(GV_HC_MEM_LEND, pa, PAGE_SIZE, NULL);
		result(err == -GV_EPERM, "lend_root_text_refused", err);
	} else {
		gv_tap_skip("lend_root_text_refused", "no address given");
	}
}

/* GV_HC_SHARED_PAGE: register @pa on this CPU; *@prev gets the old one. */
static long shared_set(u64 pa, u64 *prev)
{
	unsigned long io[6] = { pa };
	long ret = gv_vmcall6(GV_HC_SHARED_PAGE, io);

	if (prev)
		*prev = io[0];
	return ret;
}

static struct {
	u64 *pages[NR_CPUS];
	unsigned long bad_cpus;
	long first_err;
} sh;

/*
 * On this CPU: its own page registered, every CPU's counts read through
 * it; each count at least what the register-based call gave just before,
 * and this CPU's VMCALL count non-zero (the calls just made).
 */
static long shared_counts_on_cpu(void *unused)
{
	unsigned int me = smp_processor_id(), cpu;
	u64 *page = sh.pages[me];
	long err = 0;

	for_each_online_cpu(cpu) {
		unsigned long io[6] = { cpu, EXIT_REASON_VMCALL };
		u64 before;

		err = gv_vmcall6(GV_HC_EXIT_COUNTS, io);
		before = io[0];
		preempt_disable();
		err = err ?: shared_set(virt_to_phys(page), NULL);
		memset(io, 0, sizeof(io));
		io[0] = cpu;
		err = err ?: gv_vmcall6(GV_HC_EXIT_COUNTS_ALL, io);
		preempt_enable();
		if (!err && (io[0] != GV_EXIT_REASON_MAX ||
			     page[EXIT_REASON_VMCALL] < before ||
			     (cpu == me && !page[EXIT_REASON_VMCALL])))
			err = -EIO;
		if (err)
			break;
	}
	if (err) {
		sh.bad_cpus++;
		if (!sh.first_err)
			sh.first_err = err;
	}
	return err;
}

static long shared_refusals(u64 canary_pa, u64 lent_pa)
{
	long a = shared_set(virt_to_phys(sh.pages[0]) + 8, NULL);
	long b = shared_set(canary_pa, NULL);
	long c = shared_set(1ull << 46, NULL);
	long d = shared_set(lent_pa, NULL);

	if (a != -GV_EINVAL)
		return a ?: -EIO;
	if (b != -GV_EPERM || c != -GV_EPERM || d != -GV_EPERM)
		return b != -GV_EPERM ? b : c != -GV_EPERM ? c : d;
	return 0;
}

/* Drop this CPU's page (*@arg gets it); then a shared-page call: ENOENT. */
static long shared_drop_on_cpu(void *arg)
{
	unsigned long io[6] = { smp_processor_id() };
	long err = shared_set(0, arg);

	return err ?: gv_vmcall6(GV_HC_EXIT_COUNTS_ALL, io);
}

/* Registered on another CPU: refused here; lending it refused too. */
static long shared_taken_on_cpu(void *arg)
{
	return shared_set(*(u64 *)arg, NULL);
}

static void test_shared_page(void)
{
	unsigned int cpu, other = nr_cpu_ids;
	struct page *lent = alloc_page(GFP_KERNEL);
	unsigned long io[6] = { };
	u64 pa, prev = 0, before = green_pages();
	long err;

	for_each_online_cpu(cpu) {
		sh.pages[cpu] = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!sh.pages[cpu])
			goto out;
		if (cpu && other == nr_cpu_ids)
			other = cpu;
	}
	for_each_online_cpu(cpu)
		work_on_cpu(cpu, shared_counts_on_cpu, NULL);
	result(!sh.bad_cpus, "shared_page_counts_every_cpu", sh.first_err);

	gv_vmcall6(GV_HC_SELFTEST_CANARY, io);
	err = lent ? lend(page_to_phys(lent), PAGE_SIZE) : -ENOMEM;
	err = err ?: shared_refusals(io[0], page_to_phys(lent));
	result(!err, "shared_page_refusals", err);
	if (lent && give_back(page_to_phys(lent), PAGE_SIZE))
		lent = NULL;	/* still lent: leak it rather than reuse it */

	/* CPU 0's page, registered by the work above. */
	pa = virt_to_phys(sh.pages[0]);
	err = other < nr_cpu_ids ? work_on_cpu(other, shared_taken_on_cpu, &pa) : -GV_EBUSY;
	result(err == -GV_EBUSY, "shared_page_taken_elsewhere_refused", err);
	err = mem_step(GV_HC_MEM_LEND, pa, PAGE_SIZE, NULL);
	result(err == -GV_EBUSY && green_pages() == before, "shared_page_not_lendable", err);

	/* Dropped on CPU 0: its page comes back, then nothing is registered. */
	err = work_on_cpu(0, shared_drop_on_cpu, &prev);
	result(err == -GV_ENOENT && prev == pa, "shared_page_dropped", err);
out:
	for_each_online_cpu(cpu) {
		if (sh.pages[cpu])
			work_on_cpu(cpu, shared_taken_on_cpu, &(u64){ 0 });
		free_page((unsigned long)sh.pages[cpu]);
	}
	if (lent)
		__free_page(lent);
}

/* A 4 MiB block: two steps each way, a foreign call refused meanwhile. */
static void test_continuation(void)
{
	struct page *pages = alloc_pages(GFP_KERNEL, BIG_ORDER);
	u64 pa, size = PAGE_SIZE << BIG_ORDER, done1 = 0, done2 = 0;
	u64 leaf = 0, perm = 0;
	long r1, r2, busy;

	if (!pages) {
		gv_tap_skip("lend_continues_with_retry", "no 4 MiB block");
		gv_tap_skip("return_continues_and_rebuilds_large_pages", "no 4 MiB block");
		return;
	}
	pa = page_to_phys(pages);
	r1 = mem_step(GV_HC_MEM_LEND, pa, size, &done1);
	busy = mem_step(GV_HC_MEM_RETURN, pa, PAGE_SIZE, NULL);
	r2 = mem_step(GV_HC_MEM_LEND, pa, size, &done2);
	result(r1 == GV_HC_RETRY && done1 == size / 2 && busy == -GV_EBUSY &&
	       r2 == 0 && done2 == size, "lend_continues_with_retry",
	       r1 != GV_HC_RETRY ? r1 : busy != -GV_EBUSY ? busy : r2);
	r1 = mem_step(GV_HC_MEM_RETURN, pa, size, &done1);
	r2 = mem_step(GV_HC_MEM_RETURN, pa, size, &done2);
	ept_leaf(pa, &leaf, &perm);
	result(r1 == GV_HC_RETRY && r2 == 0 && done2 == size && perm == 7 &&
	       leaf >= SZ_2M && all_zero(page_address(pages)),
	       "return_continues_and_rebuilds_large_pages",
	       r1 != GV_HC_RETRY ? r1 : r2 ?: (long)leaf);
	__free_pages(pages, BIG_ORDER);
}

/* The shootdown: CPU 1 reads in a loop, irqs off; CPU 0 lends the page. */
static struct {
	u64 *va;
	int stop;		/* set by CPU 0 once the lend returned */
	int done;
	long reads_ok;		/* CPU 0 polls it: the reader is warm */
	long after;		/* CPU 1's first read after stop */
} spin;

/* Reads before the lend: enough that CPU 1's TLB surely holds the page. */
#define WARM_READS	1000

static void spin_reader(void *unused)
{
	/* Bounded: a few seconds natively, about a minute in Bochs. */
	unsigned long limit = 5000000;
	u64 v;

	while (limit--) {
		if (READ_ONCE(spin.stop)) {
			spin.after = read_nofault(spin.va, &v);
			break;
		}
		if (!read_nofault(spin.va, &v))
			WRITE_ONCE(spin.reads_ok, spin.reads_ok + 1);
	}
	/* Pairs with the acquire in shootdown_on_cpu(): results are visible. */
	smp_store_release(&spin.done, 1);
}

static long smp_stat(unsigned int cpu, unsigned int idx)
{
	unsigned long io[6] = { cpu };

	return gv_vmcall6(GV_HC_SMP_STATS, io) ? -1 : (long)io[idx];
}

/* Poll @cond for up to @ms milliseconds. */
#define WAIT_MS(cond, ms) ({					\
	unsigned int __w;					\
	for (__w = 0; __w < (ms) && !(cond); __w++)		\
		mdelay(1);					\
	(cond);							\
})

/* Which part of the shootdown check failed, for the TAP comment. */
static const char *shootdown_failure(long err, long flushes, long nmis)
{
	if (err)
		return "the lend failed";
	if (!spin.done)
		return "the reader did not finish";
	if (spin.after != -EFAULT)
		return "the read after the lend did not fault (stale TLB)";
	if (flushes <= 0)
		return "the reader's CPU did not flush";
	if (nmis <= 0)
		return "the reader's CPU saw no greenvisor NMI";
	return NULL;
}

/*
 * Runs on a kworker bound to one CPU (work_on_cpu), so that @arg, the
 * reader's CPU, is never the current one: smp_call_function_single() to
 * the current CPU would run the reader here, synchronously, forever.
 */
static long shootdown_on_cpu(void *arg)
{
	unsigned int other = (unsigned long)arg;
	long flushes, seen, err;
	struct page *page;
	const char *why;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page) {
		result(false, "shootdown_alloc", -ENOMEM);
		return 0;
	}
	spin.va = page_address(page);
	flushes = smp_stat(other, 3);
	seen = smp_stat(other, 1);
	smp_call_function_single(other, spin_reader, NULL, 0);
	/*
	 * Lend only once CPU 1 is reading (its TLB holds the page): a fixed
	 * delay is not enough when the IPI is slow to land.
	 */
	if (!WAIT_MS(READ_ONCE(spin.reads_ok) >= WARM_READS, 5000)) {
		WRITE_ONCE(spin.stop, 1);
		/* Pairs with the release in spin_reader(). */
		WAIT_MS(smp_load_acquire(&spin.done), 5000);
		pr_info("# shootdown: cpu%u made %ld reads in 5 s\n", other,
			READ_ONCE(spin.reads_ok));
		gv_tap_result(false, "shootdown_reaches_spinning_cpu", NULL);
		goto out;
	}
	err = lend(page_to_phys(page), PAGE_SIZE);
	WRITE_ONCE(spin.stop, 1);
	/* Pairs with the release in spin_reader(). */
	WAIT_MS(smp_load_acquire(&spin.done), 5000);
	flushes = smp_stat(other, 3) - flushes;
	seen = smp_stat(other, 1) - seen;
	why = shootdown_failure(err, flushes, seen);
	pr_info("# shootdown: %ld reads before, %ld flushes and %ld NMIs on cpu%u\n",
		spin.reads_ok, flushes, seen, other);
	if (why)
		pr_info("# shootdown: %s (error %ld, read after %ld)\n", why,
			err, spin.after);
	gv_tap_result(!why, "shootdown_reaches_spinning_cpu", NULL);
	if (!err)
		give_back(page_to_phys(page), PAGE_SIZE);
out:
	if (spin.done)
		__free_page(page);
	return 0;
}

static void test_shootdown(void)
{
	unsigned int first = cpumask_first(cpu_online_mask);
	unsigned int other = cpumask_next(first, cpu_online_mask);

	if (other >= nr_cpu_ids) {
		gv_tap_skip("shootdown_reaches_spinning_cpu", "one CPU");
		return;
	}
	work_on_cpu(first, shootdown_on_cpu, (void *)(unsigned long)other);
}

static void test_sync_and_quiesce(void)
{
	unsigned long io[6] = { };
	long others = num_online_cpus() - 1, err;

	err = gv_vmcall6(GV_HC_EPT_SYNC, io);
	result(!err && (long)io[0] == others, "ept_sync_flushes_every_other_cpu",
	       err ?: (long)io[0]);
	memset(io, 0, sizeof(io));
	err = gv_vmcall6(GV_HC_QUIESCE_PING, io);
	result(!err && (long)io[0] == others && (long)io[1] == others,
	       "quiesce_parks_every_other_cpu", err ?: (long)io[0]);
}

static void put_api(void)
{
	if (lend)
		symbol_put(greenvisor_mem_lend);
	if (give_back)
		symbol_put(greenvisor_mem_return);
	lend = NULL;
	give_back = NULL;
}

static void test_leave_lent(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	long err = -ENOMEM;

	if (page) {
		memset64(page_address(page), PATTERN, PAGE_SIZE / 8);
		err = lend(page_to_phys(page), PAGE_SIZE);
		pr_info("# GREEN-LEFT pa=%#llx\n", (u64)page_to_phys(page));
	}
	result(!err, "page_left_lent", err);
}

static void test_check_zero(void)
{
	const u64 *va = phys_to_virt(check_zero_pa);
	u64 v = 0;
	long err;

	pr_info("TAP version 13\n1..1\n");
	err = read_nofault(va, &v);
	result(!err && all_zero(va), "left_page_scrubbed_after_unload",
	       err ?: (long)v);
}

static int __init gv_green_test_init(void)
{
	u32 a, b, c, d;

	if (check_zero_pa) {
		test_check_zero();
		return 0;
	}
	pr_info("TAP version 13\n");
	pr_info("1..%u\n", leave_lent ? 1 : NR_TESTS);
	cpuid(GV_CPUID_LEAF_SIGNATURE, &a, &b, &c, &d);
	lend = symbol_get(greenvisor_mem_lend);
	give_back = symbol_get(greenvisor_mem_return);
	if (b != GV_CPUID_SIG_EBX || c != GV_CPUID_SIG_ECX ||
	    d != GV_CPUID_SIG_EDX || !lend || !give_back) {
		for (a = 1; a <= (leave_lent ? 1 : NR_TESTS); a++)
			pr_info("ok %u green # SKIP greenvisor not loaded\n", a);
		put_api();
		return 0;
	}
	if (leave_lent) {
		test_leave_lent();
		put_api();
		return 0;
	}
	test_lend_return();
	test_refusals();
	test_continuation();
	test_shootdown();
	test_sync_and_quiesce();
	test_shared_page();
	pr_info("# %u failures\n", gv_tap()->failures);
	put_api();
	return 0;
}

static void __exit gv_green_test_exit(void)
{
}

module_init(gv_green_test_init);
module_exit(gv_green_test_exit);
MODULE_DESCRIPTION("greenvisor green partition and shootdown self-test");
MODULE_LICENSE("GPL");
