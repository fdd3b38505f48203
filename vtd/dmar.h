/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI DMAR table parser (Intel VT-d specification, chapter 8 "BIOS
 * Considerations"). Pure logic: the caller hands in a copy (or mapping) of
 * the table and a struct gv_dmar_info to fill; nothing is allocated and the
 * table is never read beyond the length given. Root-side and freestanding,
 * also linked into the KUnit suite gv_vtd_dmar. See docs/vtd.md.
 *
 * Only the structures greenvisor needs are recorded (DRHD, RMRR, ATSR);
 * RHSA, ANDD, SATC and SIDP are checked for their minimum length and
 * counted; reserved (future) types are skipped and counted, as the
 * specification asks of software (8.2).
 */
#ifndef GV_VTD_DMAR_H
#define GV_VTD_DMAR_H

#include "../hvcore/hv_types.h"

/* Capacities of struct gv_dmar_info: a table needing more is -GV_ENOSPC. */
#define GV_DMAR_MAX_DRHD	32
#define GV_DMAR_MAX_RMRR	16
#define GV_DMAR_MAX_ATSR	8
#define GV_DMAR_MAX_SCOPES	32	/* device scopes per structure */
#define GV_DMAR_MAX_PATH	4	/* (device, function) pairs per scope */

/* DMAR header flags (8.1). */
#define GV_DMAR_F_INTR_REMAP		BIT(0)
#define GV_DMAR_F_X2APIC_OPT_OUT	BIT(1)
#define GV_DMAR_F_DMA_CTRL_OPT_IN	BIT(2)

/* Remapping structure types (8.2). */
#define GV_DMAR_TYPE_DRHD	0
#define GV_DMAR_TYPE_RMRR	1
#define GV_DMAR_TYPE_ATSR	2
#define GV_DMAR_TYPE_RHSA	3
#define GV_DMAR_TYPE_ANDD	4
#define GV_DMAR_TYPE_SATC	5
#define GV_DMAR_TYPE_SIDP	6

/* Device scope types (8.3.1). */
#define GV_DMAR_SCOPE_ENDPOINT	1	/* PCI endpoint device */
#define GV_DMAR_SCOPE_BRIDGE	2	/* PCI sub-hierarchy (bridge) */
#define GV_DMAR_SCOPE_IOAPIC	3
#define GV_DMAR_SCOPE_HPET	4	/* MSI-capable HPET */
#define GV_DMAR_SCOPE_ACPI	5	/* ACPI namespace device */

/* DRHD flags (8.3). */
#define GV_DRHD_F_INCLUDE_PCI_ALL	BIT(0)
/* ATSR flags (8.5). */
#define GV_ATSR_F_ALL_PORTS		BIT(0)

/**
 * struct gv_dmar_scope - one device scope entry (8.3.1).
 * @type:      GV_DMAR_SCOPE_*.
 * @enum_id:   I/O APIC id, HPET number or ACPI device number (types 3-5).
 * @start_bus: bus number of the first (device, function) of @path.
 * @path_len:  entries in @path, >= 1.
 * @path:      the hierarchical path from @start_bus to the device: path[0]
 *             is on @start_bus, each further entry is below the bridge
 *             named by the one before.
 */
struct gv_dmar_scope {
	u8 type;
	u8 enum_id;
	u8 start_bus;
	u8 path_len;
	struct {
		u8 dev;
		u8 fn;
	} path[GV_DMAR_MAX_PATH];
};

/**
 * struct gv_dmar_drhd - one DMA remapping hardware unit definition (8.3).
 * @reg_base:        physical address of the unit's registers, 4 KiB
 *                   aligned, not 0.
 * @reg_size:        size of the register set: 4 KiB << Size[3:0] (a table
 *                   older than the field has 0 there, i.e. 4 KiB).
 * @segment:         PCI segment.
 * @flags:           raw flags byte (GV_DRHD_F_*).
 * @include_pci_all: INCLUDE_PCI_ALL: every PCI device of @segment that no
 *                   other DRHD of the segment lists.
 * @nr_scopes:       entries in @scopes.
 * @scopes:          the device scopes.
 */
struct gv_dmar_drhd {
	u64 reg_base;
	u32 reg_size;
	u16 segment;
	u8 flags;
	bool include_pci_all;
	u32 nr_scopes;
	struct gv_dmar_scope scopes[GV_DMAR_MAX_SCOPES];
};

/**
 * struct gv_dmar_rmrr - one reserved memory region reporting structure
 * (8.4): memory the listed devices may DMA to at any time (USB legacy
 * emulation, GPU stolen memory), to be identity-mapped for them.
 * @segment: PCI segment of the devices.
 * @base:    first byte, 4 KiB aligned.
 * @limit:   LAST byte, inclusive, as in the table (@limit + 1 is 4 KiB
 *           aligned): the region is [@base, @limit], its size
 *           @limit - @base + 1.
 */
struct gv_dmar_rmrr {
	u16 segment;
	u64 base;
	u64 limit;
	u32 nr_scopes;
	struct gv_dmar_scope scopes[GV_DMAR_MAX_SCOPES];
};

/**
 * struct gv_dmar_atsr - one root port ATS capability reporting structure
 * (8.5).
 * @flags:   raw flags (GV_ATSR_F_ALL_PORTS).
 * @segment: PCI segment.
 */
struct gv_dmar_atsr {
	u8 flags;
	u16 segment;
	u32 nr_scopes;
	struct gv_dmar_scope scopes[GV_DMAR_MAX_SCOPES];
};

/**
 * struct gv_dmar_info - what gv_dmar_parse() found. About 30 KiB: allocate
 * it, do not put it on a stack.
 * @haw:          host address width in bits (the table's field + 1).
 * @flags:        GV_DMAR_F_*.
 * @nr_drhd:      entries in @drhd, in table order.
 * @nr_rmrr:      entries in @rmrr.
 * @nr_atsr:      entries in @atsr.
 * @nr_ignored:   RHSA, ANDD, SATC and SIDP structures (checked, not kept).
 * @nr_unknown:   structures of a reserved type (skipped, 8.2).
 * @nr_deep_scopes: PCI scopes in DRHDs that only the _path lookups resolve:
 *                bridge scopes and endpoint scopes whose path has more
 *                than one entry. With 0 here gv_dmar_find_drhd() is exact.
 */
struct gv_dmar_info {
	u8 haw;
	u8 flags;
	u32 nr_drhd;
	struct gv_dmar_drhd drhd[GV_DMAR_MAX_DRHD];
	u32 nr_rmrr;
	struct gv_dmar_rmrr rmrr[GV_DMAR_MAX_RMRR];
	u32 nr_atsr;
	struct gv_dmar_atsr atsr[GV_DMAR_MAX_ATSR];
	u32 nr_ignored;
	u32 nr_unknown;
	u32 nr_deep_scopes;
};

/* Sizes fixed by the specification. */
#define GV_DMAR_HDR_LEN		48	/* ACPI header (36) + HAW, flags, rsvd */
#define GV_DMAR_DRHD_LEN	16	/* without device scopes */
#define GV_DMAR_RMRR_LEN	24
#define GV_DMAR_ATSR_LEN	8
#define GV_DMAR_RHSA_LEN	20
#define GV_DMAR_ANDD_LEN	8	/* plus a NUL-terminated object name */
#define GV_DMAR_SATC_LEN	8
#define GV_DMAR_SIDP_LEN	8
#define GV_DMAR_SCOPE_LEN	6	/* without the path */

/**
 * gv_dmar_parse - check and decode a DMAR table.
 * @table: the table, from its ACPI header on.
 * @len:   bytes readable at @table; the header's length field must not
 *         exceed it (nothing beyond the length field is read either).
 * @out:   filled in (zeroed first; on error its content is unspecified).
 * @why:   may be NULL; receives a static string saying what was wrong, or
 *         "ok". Never NULL after the call.
 *
 * Checks: signature "DMAR", length field within [48, @len], checksum over
 * the length field's bytes, host address width 12..64; every remapping
 * structure's length at least its type's minimum and within the table
 * (a zero length is an error, never a loop); every device scope's length
 * (6 + 2 * path entries, at least one entry) within its structure, device
 * numbers < 32 and functions < 8; DRHD register base 4 KiB aligned and not
 * 0; at most one INCLUDE_PCI_ALL DRHD per segment; RMRR base 4 KiB aligned,
 * limit + 1 4 KiB aligned, base <= limit; the same PCI device (or a device
 * below a bridge scope, by path prefix) not listed by two DRHDs nor twice
 * by one; the same I/O APIC or HPET not listed twice. See docs/vtd.md.
 *
 * Return: 0; -GV_EINVAL for a malformed table; -GV_ENOSPC when the table
 * has more structures, scopes or path entries than the capacities above.
 */
int gv_dmar_parse(const void *table, u64 len, struct gv_dmar_info *out,
		  const char **why);

/**
 * gv_dmar_scope_is_dev - does @s name the PCI device @bus:@devfn directly,
 * i.e. is it an endpoint or bridge scope with a one-entry path at @bus?
 * (@devfn = device << 3 | function, as in a PCI requester id.)
 */
bool gv_dmar_scope_is_dev(const struct gv_dmar_scope *s, u8 bus, u8 devfn);

/**
 * struct gv_pci_path - where a PCI device sits: the bridges above it and
 * itself, top down.
 * @len: hops, 1..GV_DMAR_MAX_PATH; hop[len - 1] is the device.
 * @hop: each bridge (hop[0] on the root bus) and the device: the bus it
 *       is on and its device << 3 | function. The bridges' secondary bus
 *       numbers are implied: hop[i + 1].bus is hop[i]'s secondary bus.
 */
struct gv_pci_path {
	u32 len;
	struct {
		u8 bus;
		u8 devfn;
	} hop[GV_DMAR_MAX_PATH];
};

/**
 * gv_dmar_scope_covers - does the PCI scope @s cover the device at @p?
 *
 * The scope's path (8.3.1.1: from its start bus down, one (device,
 * function) per bridge crossed) must run down @p from a hop on the start
 * bus. An endpoint scope covers only the device the path ends at; a bridge
 * scope covers that bridge and every device below it. A one-entry path at
 * the device's own bus names the device itself, whatever @p says above it.
 */
bool gv_dmar_scope_covers(const struct gv_dmar_scope *s,
			  const struct gv_pci_path *p);

/**
 * gv_dmar_find_drhd_path - the DRHD that translates DMA of a PCI device.
 * @info:    a parsed table.
 * @segment: PCI segment.
 * @p:       the device and the bridges above it.
 *
 * First a DRHD of @segment with a scope covering @p (endpoint, or a bridge
 * above it), else the INCLUDE_PCI_ALL DRHD of @segment.
 *
 * Return: the index in @info->drhd; -GV_ENOENT when no unit covers the
 * device; -GV_EINVAL for a NULL @info or @p.
 */
int gv_dmar_find_drhd_path(const struct gv_dmar_info *info, u16 segment,
			   const struct gv_pci_path *p);

/**
 * gv_dmar_find_drhd - gv_dmar_find_drhd_path() for a device whose bridges
 * the caller does not know: only scopes that name @bus:@devfn itself (a
 * one-entry path at @bus) or the INCLUDE_PCI_ALL unit match.
 */
int gv_dmar_find_drhd(const struct gv_dmar_info *info, u16 segment, u8 bus,
		      u8 devfn);

/**
 * gv_dmar_next_rmrr_path - the next RMRR, from index @from on, with a
 * scope covering the device at @p (same rule as gv_dmar_find_drhd_path()).
 *
 * Return: the index in @info->rmrr; -GV_ENOENT when there is none;
 * -GV_EINVAL for a NULL @info or @p.
 */
int gv_dmar_next_rmrr_path(const struct gv_dmar_info *info, u32 from,
			   u16 segment, const struct gv_pci_path *p);

/** gv_dmar_next_rmrr - gv_dmar_next_rmrr_path() for @bus:@devfn alone. */
int gv_dmar_next_rmrr(const struct gv_dmar_info *info, u32 from, u16 segment,
		      u8 bus, u8 devfn);

#endif /* GV_VTD_DMAR_H */
