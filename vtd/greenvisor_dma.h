/* SPDX-License-Identifier: GPL-2.0 */
/*
 * greenvisor's DMA-protection kernel API (Linux side, EXPORT_SYMBOL_GPL),
 * for hypapps, the green partition and test modules. Implemented by
 * module/vtd_linux.c; see docs/vtd-hw.md.
 *
 * Every call returns 0 or a negative errno and changes nothing on bad
 * input: -EINVAL (not 4 KiB aligned, empty, wrapping), -EBUSY (overlaps a
 * protected or green range; device already assigned), -ENOENT (no such
 * range or assignment), -ENODEV (VT-d not taken over; unknown device),
 * -ENOSPC (out of slots). -ETIMEDOUT/-EIO: a unit did not confirm an
 * invalidation (the tables have changed; the range stays protected).
 */
#ifndef GREENVISOR_DMA_H
#define GREENVISOR_DMA_H

#include <linux/types.h>

/* Take [pa, pa + size) out of the rich DMA domain, and give it back. */
int greenvisor_dma_protect(u64 pa, u64 size);
int greenvisor_dma_unprotect(u64 pa, u64 size);

/*
 * Green memory: rich unmap + map in every green device domain, and the
 * reverse (the same entry points the EPT's lend and return use).
 */
int greenvisor_green_mem_add(u64 pa, u64 size);
int greenvisor_green_mem_remove(u64 pa, u64 size);

/* Move a PCI device to a domain of its own that maps only green memory. */
int greenvisor_dma_assign(u16 segment, u8 bus, u8 devfn);
int greenvisor_dma_release(u16 segment, u8 bus, u8 devfn);

/**
 * struct greenvisor_dma_fault - one DMA remapping fault.
 * @segment, @sid: the requester (sid = bus << 8 | devfn).
 * @reason:        VT-d fault reason (5: write blocked, 6: read blocked,
 *                 2: no context entry, ...).
 * @write:         1 for a write request, 0 for a read.
 * @addr:          the faulting page.
 */
struct greenvisor_dma_fault {
	u16 segment;
	u16 sid;
	u8 reason;
	u8 write;
	u64 addr;
};

/**
 * struct greenvisor_dma_counts - counters since the takeover.
 * @faults:      fault records read.
 * @overflows:   primary fault overflows (faults lost by the hardware).
 * @iotlb_invalidations: IOTLB invalidations issued (all units, all kinds).
 * @iotlb_skipped: invalidations skipped by the test knob.
 * @ctx_invalidations: context-cache invalidations issued.
 */
struct greenvisor_dma_counts {
	u64 faults;
	u64 overflows;
	u64 iotlb_invalidations;
	u64 iotlb_skipped;
	u64 ctx_invalidations;
};

/*
 * Poll the units for new faults, then fill *@c and up to @max of the most
 * recent faults (newest last) into @out; returns how many were written.
 */
int greenvisor_dma_faults(struct greenvisor_dma_counts *c,
			  struct greenvisor_dma_fault *out, int max);

#endif /* GREENVISOR_DMA_H */
