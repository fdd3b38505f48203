/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d takeover and domains. Root-side code built on the unit driver
 * (vtd_unit.h) and the second-level tables (vtd_pt.h):
 *
 *  - the rich domain: an identity map of the "base" ranges (RAM and RMRRs)
 *    minus the protected ranges and the green memory, shared by every
 *    device of every unit that is not assigned to the green partition;
 *  - green domains: one per assigned device, an identity map of the green
 *    memory only (iova == physical address);
 *  - protect/unprotect: take a physical range out of the rich domain and
 *    give it back;
 *  - green memory add/remove: "rich unmap + green map" and "green unmap +
 *    rich map", the entry points of the EPT's lend and return;
 *  - faults: read from every unit, counted, kept in a small ring.
 *
 * Every removal is invalidated on the units before the call returns; with
 * caching mode (CAP.CM) additions are too. Bad input changes nothing.
 * Locking is the caller's (one caller at a time). The struct is large
 * (about 50 KiB): allocate it, or put it in the pool. See docs/vtd-hw.md.
 */
#ifndef GV_VTD_H
#define GV_VTD_H

#include "vtd_unit.h"
#include "vtd_pt.h"
#include "vtd_domid.h"

#define GV_VTD_MAX_UNITS	8
#define GV_VTD_MAX_BASE		64	/* RAM ranges + RMRRs */
#define GV_VTD_MAX_PROT		256
#define GV_VTD_MAX_GREEN	128
#define GV_VTD_MAX_GDEV		16
#define GV_VTD_FAULT_RING	32
#define GV_VTD_NR_REASONS	256

/**
 * struct gv_vtd_domain - one second-level table set and its domain id.
 */
struct gv_vtd_domain {
	bool live;
	u16 did;
	struct gv_vtd_pt pt;
};

/**
 * struct gv_vtd_gdev - a device assigned to the green partition.
 */
struct gv_vtd_gdev {
	bool used;
	u16 segment;
	u8 bus, devfn;
	u32 unit;
	struct gv_vtd_domain dom;
};

/**
 * struct gv_vtd_counters - what the control plane shows.
 */
struct gv_vtd_counters {
	u64 faults;		/* fault records read */
	u64 overflows;		/* primary fault overflows */
	u64 reasons[GV_VTD_NR_REASONS];
	u64 protects, unprotects, green_adds, green_removes;
	u64 assigns, releases;
	u64 inval_errors;
};

struct gv_vtd {
	const struct gv_vtd_ops *ops;
	struct gv_vtd_pt_ops pt_ops;
	u32 nr_units;
	struct gv_vtd_unit unit[GV_VTD_MAX_UNITS];
	unsigned int levels, pt_flags;
	bool on;
	struct gv_vtd_domid ids;
	struct gv_vtd_domain rich;
	u32 nr_base, nr_prot, nr_green;
	struct gv_vtd_range base[GV_VTD_MAX_BASE];
	struct gv_vtd_range prot[GV_VTD_MAX_PROT];
	struct gv_vtd_range green[GV_VTD_MAX_GREEN];
	struct gv_vtd_gdev gdev[GV_VTD_MAX_GDEV];
	struct gv_vtd_counters cnt;
	u32 fault_next;			/* ring slot of the next fault */
	struct gv_vtd_fault fault_ring[GV_VTD_FAULT_RING];
};

void gv_vtd_init(struct gv_vtd *v, const struct gv_vtd_ops *ops);
int gv_vtd_add_unit(struct gv_vtd *v, void *regs, u64 reg_base, u16 segment,
		    u64 max_pa, enum gv_vtd_inval inval);
int gv_vtd_add_base(struct gv_vtd *v, u64 start, u64 size);
int gv_vtd_build(struct gv_vtd *v);
int gv_vtd_attach(struct gv_vtd *v, u32 unit, u8 bus, u8 devfn);
int gv_vtd_enable(struct gv_vtd *v);
void gv_vtd_teardown(struct gv_vtd *v);

int gv_vtd_protect(struct gv_vtd *v, u64 pa, u64 size);
int gv_vtd_unprotect(struct gv_vtd *v, u64 pa, u64 size);
int gv_vtd_green_add(struct gv_vtd *v, u64 pa, u64 size);
int gv_vtd_green_remove(struct gv_vtd *v, u64 pa, u64 size);
int gv_vtd_assign(struct gv_vtd *v, u32 unit, u16 segment, u8 bus, u8 devfn);
int gv_vtd_release(struct gv_vtd *v, u16 segment, u8 bus, u8 devfn);
int gv_vtd_poll_faults(struct gv_vtd *v, gv_vtd_fault_fn fn, void *ctx);
void gv_vtd_set_skip_iotlb(struct gv_vtd *v, bool skip);

#endif /* GV_VTD_H */
