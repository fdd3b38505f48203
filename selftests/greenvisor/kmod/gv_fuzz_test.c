// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor vmcall fuzzer, ring 0 (a test module; also for bare metal).
 *
 * Makes @calls VMCALLs (default 10,000) on every online CPU in turn, with
 * random call numbers (core calls, unknown numbers, any 32-bit number, and
 * a foreign signature) and random arguments (any 64-bit value, boundary
 * values, addresses in and around a buffer the module owns), then checks
 * that nothing crashed and nothing changed:
 *  - every result is a documented status (0, GV_HC_RETRY, -GV_E*), and
 *    only a foreign signature raised #UD (caught through the exception
 *    table, as the kernel's own *_safe accessors do);
 *  - the rich and green views (GV_HC_EPT_STATS, GV_HC_GREEN_STATS), the
 *    canary page's hash and its absence from the rich view, and every
 *    CPU's answer to GV_HC_VERSION are as before;
 *  - the buffer's guard pages kept their pattern, and each buffer page is
 *    either untouched or was lent and came back zeroed.
 *
 * Two calls change state by design and are fuzzed only where that is
 * harmless: GV_HC_MEM_LEND/RETURN get ranges inside the buffer, beyond
 * RAM, or invalid ones (a validation bug must fail this test, not corrupt
 * Linux), and everything lent is returned before the comparison.
 * Hypapp numbers are fuzzed too (hello's, when it is loaded): hello's GUARD
 * (it write-protects a page) gets pages of the buffer, beyond RAM or
 * unaligned, and any guard left is released before the comparison;
 * GV_HC_HYPAPP_UNREGISTER never gets a registered hypapp's id (ring 0 may
 * unregister one; that is not what the fuzzing is after).
 * GV_HC_EVENT_READ only reads counters or is refused (taking events would
 * take them from the control plane's listeners).
 * GV_HC_SHARED_PAGE registers only a scratch page of the fuzzer's (or
 * addresses it must refuse), so GV_HC_EXIT_COUNTS_ALL writes nowhere else;
 * hello's POKE writes only there too, and its INJECT_UD is not made (the
 * #UD it raises is tested by the hypapp suite).
 * GV_HC_DEVIRT (it devirtualizes the CPU) and GV_HC_LOG_READ (it drains
 * the root log Linux prints) are not called. The seed is printed: load
 * with seed=N to replay a run.
 *
 * TAP lines in the kernel log.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/asm.h>
#include "../../../include/greenvisor/vmcall.h"
#include "../../../include/greenvisor/hypapp.h"
#include "gv_kmod.h"

#define NR_TESTS	8
#define BUF_ORDER	5			/* 32 pages: lends never need RETRY */
#define BUF_PAGES	BIT(BUF_ORDER)
#define GUARD_PAGES	2			/* first and last page: never lent */
#define PATTERN		0x5a5a5a5a5a5a5a5aull
#define NR_UNKNOWN_SPAN	0x1000u

static unsigned int calls = 10000;
module_param(calls, uint, 0400);
MODULE_PARM_DESC(calls, "VMCALLs to make in all (spread over the online CPUs)");
static unsigned long seed;
module_param(seed, ulong, 0400);
MODULE_PARM_DESC(seed, "random seed (0: pick one and print it)");

static void result(bool ok, const char *name, const char *why)
{
	gv_tap_result(ok, name, why);
}

/* The fuzzer's own state; one CPU at a time uses it (work_on_cpu). */
static struct {
	u64 rng;
	struct page *pages;
	u64 buf_pa;		/* first lendable page */
	u64 buf_end;		/* end of the lendable pages */
	struct page *scratch;	/* the only page registered as a shared page */
	u64 scratch_pa;
	u64 ram_end;
	unsigned long nr_calls, nr_ud, nr_ok, nr_retry, nr_err;
	unsigned long bad_status, bad_fault, missing_ud;
	long first_bad;
	u32 first_bad_nr;
} fz;

/* xorshift64*: reproducible from the seed, unlike get_random_u64(). */
static u64 rnd(void)
{
	fz.rng ^= fz.rng >> 12;
	fz.rng ^= fz.rng << 25;
	fz.rng ^= fz.rng >> 27;
	return fz.rng * 0x2545f4914f6cdd1dull;
}

static u64 rnd_below(u64 n)
{
	return n ? rnd() % n : 0;
}

/*
 * VMCALL that survives a fault: an exception-table entry resumes after
 * it, skipping the instruction that clears @faulted.
 */
static bool vmcall_catch(struct gv_vmcall_regs *r)
{
	register unsigned long long r10 asm("r10") = r->r10;
	register unsigned long long r8 asm("r8") = r->r8;
	register unsigned long long r9 asm("r9") = r->r9;
	unsigned long faulted = 1;

	asm volatile("1: vmcall\n\t"
		     "xor %[f], %[f]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+a" (r->rax), "+D" (r->rdi), "+S" (r->rsi),
		       "+d" (r->rdx), "+r" (r10), "+r" (r8), "+r" (r9),
		       [f] "+r" (faulted)
		     :
		     : "memory");
	r->r10 = r10;
	r->r8 = r8;
	r->r9 = r9;
	return faulted;
}

/* An argument: any value, a boundary value, or an address near the buffer. */
static u64 rnd_arg(void)
{
	static const u64 edges[] = {
		0, 1, PAGE_SIZE - 1, PAGE_SIZE, SZ_2M, SZ_1G, 1ull << 39,
		1ull << 46, 1ull << 52, ~0ull, ~0ull << 12, 1ull << 63,
		0x7fffffffffffffffull, 0xffffffffull, 512, 513, 80, 1024,
	};

	switch (rnd_below(4)) {
	case 0:
		return rnd();
	case 1:
		return edges[rnd_below(ARRAY_SIZE(edges))];
	case 2:
		return fz.buf_pa - PAGE_SIZE + rnd_below(BUF_PAGES * PAGE_SIZE);
	default:
		return rnd_below(64);
	}
}

static bool range_within(u64 pa, u64 end, u64 lo, u64 hi)
{
	return pa >= lo && end <= hi;
}

/*
 * Lend/return ranges that cannot hurt Linux even if greenvisor's checks
 * were wrong: inside the buffer, beyond RAM, empty or wrapping. Anything
 * else is moved into the buffer, keeping its alignment quirks.
 */
static void make_range_harmless(u64 *pa, u64 *size)
{
	u64 end = *pa + *size, pages = (fz.buf_end - fz.buf_pa) >> PAGE_SHIFT;

	if (!*size || end < *pa || range_within(*pa, end, fz.buf_pa, fz.buf_end) ||
	    *pa >= fz.ram_end)
		return;
	/* Mostly whole pages, so that lends and returns also succeed. */
	*pa = fz.buf_pa + (rnd_below(pages) << PAGE_SHIFT);
	*size = (1 + rnd_below((fz.buf_end - *pa) >> PAGE_SHIFT)) << PAGE_SHIFT;
	if (!rnd_below(8))
		*pa += 1 + rnd_below(PAGE_SIZE - 1);
	if (!rnd_below(8))
		*size -= 1 + rnd_below(PAGE_SIZE - 1);
	if (*pa + *size > fz.buf_end)
		*size = fz.buf_end - *pa;
}

/*
 * A number in the hypapp range: half of them among the first numbers of
 * the ranges hypapps are given (hello, kci, pal), so that a loaded hypapp
 * sees its own calls with random arguments, not just unknown numbers.
 */
static u32 rnd_hypapp_nr(void)
{
	if (rnd_below(2))
		return GV_HC_HYPAPP_FIRST +
		       rnd_below(GV_HC_HYPAPP_END - GV_HC_HYPAPP_FIRST);
	return GV_HC_HYPAPP_FIRST + (rnd_below(3) << 8) + rnd_below(8);
}

/*
 * hello's GUARD write-protects a page of rich RAM: only pages of the
 * buffer (which nothing writes while the fuzzer runs), addresses beyond
 * RAM, or unaligned ones that it must refuse.
 */
static void make_guard_harmless(u64 *pa)
{
	u64 pages = (fz.buf_end - fz.buf_pa) >> PAGE_SHIFT;

	if (*pa >= fz.ram_end || range_within(*pa, *pa + 1, fz.buf_pa, fz.buf_end))
		return;
	*pa = fz.buf_pa + (rnd_below(pages) << PAGE_SHIFT);
	if (!rnd_below(8))
		*pa += 1 + rnd_below(PAGE_SIZE - 1);
}

/*
 * A shared page takes the exit counts of GV_HC_EXIT_COUNTS_ALL: only the
 * fuzzer's own scratch page, 0 (none), or addresses it must refuse
 * (unaligned, beyond RAM). Each CPU's registration is dropped after its run.
 */
static void make_shared_harmless(u64 *pa)
{
	if (!*pa || *pa >= fz.ram_end || *pa & (PAGE_SIZE - 1))
		return;
	*pa = fz.scratch_pa;
}

/*
 * hello's POKE writes up to 24 bytes wherever the caller could: only into
 * the scratch page, or at non-canonical addresses it must refuse.
 */
static void make_poke_harmless(u64 *va)
{
	if ((u64)((s64)(*va << 16) >> 16) != *va)
		return;
	*va = (u64)page_address(fz.scratch) + rnd_below(PAGE_SIZE - 24);
}

static u32 rnd_call(u64 *rax)
{
	u32 nr;

	switch (rnd_below(20)) {
	case 0: {
		/* A foreign signature: not ours, #UD as on bare metal. */
		u32 sig = (u32)rnd();

		if (sig == GV_HC_SIGNATURE)
			sig ^= 1;
		nr = (u32)rnd();
		*rax = (u64)sig << 32 | nr;
		return nr;
	}
	case 1:
	case 2:
		nr = (u32)rnd();
		break;
	case 3:
	case 4:
	case 5:
		nr = GV_HC_NR_CORE + rnd_below(NR_UNKNOWN_SPAN);
		break;
	case 6:
	case 7:
		nr = rnd_hypapp_nr();
		break;
	default:
		nr = rnd_below(GV_HC_NR_CORE);
		break;
	}
	if (nr == GV_HC_DEVIRT || nr == GV_HC_LOG_READ)
		nr = GV_HC_VERSION;
	*rax = GV_HC_RAX(nr);
	return nr;
}

static bool status_is_documented(long st)
{
	switch (st) {
	case 0:
	case GV_HC_RETRY:
	case -GV_EPERM:
	case -GV_ENOENT:
	case -GV_EFAULT:
	case -GV_EBUSY:
	case -GV_EINVAL:
	case -GV_ENOSPC:
	case -GV_ERANGE:
	case -GV_ENOSYS:
		return true;
	default:
		return false;
	}
}

static void note_bad(u32 nr, long what)
{
	if (fz.first_bad_nr != ~0u)
		return;
	fz.first_bad_nr = nr;
	fz.first_bad = what;
}

/* A lend that asked for a continuation is finished, never left open. */
static void finish_continuation(struct gv_vmcall_regs *r, u64 pa, u64 size)
{
	unsigned int rounds;

	for (rounds = 0; rounds < 64 && (long)r->rax == GV_HC_RETRY; rounds++) {
		*r = (struct gv_vmcall_regs){ .rax = r->rax, .rdi = pa, .rsi = size };
		r->rax = GV_HC_RAX(GV_HC_MEM_LEND);
		vmcall_catch(r);
	}
}

static void fuzz_one(void)
{
	struct gv_vmcall_regs r = { };
	bool foreign, faulted;
	u32 nr;

	nr = rnd_call(&r.rax);
	foreign = (r.rax >> 32) != GV_HC_SIGNATURE;
	r.rdi = rnd_arg();
	r.rsi = rnd_arg();
	r.rdx = rnd_arg();
	r.r10 = rnd_arg();
	r.r8 = rnd_arg();
	r.r9 = rnd_arg();
	if (!foreign && (nr == GV_HC_MEM_LEND || nr == GV_HC_MEM_RETURN))
		make_range_harmless(&r.rdi, &r.rsi);
	if (!foreign && nr == GV_HC_HELLO_GUARD)
		make_guard_harmless(&r.rdi);
	/* Never a registered hypapp's id: that would unregister it. */
	if (!foreign && nr == GV_HC_HYPAPP_UNREGISTER && r.rdi && r.rdi <= GV_HYPAPP_MAX)
		r.rdi += GV_HYPAPP_MAX;
	if (!foreign && nr == GV_HC_SHARED_PAGE)
		make_shared_harmless(&r.rdi);
	if (!foreign && nr == GV_HC_HELLO_POKE)
		make_poke_harmless(&r.rdi);
	/* Counters (1) or refused (> 1): never takes an event from a listener. */
	if (!foreign && nr == GV_HC_EVENT_READ)
		r.rsi |= 1;
	/* The #UD it raises would be a fault of ours for this checker. */
	if (!foreign && nr == GV_HC_HELLO_INJECT_UD) {
		nr = GV_HC_HELLO_ECHO;
		r.rax = GV_HC_RAX(nr);
	}

	faulted = vmcall_catch(&r);
	fz.nr_calls++;
	if (foreign) {
		fz.nr_ud += faulted;
		if (!faulted) {
			fz.missing_ud++;
			note_bad(nr, (long)r.rax);
		}
		return;
	}
	if (faulted) {
		fz.bad_fault++;
		note_bad(nr, -1000);
		return;
	}
	if (!status_is_documented((long)r.rax)) {
		fz.bad_status++;
		note_bad(nr, (long)r.rax);
		return;
	}
	if ((long)r.rax == GV_HC_RETRY && nr == GV_HC_MEM_LEND)
		finish_continuation(&r, r.rdi, r.rsi);
	if (!r.rax)
		fz.nr_ok++;
	else if ((long)r.rax == GV_HC_RETRY)
		fz.nr_retry++;
	else
		fz.nr_err++;
}

static long fuzz_on_cpu(void *arg)
{
	unsigned long n = (unsigned long)arg;

	unsigned long none[6] = { };

	while (n--) {
		fuzz_one();
		if (!(n % 256))
			cond_resched();
	}
	/* Drop any shared page the fuzzing registered on this CPU. */
	return gv_vmcall6(GV_HC_SHARED_PAGE, none);
}

/* What must not change: the views, the canary, every CPU's answer. */
struct gv_snapshot {
	unsigned long ept[6], green[6];
	u64 canary_pa, canary_hash;
	long canary_query, buf_query_perm;
	unsigned long cpus_answering;
};

static long vmcall_io(u32 nr, unsigned long io[6])
{
	return gv_vmcall6(nr, io);
}

static struct cpumask answered;

static void answer_version(void *unused)
{
	unsigned long io[6] = { };

	if (!vmcall_io(GV_HC_VERSION, io) && io[0] == GV_ABI_VERSION &&
	    io[1] == smp_processor_id())
		cpumask_set_cpu(smp_processor_id(), &answered);
}

static void snapshot(struct gv_snapshot *s)
{
	unsigned long io[6] = { };
	unsigned int cpu;

	memset(s, 0, sizeof(*s));
	vmcall_io(GV_HC_EPT_STATS, s->ept);
	vmcall_io(GV_HC_GREEN_STATS, s->green);
	vmcall_io(GV_HC_SELFTEST_CANARY, io);
	s->canary_pa = io[0];
	s->canary_hash = io[1];
	memset(io, 0, sizeof(io));
	io[0] = s->canary_pa;
	s->canary_query = vmcall_io(GV_HC_EPT_QUERY, io);
	memset(io, 0, sizeof(io));
	io[0] = fz.buf_pa;
	s->buf_query_perm = vmcall_io(GV_HC_EPT_QUERY, io) ?: (long)io[2];
	cpumask_clear(&answered);
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, answer_version, NULL, 1);
	s->cpus_answering = cpumask_weight(&answered);
}

/*
 * Call @nr for every buffer page (arg0 = the page, arg1 = @arg1): how many
 * succeeded, or the first error other than -GV_ENOENT and @benign.
 */
static long call_each_buffer_page(u32 nr, u64 arg1, long benign)
{
	unsigned long io[6];
	long err, done = 0;
	u64 pa;

	for (pa = fz.buf_pa; pa < fz.buf_end; pa += PAGE_SIZE) {
		memset(io, 0, sizeof(io));
		io[0] = pa;
		io[1] = arg1;
		err = vmcall_io(nr, io);
		if (!err)
			done++;
		else if (err != -GV_ENOENT && err != benign)
			return err;
	}
	return done;
}

/* Drop hello's guard (mode 0) if the fuzzing left one; -EINVAL: no hello. */
static long unguard_buffer(void)
{
	return call_each_buffer_page(GV_HC_HELLO_GUARD, 0, -GV_EINVAL);
}

/* Give back whatever the fuzzing left lent: page by page. */
static long return_buffer(void)
{
	return call_each_buffer_page(GV_HC_MEM_RETURN, PAGE_SIZE, -GV_ENOENT);
}

static bool page_is(struct page *page, u64 val)
{
	u64 *p = page_address(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i] != val)
			return false;
	return true;
}

static void check_buffer(void)
{
	unsigned int i, torn = 0, zeroed = 0;
	bool guards;

	guards = page_is(fz.pages, PATTERN) &&
		 page_is(fz.pages + BUF_PAGES - 1, PATTERN);
	for (i = 1; i < BUF_PAGES - 1; i++) {
		if (page_is(fz.pages + i, 0))
			zeroed++;
		else if (!page_is(fz.pages + i, PATTERN))
			torn++;
	}
	result(guards, "guard_pages_untouched", "a page next to the lendable ones changed");
	result(!torn, "buffer_pages_whole", "a page is neither its pattern nor zeroed");
	pr_info("# fuzz: %u of %u buffer pages were lent and came back zeroed\n",
		zeroed, (unsigned int)(BUF_PAGES - GUARD_PAGES));
}

/*
 * The rich view's tables and leaves; the green view's pages, tables and
 * operation in progress (results 3-5 only echo the last operation's range).
 */
static bool same_views(const struct gv_snapshot *a, const struct gv_snapshot *b)
{
	return !memcmp(a->ept, b->ept, 4 * sizeof(a->ept[0])) &&
	       !memcmp(a->green, b->green, 3 * sizeof(a->green[0]));
}

static void compare(const struct gv_snapshot *a, const struct gv_snapshot *b)
{
	char why[160];

	snprintf(why, sizeof(why),
		 "rich %lu/%lu/%lu/%lu -> %lu/%lu/%lu/%lu, green %lu/%lu/%lu -> %lu/%lu/%lu",
		 a->ept[0], a->ept[1], a->ept[2], a->ept[3],
		 b->ept[0], b->ept[1], b->ept[2], b->ept[3],
		 a->green[0], a->green[1], a->green[2],
		 b->green[0], b->green[1], b->green[2]);
	result(same_views(a, b), "views_unchanged", why);
	result(a->canary_hash == b->canary_hash && a->canary_pa == b->canary_pa &&
	       b->canary_query == -GV_ENOENT,
	       "canary_unchanged_and_absent", "the canary page changed or became reachable");
	snprintf(why, sizeof(why), "buffer page query %ld -> %ld", a->buf_query_perm,
		 b->buf_query_perm);
	result(a->buf_query_perm == 7 && b->buf_query_perm == 7, "buffer_back_in_rich_view", why);
	snprintf(why, sizeof(why), "%lu of %u CPUs answer (before: %lu)", b->cpus_answering,
		 num_online_cpus(), a->cpus_answering);
	result(b->cpus_answering == num_online_cpus() &&
	       a->cpus_answering == b->cpus_answering, "every_cpu_still_virtualized", why);
}

static void report_calls(void)
{
	char why[96];

	snprintf(why, sizeof(why), "%lu undocumented statuses, first for call %#x: %ld",
		 fz.bad_status, fz.first_bad_nr, fz.first_bad);
	result(!fz.bad_status, "statuses_documented", why);
	snprintf(why, sizeof(why), "%lu faults of ours, %lu foreign calls without #UD (call %#x)",
		 fz.bad_fault, fz.missing_ud, fz.first_bad_nr);
	result(!fz.bad_fault && !fz.missing_ud && fz.nr_ud, "only_foreign_calls_fault", why);
	pr_info("# fuzz: %lu calls: %lu ok, %lu retry, %lu refused, %lu #UD (seed %lu)\n",
		fz.nr_calls, fz.nr_ok, fz.nr_retry, fz.nr_err, fz.nr_ud, seed);
}

static int note_ram_end(struct resource *res, void *arg)
{
	u64 *end = arg;

	*end = max_t(u64, *end, res->end + 1);
	return 0;
}

/* The end of the highest System RAM range (max_pfn is not exported). */
static u64 ram_end(void)
{
	u64 end = 0;

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
			    0, -1, &end, note_ram_end);
	return end;
}

static int setup_buffer(void)
{
	unsigned int i;

	fz.scratch = alloc_page(GFP_KERNEL);
	if (!fz.scratch)
		return -ENOMEM;
	fz.scratch_pa = page_to_phys(fz.scratch);
	fz.pages = alloc_pages(GFP_KERNEL, BUF_ORDER);
	if (!fz.pages) {
		__free_page(fz.scratch);
		return -ENOMEM;
	}
	for (i = 0; i < BUF_PAGES; i++)
		memset64(page_address(fz.pages + i), PATTERN, PAGE_SIZE / 8);
	fz.buf_pa = page_to_phys(fz.pages) + PAGE_SIZE;
	fz.buf_end = page_to_phys(fz.pages) + (BUF_PAGES - 1) * PAGE_SIZE;
	fz.ram_end = ram_end();
	if (fz.ram_end < fz.buf_end) {
		/* Without the end of RAM no range could be proven harmless. */
		__free_pages(fz.pages, BUF_ORDER);
		__free_page(fz.scratch);
		return -ENODEV;
	}
	return 0;
}

static int __init gv_fuzz_init(void)
{
	struct gv_snapshot before, after;
	unsigned int cpu, nr_cpus = num_online_cpus();
	long returned, unguarded;
	bool scratch_kept = false;
	int err;

	err = setup_buffer();
	if (err)
		return err;
	if (!seed)
		seed = get_random_u64() | 1;
	fz.rng = seed;
	fz.first_bad_nr = ~0u;
	pr_info("1..%u\n", NR_TESTS);
	pr_info("# fuzz: %u calls on %u CPUs, seed %lu\n", calls, nr_cpus, seed);

	cpus_read_lock();
	snapshot(&before);
	for_each_online_cpu(cpu)
		if (work_on_cpu(cpu, fuzz_on_cpu,
				(void *)(unsigned long)DIV_ROUND_UP(calls, nr_cpus)))
			scratch_kept = true;
	unguarded = unguard_buffer();
	returned = unguarded < 0 ? unguarded : return_buffer();
	snapshot(&after);
	cpus_read_unlock();

	report_calls();
	if (unguarded > 0)
		pr_info("# fuzz: hello's guard was left on %ld buffer page, released\n",
			unguarded);
	if (returned < 0)
		pr_info("# fuzz: releasing or returning the buffer failed: %ld\n", returned);
	compare(&before, &after);
	check_buffer();
	if (returned >= 0)
		__free_pages(fz.pages, BUF_ORDER);
	/* Still some CPU's shared page: leak it rather than free it. */
	if (scratch_kept)
		pr_info("# fuzz: dropping the shared page failed on a CPU\n");
	else
		__free_page(fz.scratch);
	pr_info("# fuzz: %u failure(s)\n", gv_tap()->failures);
	return 0;
}

static void __exit gv_fuzz_exit(void)
{
}

module_init(gv_fuzz_init);
module_exit(gv_fuzz_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("greenvisor ring-0 vmcall fuzzer (test module)");
