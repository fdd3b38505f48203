// SPDX-License-Identifier: GPL-2.0
/*
 * The green partition's memory (root side): lend and return vmcalls over
 * ept/ept_lend.c, the scrubber, and the statistics vmcalls of the green
 * view and of the cross-CPU machinery. uapi/linux/greenvisor.h documents
 * the calls.
 */
#include "hv_root.h"
#include "hv_vmx.h"

/* Pages moved per call before GV_HC_RETRY: bounds the time in root mode. */
#define GV_MEM_BUDGET		512

#define PTE_P			BIT_ULL(0)
#define PTE_RW			BIT_ULL(1)
#define PTE_A			BIT_ULL(5)
#define PTE_D			BIT_ULL(6)
#define PTE_NX			BIT_ULL(63)

/*
 * The calling CPU's map window: one host PTE the root side points at any
 * physical page it must touch (the host page tables map only the pool and
 * root text otherwise).
 */
void *gv_window_map(struct gv_cpu *c, u64 pa)
{
	u64 va = c->hv->window_base + (u64)c->cpu * GV_PAGE_SIZE;

	WRITE_ONCE(c->hv->window_ptes[c->cpu],
		   pa | PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX);
	asm volatile("invlpg (%0)" :: "r"(va) : "memory");
	return (void *)va;
}

void gv_window_unmap(struct gv_cpu *c)
{
	u64 va = c->hv->window_base + (u64)c->cpu * GV_PAGE_SIZE;

	WRITE_ONCE(c->hv->window_ptes[c->cpu], 0);
	asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static void scrub_page(void *arg, u64 pa)
{
	struct gv_cpu *c = arg;

	gv_memset(gv_window_map(c, pa), 0, GV_PAGE_SIZE);
	gv_window_unmap(c);
}

/* Called with ept_lock held: drop it for the shootdown, then take it back. */
static void flush_green(void *arg)
{
	struct gv_cpu *c = arg;

	gv_spin_unlock(&c->hv->ept_lock);
	gv_ept_shootdown(c);
	gv_spin_lock(&c->hv->ept_lock);
}

static long mem_op(struct gv_cpu *c, struct gv_regs *regs, u32 dir)
{
	struct gv_hv *hv = c->hv;
	struct gv_lend_ctx x = {
		.rich = &hv->rich,
		.green = &hv->green,
		.ram = &hv->ram,
		.op = &hv->mem_op,
		.flush_green = flush_green,
		.scrub = scrub_page,
		.arg = c,
	};
	u64 before = gv_green_pages(hv), done = 0;
	long ret;

	if (!hv->green_eptp)
		return -GV_ENOSYS;
	gv_ept_update_begin(c);
	gv_spin_lock(&hv->ept_lock);
	if (dir == GV_MEM_LEND && regs->rdi + regs->rsi > regs->rdi &&
	    gv_shared_page_in_range(hv, regs->rdi, regs->rdi + regs->rsi))
		ret = -GV_EBUSY;	/* a CPU's shared page stays rich */
	else
		ret = gv_mem_op_run(&x, dir, regs->rdi, regs->rsi, GV_MEM_BUDGET, &done);
	gv_spin_unlock(&hv->ept_lock);
	/* A lend removed the pages from the rich view: shootdown. */
	gv_ept_update_end(c);
	if (gv_green_pages(hv) != before || (ret < 0 && gv_log_sampled(&c->refusals)))
		gv_log("cpu%u: %s %llx+%llx: %ld, %llu bytes done, %llu pages lent (refusals %llu)",
		       c->cpu, dir == GV_MEM_LEND ? "lend" : "return",
		       regs->rdi, regs->rsi, ret, done, gv_green_pages(hv), c->refusals);
	regs->rsi = done;
	return ret;
}

/* GV_HC_MEM_LEND: move [arg0, arg0 + arg1) from the rich to the green view. */
long gv_hc_mem_lend(struct gv_cpu *c, struct gv_regs *regs)
{
	return mem_op(c, regs, GV_MEM_LEND);
}

/* GV_HC_MEM_RETURN: scrub [arg0, arg0 + arg1) and give it back. */
long gv_hc_mem_return(struct gv_cpu *c, struct gv_regs *regs)
{
	return mem_op(c, regs, GV_MEM_RETURN);
}

/* GV_HC_GREEN_STATS: pages lent, the green view's tables, the operation. */
long gv_hc_green_stats(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_hv *hv = c->hv;
	struct gv_ept_stats st;

	gv_spin_lock(&hv->ept_lock);
	gv_ept_get_stats(&hv->green, &st);
	regs->rdi = gv_green_pages(hv);
	regs->rsi = st.tables;
	regs->rdx = hv->mem_op.dir;
	regs->r10 = hv->mem_op.start;
	regs->r8 = hv->mem_op.next;
	regs->r9 = hv->mem_op.end;
	gv_spin_unlock(&hv->ept_lock);
	return GV_OK;
}
