// SPDX-License-Identifier: GPL-2.0
/*
 * Events from greenvisor to user space (docs/netlink.md "Events").
 *
 * The root side posts into per-CPU rings in the pool and never calls
 * Linux; this file drains them through GV_HC_EVENT_READ (the only way in)
 * and delivers every event twice: on the genl multicast group "events"
 * (hvctl events) and as the tracepoint greenvisor:gv_event. Events of the
 * Linux side itself (launch, teardown, DMA faults) go the same way through
 * gv_event_emit(). The rings are drained every 100 ms while someone
 * listens, every second otherwise, and before a CPU leaves VMX operation.
 */
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/msr.h>

#include "gv_linux.h"

#define CREATE_TRACE_POINTS
#include "gv_trace.h"

#define GV_EVENT_POLL_LISTENED	(HZ / 10)
#define GV_EVENT_POLL_IDLE	(HZ)
#define GV_EVENT_BATCH		16	/* records taken per preempt-off stretch */

static DEFINE_MUTEX(gv_event_lock);
static struct gv_event_out gv_event_batch[GV_EVENT_BATCH];
static u64 gv_events_delivered;
static bool gv_events_running;

static void gv_event_deliver(const struct gv_event_out *e)
{
	trace_gv_event(e->type, e->source, e->cpu, e->tsc, e->data);
	gv_genl_event_notify(e);
	gv_events_delivered++;
}

static void gv_event_decode(const u64 w[6], struct gv_event_out *e)
{
	e->type = w[0] & 0xffff;
	e->source = (w[0] >> 16) & 0xffff;
	e->cpu = w[0] >> 32;
	e->tsc = w[1];
	memcpy(e->data, &w[2], sizeof(e->data));
}

/*
 * Take up to a batch of records from @cpu's ring, on this (virtualized)
 * CPU with preemption off; 0 when there was nothing or we cannot ask.
 */
static unsigned int gv_event_take(unsigned int cpu)
{
	unsigned int n = 0;
	u64 w[6];

	preempt_disable();
	if (gv_cpu_is_virtualized(smp_processor_id())) {
		while (n < GV_EVENT_BATCH && gv_hc_event_next(cpu, w) == 1)
			gv_event_decode(w, &gv_event_batch[n++]);
	}
	preempt_enable();
	return n;
}

/* Deliver everything the root side has posted so far. */
void gv_events_drain(void)
{
	unsigned int cpu, n, i;

	mutex_lock(&gv_event_lock);
	for_each_possible_cpu(cpu) {
		do {
			n = gv_event_take(cpu);
			for (i = 0; i < n; i++)
				gv_event_deliver(&gv_event_batch[i]);
		} while (n == GV_EVENT_BATCH);
	}
	mutex_unlock(&gv_event_lock);
}

/* An event of the Linux side: stamped here and delivered at once. */
void gv_event_emit(u32 type, u32 source, const u64 data[4])
{
	struct gv_event_out e = {
		.type = type,
		.source = source,
		.cpu = raw_smp_processor_id(),
		.tsc = rdtsc_ordered(),
	};

	memcpy(e.data, data, sizeof(e.data));
	mutex_lock(&gv_event_lock);
	gv_event_deliver(&e);
	mutex_unlock(&gv_event_lock);
}

/* Counters for GV_CMD_GET_EVENT_STATS: root side summed over the CPUs. */
void gv_events_stats(u64 *posted, u64 *dropped, u64 *delivered)
{
	unsigned int cpu;
	u64 p, d;

	*posted = 0;
	*dropped = 0;
	preempt_disable();
	if (gv_cpu_is_virtualized(smp_processor_id())) {
		for_each_possible_cpu(cpu) {
			if (!gv_hc_event_counts(cpu, &p, &d)) {
				*posted += p;
				*dropped += d;
			}
		}
	}
	preempt_enable();
	mutex_lock(&gv_event_lock);
	*delivered = gv_events_delivered;
	mutex_unlock(&gv_event_lock);
}

static void gv_event_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(gv_event_work, gv_event_work_fn);

static void gv_event_work_fn(struct work_struct *work)
{
	gv_events_drain();
	if (READ_ONCE(gv_events_running))
		schedule_delayed_work(&gv_event_work,
				      gv_genl_event_listened() || trace_gv_event_enabled() ?
				      GV_EVENT_POLL_LISTENED : GV_EVENT_POLL_IDLE);
}

/* Start polling and announce the launch (after the genl family exists). */
void gv_events_start(unsigned int nr_cpus)
{
	u64 data[4] = { nr_cpus };

	WRITE_ONCE(gv_events_running, true);
	gv_event_emit(GV_EVENT_LAUNCH, 0, data);
	schedule_delayed_work(&gv_event_work, GV_EVENT_POLL_LISTENED);
}

/* Announce the teardown, stop polling, deliver what is left. */
void gv_events_stop(unsigned int nr_cpus)
{
	u64 data[4] = { nr_cpus };

	WRITE_ONCE(gv_events_running, false);
	cancel_delayed_work_sync(&gv_event_work);
	gv_events_drain();
	gv_event_emit(GV_EVENT_TEARDOWN, 0, data);
}
