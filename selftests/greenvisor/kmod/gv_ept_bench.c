// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor EPT benchmark (a module for `make bench`; figures, not
 * pass/fail). With greenvisor loaded it prints, as "GVB:" lines in the
 * kernel log, in TSC ticks of the CPU it runs on:
 *   - GV_HC_VERSION (the empty call) and GV_HC_HELLO_ECHO, the same round
 *     trip dispatched to the hello hypapp (greenvisor-hello must be
 *     loaded, else an error line), min and median;
 *   - GV_HC_EPT_SYNC: a shootdown of every view on every CPU (NMI to each
 *     other CPU, its exit and INVEPT, the wait), min and median;
 *   - GV_HC_QUIESCE_PING: parking every other CPU in root mode and
 *     releasing it, min and median;
 *   - lending and returning 16 MiB (four 4 MiB blocks): vmcalls, pages
 *     per vmcall and ticks per page (return includes the scrub).
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <asm/msr.h>
#include "../../../include/greenvisor/vmcall.h"

#define REPEATS		200
#define BLOCK_ORDER	10
#define NR_BLOCKS	4

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void time_call(u32 nr, const char *name)
{
	u64 *t = kcalloc(REPEATS, sizeof(*t), GFP_KERNEL);
	unsigned long io[6];
	unsigned int i, cpu;
	long err = 0;

	if (!t)
		return;
	cpu = get_cpu();
	for (i = 0; i < REPEATS && !err; i++) {
		u64 t0 = rdtsc_ordered();

		memset(io, 0, sizeof(io));
		err = gv_vmcall6(nr, io);
		t[i] = rdtsc_ordered() - t0;
	}
	put_cpu();
	if (err) {
		pr_info("GVB: error %s: %ld\n", name, err);
	} else {
		sort(t, REPEATS, sizeof(*t), cmp_u64, NULL);
		pr_info("GVB: phase=ept cpu=%u test=%s n=%d min=%llu median=%llu net=- others=%lu\n",
			cpu, name, REPEATS, t[0], t[REPEATS / 2], io[0]);
	}
	kfree(t);
}

/* Lend (or return) every block; totals of vmcalls and ticks. */
static long move_blocks(u32 nr, struct page **blocks, u64 *calls, u64 *ticks)
{
	unsigned int b;

	for (b = 0; b < NR_BLOCKS; b++) {
		long ret;

		do {
			unsigned long io[6] = {
				page_to_phys(blocks[b]), PAGE_SIZE << BLOCK_ORDER,
			};
			u64 t0 = rdtsc_ordered();

			ret = gv_vmcall6(nr, io);
			*ticks += rdtsc_ordered() - t0;
			(*calls)++;
		} while (ret == GV_HC_RETRY);
		if (ret)
			return ret;
	}
	return 0;
}

static void bench_lend(void)
{
	struct page *blocks[NR_BLOCKS] = { };
	u64 pages = NR_BLOCKS << BLOCK_ORDER, calls, ticks;
	unsigned int b;
	long err;

	for (b = 0; b < NR_BLOCKS; b++) {
		blocks[b] = alloc_pages(GFP_KERNEL, BLOCK_ORDER);
		if (!blocks[b]) {
			pr_info("GVB: error lend: no 4 MiB block\n");
			goto out;
		}
	}
	calls = 0;
	ticks = 0;
	err = move_blocks(GV_HC_MEM_LEND, blocks, &calls, &ticks);
	pr_info("GVB: phase=lend pages=%llu calls=%llu pages_per_call=%llu ticks=%llu ticks_per_page=%llu err=%ld\n",
		pages, calls, pages / calls, ticks, ticks / pages, err);
	calls = 0;
	ticks = 0;
	err = move_blocks(GV_HC_MEM_RETURN, blocks, &calls, &ticks);
	pr_info("GVB: phase=return pages=%llu calls=%llu pages_per_call=%llu ticks=%llu ticks_per_page=%llu err=%ld\n",
		pages, calls, pages / calls, ticks, ticks / pages, err);
	if (err) {
		pr_info("GVB: error return failed; leaking the blocks\n");
		return;
	}
out:
	for (b = 0; b < NR_BLOCKS; b++) {
		if (blocks[b])
			__free_pages(blocks[b], BLOCK_ORDER);
	}
}

static int __init gv_ept_bench_init(void)
{
	u32 a, b, c, d;

	cpuid(GV_CPUID_LEAF_SIGNATURE, &a, &b, &c, &d);
	if (b != GV_CPUID_SIG_EBX) {
		pr_info("GVB: error greenvisor not loaded: no EPT figures\n");
		return 0;
	}
	time_call(GV_HC_VERSION, "vmcall_version");
	/* The same round trip through a hypapp (greenvisor-hello loaded). */
	time_call(GV_HC_HELLO_ECHO, "hello_echo");
	time_call(GV_HC_EPT_SYNC, "ept_sync");
	time_call(GV_HC_QUIESCE_PING, "quiesce");
	bench_lend();
	return 0;
}

static void __exit gv_ept_bench_exit(void)
{
}

module_init(gv_ept_bench_init);
module_exit(gv_ept_bench_exit);
MODULE_DESCRIPTION("greenvisor EPT shootdown, quiesce and lend/return benchmark");
MODULE_LICENSE("GPL");
