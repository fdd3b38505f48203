/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The root side's per-CPU event ring (uapi/linux/greenvisor.h
 * GV_HC_EVENT_READ). One producer: root code on the owning CPU, which
 * never waits; a full ring drops the new event and counts it. Consumers
 * (GV_HC_EVENT_READ from any CPU) take @lock, so two drainers never
 * take the same record. Pure logic, KUnit-tested (tests/kunit/event_test.c).
 */
#ifndef GV_HV_EVENT_H
#define GV_HV_EVENT_H

#include "hv_types.h"
#include "hv_lock.h"
#include "../uapi/linux/greenvisor.h"

/* One event: the six result registers of GV_HC_EVENT_READ. */
struct gv_event_rec {
	u64 w[6];	/* type | source << 16 | cpu << 32, TSC, data[0..3] */
};

struct gv_event_ring {
	u32 head;		/* next slot the producer fills */
	u32 tail;		/* next slot a consumer takes (under @lock) */
	u64 posted;		/* events offered, dropped ones included */
	u64 dropped;		/* the ring was full */
	struct gv_spinlock lock;
	struct gv_event_rec rec[GV_EVENT_RING_SIZE];
};

static inline u64 gv_event_word0(u32 type, u32 source, u32 cpu)
{
	return (u64)(type & 0xffff) | (u64)(source & 0xffff) << 16 | (u64)cpu << 32;
}

/* Producer side: false (and counted) when the ring is full. */
static inline bool gv_event_ring_put(struct gv_event_ring *r,
				     const struct gv_event_rec *e)
{
	u32 head = r->head;

	r->posted++;
	if (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= GV_EVENT_RING_SIZE) {
		r->dropped++;
		return false;
	}
	r->rec[head % GV_EVENT_RING_SIZE] = *e;
	/* The record is complete before a consumer can see the new head. */
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

/* Consumer side, @lock held: false when the ring is empty. */
static inline bool gv_event_ring_take(struct gv_event_ring *r,
				      struct gv_event_rec *out)
{
	u32 tail = r->tail;

	if (tail == __atomic_load_n(&r->head, __ATOMIC_ACQUIRE))
		return false;
	*out = r->rec[tail % GV_EVENT_RING_SIZE];
	/* The slot is read before the producer may reuse it. */
	__atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
	return true;
}

#endif /* GV_HV_EVENT_H */
