// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor hypapp test module (a test module; also for bare metal).
 *
 * With greenvisor and greenvisor-hello loaded: hello's calls on every CPU
 * (echo, per-CPU counters, reserved numbers, its CPUID leaf), numbers no
 * hypapp owns, hello's root text read+execute in the rich view and not
 * writable; then registrations of this module's own tiny hypapp: every
 * refusal (conflicting number range, CPUID range and name: -EBUSY;
 * reserved events: -EOPNOTSUPP; bad ranges, a callback outside the text:
 * -EINVAL) leaves its text writable and nothing registered, a good one
 * works with the hypercall event quiesced and protects its text, a second
 * registration is -EEXIST, unregistration undoes everything. Results are
 * TAP lines in the kernel log. `quick=1`: only hello's echo on every CPU.
 */
#include <linux/cpu.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/asm.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include "../../../include/greenvisor/vmcall.h"
#include "../../../include/greenvisor/hypapp.h"
#include "gv_hypapp_test.h"
#include "gv_kmod.h"

static unsigned long hello_text;
module_param(hello_text, ulong, 0400);
MODULE_PARM_DESC(hello_text, "address of hello's .gv_root_text section");
static bool quick;
module_param(quick, bool, 0400);
MODULE_PARM_DESC(quick, "only hello's echo on every CPU");

#define NR_TESTS	30	/* + 2 per online CPU */
#define ECHOS		10
#define TEST_BASE	0x1100u

/*
 * One TAP result. The name is what @fmt gives up to the first space (stable
 * across runs); the rest, e.g. the values seen, is the diagnostic.
 */
static __printf(2, 3) void result(bool ok, const char *fmt, ...)
{
	char line[160], *detail;
	va_list args;

	va_start(args, fmt);
	vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	detail = strchr(line, ' ');
	if (detail)
		*detail++ = '\0';
	gv_tap_result(ok, line, detail);
}

static long call(u32 nr, unsigned long io[6])
{
	return gv_vmcall6(nr, io);
}

/* On @cpu: ECHOS echo calls; 0 when every answer was right. */
static long echo_on_cpu(void *unused)
{
	unsigned int i, j;

	for (i = 0; i < ECHOS; i++) {
		unsigned long io[6], want[6];
		long ret;

		for (j = 0; j < 6; j++)
			want[j] = 0x1234567890ull * (i + 1) + j;
		memcpy(io, want, sizeof(io));
		ret = call(GV_HC_HELLO_ECHO, io);
		if (ret)
			return ret;
		for (j = 0; j < 6; j++) {
			if (io[j] != ~want[j])
				return -EIO;
		}
	}
	return 0;
}

struct counts {
	long ret;
	unsigned long cpu[NR_CPUS > 64 ? 64 : NR_CPUS];
	unsigned long total;
};

/* On CPU 0: each online CPU's hello count. */
static long read_counts(void *arg)
{
	struct counts *c = arg;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		unsigned long io[6] = { cpu };

		if (cpu >= ARRAY_SIZE(c->cpu))
			break;
		c->ret = call(GV_HC_HELLO_COUNT, io);
		if (c->ret)
			return c->ret;
		c->cpu[cpu] = io[0];
		c->total = io[1];
	}
	return 0;
}

static void test_echo(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		result(work_on_cpu(cpu, echo_on_cpu, NULL) == 0,
		       "hello_echo_cpu%u", cpu);
}

/* Each CPU's counter grows by its own calls only. */
static void test_counts(void)
{
	struct counts before = { }, after = { };
	bool ok = true;
	unsigned int cpu, n = 0;

	ok &= !work_on_cpu(0, read_counts, &before);
	for_each_online_cpu(cpu) {
		ok &= !work_on_cpu(cpu, echo_on_cpu, NULL);
		n++;
	}
	ok &= !work_on_cpu(0, read_counts, &after);
	for_each_online_cpu(cpu) {
		/* CPU 0 also made the n count calls of the second read. */
		unsigned long want = ECHOS + (cpu == 0 ? n : 0);

		if (cpu < ARRAY_SIZE(after.cpu) && after.cpu[cpu] - before.cpu[cpu] != want) {
			pr_info("# cpu%u: %lu -> %lu, want +%lu\n", cpu,
				before.cpu[cpu], after.cpu[cpu], want);
			ok = false;
		}
	}
	result(ok && after.total - before.total == n * ECHOS + n,
	       "hello_per_cpu_counters");
}

static void test_refusals_hello(void)
{
	unsigned long io[6] = { nr_cpu_ids + 5 };

	result(call(GV_HC_HELLO_COUNT, io) == -GV_EINVAL, "hello_count_bad_cpu");
	memset(io, 0, sizeof(io));
	io[0] = ~0ul;
	result(call(GV_HC_HELLO_COUNT, io) == -GV_EINVAL, "hello_count_cpu_all_ones");
	result(call(GV_HC_HELLO_BASE + 3, io) == -GV_EINVAL,
	       "hello_reserved_number");
	result(call(GV_HC_HELLO_BASE + GV_HC_HELLO_COUNT_NR, io) == -GV_EINVAL &&
	       call(0x1800, io) == -GV_EINVAL && call(GV_HC_HYPAPP_END - 1, io) == -GV_EINVAL &&
	       call(GV_HC_NR_CORE, io) == -GV_EINVAL,
	       "unowned_numbers_einval");
}

static long cpuid_on_cpu(void *unused)
{
	u32 a, b, c, d;

	cpuid_count(GV_CPUID_HELLO, 7, &a, &b, &c, &d);
	if (a != GV_HELLO_MAGIC || !c || c > GV_HYPAPP_MAX || d != 7)
		return -EIO;
	cpuid(GV_CPUID_HELLO + 1, &a, &b, &c, &d);
	return a == GV_HELLO_MAGIC ? -EIO : c;
}

static u32 hello_id;

static void test_cpuid(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		long r = work_on_cpu(cpu, cpuid_on_cpu, NULL);

		result(r >= 0, "hello_cpuid_leaf_cpu%u", cpu);
	}
	cpuid_count(GV_CPUID_HELLO, 0, &(u32){0}, &(u32){0}, &hello_id, &(u32){0});
}

static void test_info(void)
{
	unsigned long io[6] = { hello_id };
	long ret = call(GV_HC_HYPAPP_INFO, io);

	result(!ret && io[0] == (GV_HC_HELLO_BASE | (u64)GV_HC_HELLO_COUNT_NR << 32) &&
	       io[1] == GV_CPUID_HELLO && io[2] == (1 | 1ull << 32) && io[3] >= 1 &&
	       io[4] > 0, "hello_info ret %ld id %u", ret, hello_id);
	memset(io, 0, sizeof(io));
	result(call(GV_HC_HYPAPP_INFO, io) == -GV_EINVAL, "info_id0_einval");
}

/* The rich view's permissions of the page at module address @va. */
static long ept_perm(unsigned long va)
{
	unsigned long io[6] = { PFN_PHYS(vmalloc_to_pfn((void *)va)) };
	long ret = call(GV_HC_EPT_QUERY, io);

	return ret ? ret : (long)io[2];
}

static void test_hello_text(void)
{
	if (!hello_text) {
		gv_tap_skip("hello_text_rx", "no address");
		gv_tap_skip("hello_text_write_blocked", "no address");
		return;
	}
	result(ept_perm(hello_text) == 5, "hello_text_rx (perm %ld)",
	       ept_perm(hello_text));
	result(rewrite_through_alias(hello_text) == -EFAULT,
	       "hello_text_write_blocked");
}

/* GV_HC_HELLO_GUARD on @pa with @mode; *@writes = result0. */
static long hello_guard(u64 pa, unsigned long mode, unsigned long *writes)
{
	unsigned long io[6] = { pa, mode };
	long ret = call(GV_HC_HELLO_GUARD, io);

	*writes = io[0];
	return ret;
}

/*
 * hello's EPT use: a guarded page is read-only in the rich view, writes
 * fault (blocked, counted) or, in mode 2, the first one goes through.
 */
static void test_guard(void)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	unsigned long w = 0, r[6] = { };
	u64 pa, *va;
	bool ok;

	if (!pg) {
		result(false, "guard_page_allocated");
		return;
	}
	pa = page_to_phys(pg);
	va = page_address(pg);
	ok = !hello_guard(pa, 1, &w);
	r[0] = pa;
	ok = ok && !call(GV_HC_EPT_QUERY, r) && r[2] == 5;
	ok = ok && write_u64_nofault(va, 0x1234) == -EFAULT && READ_ONCE(*va) == 0;
	ok = ok && hello_guard(pa, 1, &w) == -GV_EBUSY;
	ok = ok && !hello_guard(pa, 0, &w) && w == 1;
	ok = ok && write_u64_nofault(va, 0x1234) == 0 && READ_ONCE(*va) == 0x1234;
	result(ok, "hello_guard_blocks_writes (writes %lu)", w);
	ok = !hello_guard(pa, 2, &w) && write_u64_nofault(va, 0x5678) == 0 &&
	     READ_ONCE(*va) == 0x5678 && !hello_guard(pa, 0, &w) && w == 1;
	result(ok, "hello_guard_first_write_through (writes %lu)", w);
	memset(r, 0, sizeof(r));
	ok = hello_guard(pa | 8, 1, &w) == -GV_EINVAL && hello_guard(pa, 3, &w) == -GV_EINVAL &&
	     hello_guard(pa, 0, &w) == -GV_ENOENT &&
	     !call(GV_HC_SELFTEST_CANARY, r) && hello_guard(r[0], 1, &w) == -GV_EPERM &&
	     hello_guard(pa, 0, &w) == -GV_ENOENT;
	result(ok, "hello_guard_refusals");
	__free_page(pg);
}

/*
 * The raw registration calls with bad input: refused, nothing registered
 * (hello keeps its id, no new one answers).
 */
static void test_raw_bad_input(void)
{
	unsigned long *zeros = (unsigned long *)get_zeroed_page(GFP_KERNEL);
	unsigned long r[6] = { }, io[6];
	bool ok;

	if (!zeros) {
		result(false, "raw_register_bad_input no page");
		return;
	}
	ok = !call(GV_HC_SELFTEST_CANARY, r);
	memset(io, 0, sizeof(io));
	io[0] = 0x1234;
	ok = ok && call(GV_HC_HYPAPP_REGISTER, io) == -GV_EINVAL;
	io[0] = virt_to_phys(zeros);
	ok = ok && call(GV_HC_HYPAPP_REGISTER, io) == -GV_EINVAL;
	io[0] = r[0];
	ok = ok && call(GV_HC_HYPAPP_REGISTER, io) == -GV_EPERM;
	io[0] = 1ull << 46;
	ok = ok && call(GV_HC_HYPAPP_REGISTER, io) == -GV_EPERM;
	io[0] = 0;
	ok = ok && call(GV_HC_HYPAPP_UNREGISTER, io) == -GV_ENOENT;
	io[0] = GV_HYPAPP_MAX + 1;
	ok = ok && call(GV_HC_HYPAPP_UNREGISTER, io) == -GV_ENOENT;
	io[0] = ~0ul;
	ok = ok && call(GV_HC_HYPAPP_UNREGISTER, io) == -GV_ENOENT;
	io[0] = hello_id + 1;
	ok = ok && call(GV_HC_HYPAPP_INFO, io) == -GV_ENOENT;
	io[0] = hello_id;
	ok = ok && !call(GV_HC_HYPAPP_INFO, io);
	free_page((unsigned long)zeros);
	result(ok, "raw_register_bad_input");
}

/* This module's own hypapp. */
static const struct gv_hypapp_ops test_ops = {
	.hypercall = gv_hypapp_test_call,
};

static struct gv_hypapp test_app = {
	.owner = THIS_MODULE,
	.name = "hypapp_test",
	.ops = &test_ops,
	.hc_base = TEST_BASE,
	.hc_count = 2,
	.quiesce = BIT(GV_HEV_HYPERCALL),
	.data_pages = 1,
	.text_start = GV_HYPAPP_TEXT_START,
	.text_end = GV_HYPAPP_TEXT_END,
};

static int (*reg)(struct gv_hypapp *app);
static int (*unreg)(struct gv_hypapp *app);

/* Register a variant of test_app; it must fail with @want, changing nothing. */
static void refused(struct gv_hypapp *app, int want, const char *name)
{
	unsigned long io[6] = { };
	int err = reg(app);
	long text = ept_perm((unsigned long)GV_HYPAPP_TEXT_START);

	if (!err)
		unreg(app);
	result(err == want && text == 7 && call(TEST_BASE, io) == -GV_EINVAL,
	       "refused_%s (err %d, want %d, text perm %ld)", name, err, want, text);
}

static void test_refusals(void)
{
	struct gv_hypapp_ops port_ops = test_ops;
	struct gv_hypapp_ops outside_ops = test_ops;
	struct gv_hypapp a;

	a = test_app;
	a.hc_base = GV_HC_HELLO_BASE + 2;
	refused(&a, -EBUSY, "hc_range_overlaps_hello");
	a = test_app;
	a.cpuid_base = GV_CPUID_HELLO;
	a.cpuid_count = 1;
	a.ops = &(struct gv_hypapp_ops){ .hypercall = gv_hypapp_test_call,
		.cpuid = (void *)gv_hypapp_test_call };
	refused(&a, -EBUSY, "cpuid_leaf_of_hello");
	a = test_app;
	a.name = "hello";
	refused(&a, -EBUSY, "name_of_hello");
	port_ops.port = (void *)gv_hypapp_test_call;
	a = test_app;
	a.ops = &port_ops;
	refused(&a, -EOPNOTSUPP, "port_event_not_dispatched");
	a = test_app;
	a.hc_base = GV_HC_VERSION;
	refused(&a, -EINVAL, "core_number_range");
	a = test_app;
	a.hc_base = GV_HC_HYPAPP_END - 1;
	refused(&a, -EINVAL, "range_past_the_end");
	outside_ops.hypercall = (void *)test_refusals;
	a = test_app;
	a.ops = &outside_ops;
	refused(&a, -EINVAL, "callback_outside_root_text");
}

static void test_own_hypapp(void)
{
	unsigned long io[6] = { 1000 };
	unsigned long va = (unsigned long)GV_HYPAPP_TEXT_START;
	int err = reg(&test_app);

	result(!err && test_app.id, "register_ok (err %d, id %u)", err, test_app.id);
	if (err)
		return;
	result(ept_perm(va) == 5, "own_text_rx");
	result(!call(TEST_BASE + 1, io) && io[0] == 1042 && io[1] == 1 && io[2] == 1,
	       "own_call_quiesced (%lu %lu %lu)", io[0], io[1], io[2]);
	result(reg(&test_app) == -EEXIST, "register_twice_eexist");
	result(!unreg(&test_app) && ept_perm(va) == 7 &&
	       call(TEST_BASE, io) == -GV_EINVAL && unreg(&test_app) == -ENOENT,
	       "unregister_undoes_everything");
}

/* ---- hello's calls that use the vCPU services (guest copy, registers, inject) ---- */

static u64 peek_src[5] = {
	0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, 0x1716151413121110ull,
	0x1f1e1d1c1b1a1918ull, 0x2726252423222120ull,
};

static u64 poke_dst[3];
static const u64 poke_ro[3] = { 1, 2, 3 };	/* module rodata: read-only */

static void test_peek_poke(void)
{
	unsigned long io[6] = { (unsigned long)peek_src, sizeof(peek_src) };
	long ret = call(GV_HC_HELLO_PEEK, io);

	result(!ret && io[0] == sizeof(peek_src) && !memcmp(&io[1], peek_src, sizeof(peek_src)),
	       "hello_peek_kernel (ret %ld, bytes %lu, first %#lx)", ret, io[0], io[1]);
	memset(io, 0, sizeof(io));
	io[0] = (unsigned long)poke_dst;
	io[1] = sizeof(poke_dst);
	io[2] = 0xaa;
	io[3] = 0xbb;
	io[4] = 0xcc;
	ret = call(GV_HC_HELLO_POKE, io);
	result(!ret && READ_ONCE(poke_dst[0]) == 0xaa && READ_ONCE(poke_dst[2]) == 0xcc,
	       "hello_poke_kernel (ret %ld, %#llx %#llx)", ret, poke_dst[0], poke_dst[2]);
	memset(io, 0, sizeof(io));
	io[0] = (unsigned long)poke_ro;
	io[1] = 8;
	io[2] = 0xdead;
	ret = call(GV_HC_HELLO_POKE, io);
	/* A supervisor write to a present read-only page: #PF code P|W (CR0.WP). */
	result(ret == -GV_EFAULT && io[0] == 3 && READ_ONCE(poke_ro[0]) == 1,
	       "hello_poke_readonly_refused (ret %ld, pf %#lx, value %llu)", ret, io[0],
	       poke_ro[0]);
}

/* WHOAMI with the address right after its VMCALL in *@after. */
static long whoami(unsigned long io[6], unsigned long *after)
{
	register unsigned long r10 asm("r10") = 0;
	register unsigned long r8 asm("r8") = 0;
	register unsigned long r9 asm("r9") = 0;
	unsigned long rax = GV_HC_RAX(GV_HC_HELLO_WHOAMI), rdi = 0, rsi = 0, rdx = 0;

	asm volatile("lea 1f(%%rip), %[after]\n\t"
		     "vmcall\n"
		     "1:\n"
		     : "+a" (rax), "+D" (rdi), "+S" (rsi), "+d" (rdx),
		       "+r" (r10), "+r" (r8), "+r" (r9), [after] "=&r" (*after)
		     :
		     : "memory");
	io[0] = rdi;
	io[1] = rsi;
	io[2] = rdx;
	io[3] = r10;
	io[4] = r8;
	io[5] = r9;
	return rax;
}

static void test_whoami(void)
{
	unsigned long io[6], after = 0;
	long ret = whoami(io, &after), here = (long)&ret;

	result(!ret && io[0] == after && abs((long)io[1] - here) < THREAD_SIZE &&
	       (io[2] & CR3_ADDR_MASK) == (__read_cr3() & CR3_ADDR_MASK) &&
	       io[4] == 0 && io[5] == __KERNEL_CS,
	       "hello_whoami_kernel (ret %ld rip %#lx want %#lx rsp %#lx cr3 %#lx cpl %lu cs %#lx)",
	       ret, io[0], after, io[1], io[2], io[4], io[5]);
}

/*
 * INJECT_UD: the VMCALL itself raises #UD. An EX_TYPE_FAULT exception-
 * table entry resumes after it with the trap number in RAX.
 */
static void test_inject_ud(void)
{
	unsigned long rax = GV_HC_RAX(GV_HC_HELLO_INJECT_UD);

	asm volatile("1: vmcall\n"
		     "2:\n\t"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a" (rax)
		     :
		     : "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory");
	result(rax == X86_TRAP_UD, "hello_inject_ud_faults (rax %#lx)", rax);
}

static int __init gv_hypapp_test_init(void)
{
	u32 a, b, c, d;

	pr_info("TAP version 13\n");
	cpuid(GV_CPUID_LEAF_SIGNATURE, &a, &b, &c, &d);
	if (b != GV_CPUID_SIG_EBX) {
		pr_info("1..0 # SKIP greenvisor not loaded\n");
		return 0;
	}
	if (quick) {
		pr_info("1..%u\n", num_online_cpus());
		test_echo();
		return 0;
	}
	pr_info("1..%u\n", NR_TESTS + 2 * num_online_cpus());
	test_echo();
	test_counts();
	test_refusals_hello();
	test_cpuid();
	test_info();
	test_hello_text();
	test_guard();
	test_peek_poke();
	test_whoami();
	test_inject_ud();
	test_raw_bad_input();
	reg = symbol_get(greenvisor_hypapp_register);
	unreg = symbol_get(greenvisor_hypapp_unregister);
	if (reg && unreg) {
		test_refusals();
		test_own_hypapp();
	}
	if (reg)
		symbol_put(greenvisor_hypapp_register);
	if (unreg)
		symbol_put(greenvisor_hypapp_unregister);
	pr_info("# %u failures\n", gv_tap()->failures);
	return 0;
}

static void __exit gv_hypapp_test_exit(void)
{
}

module_init(gv_hypapp_test_init);
module_exit(gv_hypapp_test_exit);
MODULE_DESCRIPTION("greenvisor hypapp framework test");
MODULE_LICENSE("GPL");
