// SPDX-License-Identifier: GPL-2.0
/*
 * Events out of the root side: each CPU posts into its own ring in the
 * pool (hv_event.h); the Linux side drains the rings with
 * GV_HC_EVENT_READ and sends them on (netlink, tracepoint). The root side
 * never calls Linux and never waits for it: a full ring drops and counts.
 */
#include <linux/export.h>
#include "hv_root.h"
#include "hv_event.h"
#include "../include/greenvisor/hypapp.h"

static u64 rdtsc_now(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

void gv_event_post(struct gv_cpu *c, u32 type, u32 source, u64 d0, u64 d1,
		   u64 d2, u64 d3)
{
	struct gv_event_rec e = { .w = {
		gv_event_word0(type, source, c->cpu), rdtsc_now(), d0, d1, d2, d3,
	} };

	gv_event_ring_put(&c->events, &e);
}

/* Root service for hypapps: an event with their id as the source. */
int gv_hypapp_event_post(struct gv_cpu *c, u32 id, u64 code, u64 a, u64 b,
			 u64 d)
{
	if (!id || id > GV_HYPAPP_MAX)
		return -GV_EINVAL;
	gv_event_post(c, GV_EVENT_HYPAPP, id, code, a, b, d);
	return GV_OK;
}
EXPORT_SYMBOL_GPL(gv_hypapp_event_post);

/* GV_HC_EVENT_READ: one record of a CPU's ring, or its counters. */
long gv_hc_event_read(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_cpu *target = gv_cpu_by_index(c->hv, regs->rdi);
	struct gv_event_ring *r;
	struct gv_event_rec e;
	bool got;

	if (!target || regs->rsi > 1)
		return -GV_EINVAL;
	r = &target->events;
	if (regs->rsi) {
		regs->rdi = READ_ONCE(r->posted);
		regs->rsi = READ_ONCE(r->dropped);
		return GV_OK;
	}
	gv_spin_lock(&r->lock);
	got = gv_event_ring_take(r, &e);
	gv_spin_unlock(&r->lock);
	if (!got)
		return 0;
	regs->rdi = e.w[0];
	regs->rsi = e.w[1];
	regs->rdx = e.w[2];
	regs->r10 = e.w[3];
	regs->r8 = e.w[4];
	regs->r9 = e.w[5];
	return 1;
}
