/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d DMA remapping unit driver (Intel VT-d specification 3.x, chapter 10
 * registers, 6.5 invalidation, 7 fault recording). Root-side code: it calls
 * nothing of Linux and reaches MMIO and memory only through struct
 * gv_vtd_ops, so the same code runs from the Linux side before launch (and
 * in the QEMU test mode) and in VMX root mode later. See docs/vtd-hw.md.
 *
 * One struct gv_vtd_unit per DRHD. The unit owns its root table, its
 * context tables (legacy mode, translation type 00: second-level tables),
 * its invalidation queue and a page for wait-descriptor status writes; the
 * second-level tables belong to the domains (vtd.c) and are only pointed to.
 *
 * Locking is the caller's: one caller at a time per unit.
 */
#ifndef GV_VTD_UNIT_H
#define GV_VTD_UNIT_H

#include "../hvcore/hv_types.h"
#include "../uapi/linux/greenvisor.h"

#ifndef GV_ENOMEM
#define GV_ENOMEM		12
#endif
#ifndef GV_EEXIST
#define GV_EEXIST		17
#endif
#ifndef GV_ENODEV
#define GV_ENODEV		19
#endif
#ifndef GV_EIO
#define GV_EIO			5
#endif
#ifndef GV_EOPNOTSUPP
#define GV_EOPNOTSUPP		95
#endif
#ifndef GV_ETIMEDOUT
#define GV_ETIMEDOUT		110
#endif

/* Register offsets (VT-d 3.x, 10.4). */
#define GV_VTD_VER		0x00
#define GV_VTD_CAP		0x08
#define GV_VTD_ECAP		0x10
#define GV_VTD_GCMD		0x18
#define GV_VTD_GSTS		0x1c
#define GV_VTD_RTADDR		0x20
#define GV_VTD_CCMD		0x28
#define GV_VTD_FSTS		0x34
#define GV_VTD_FECTL		0x38
#define GV_VTD_PMEN		0x64
#define GV_VTD_IQH		0x80
#define GV_VTD_IQT		0x88
#define GV_VTD_IQA		0x90
#define GV_VTD_ICS		0x9c

/* Global command and status bits (the same positions in both). */
#define GV_VTD_GCMD_TE		BIT(31)
#define GV_VTD_GCMD_SRTP	BIT(30)
#define GV_VTD_GCMD_SFL		BIT(29)
#define GV_VTD_GCMD_EAFL	BIT(28)
#define GV_VTD_GCMD_WBF		BIT(27)
#define GV_VTD_GCMD_QIE		BIT(26)
#define GV_VTD_GCMD_IRE		BIT(25)
#define GV_VTD_GCMD_SIRTP	BIT(24)
#define GV_VTD_GCMD_CFI		BIT(23)
/* One-shot command bits: never written back from GSTS. */
#define GV_VTD_GCMD_ONESHOT	(GV_VTD_GCMD_SRTP | GV_VTD_GCMD_SFL | \
				 GV_VTD_GCMD_WBF | GV_VTD_GCMD_SIRTP)

/* Capability register fields. */
#define GV_VTD_CAP_ND(c)	((unsigned int)((c) & 7))
#define GV_VTD_CAP_RWBF(c)	(((c) >> 4) & 1)
#define GV_VTD_CAP_CM(c)	(((c) >> 7) & 1)
#define GV_VTD_CAP_SAGAW(c)	((unsigned int)(((c) >> 8) & 0x1f))
#define GV_VTD_CAP_MGAW(c)	((unsigned int)(((c) >> 16) & 0x3f) + 1)
#define GV_VTD_CAP_FRO(c)	((unsigned int)(((c) >> 24) & 0x3ff) * 16)
#define GV_VTD_CAP_SLLPS(c)	((unsigned int)(((c) >> 34) & 0xf))
#define GV_VTD_CAP_PSI(c)	(((c) >> 39) & 1)
#define GV_VTD_CAP_NFR(c)	((unsigned int)(((c) >> 40) & 0xff) + 1)
#define GV_VTD_CAP_MAMV(c)	((unsigned int)(((c) >> 48) & 0x3f))

/* Extended capability register fields. */
#define GV_VTD_ECAP_C(e)	((e) & 1)
#define GV_VTD_ECAP_QI(e)	(((e) >> 1) & 1)
#define GV_VTD_ECAP_IR(e)	(((e) >> 3) & 1)
#define GV_VTD_ECAP_IRO(e)	((unsigned int)(((e) >> 8) & 0x3ff) * 16)
#define GV_VTD_ECAP_SMTS(e)	(((e) >> 43) & 1)

/* Fault status register. */
#define GV_VTD_FSTS_PFO		BIT(0)
#define GV_VTD_FSTS_PPF		BIT(1)
#define GV_VTD_FSTS_IQE		BIT(4)
#define GV_VTD_FSTS_ICE		BIT(5)
#define GV_VTD_FSTS_ITE		BIT(6)
#define GV_VTD_FSTS_FRI(s)	(((s) >> 8) & 0xff)
#define GV_VTD_FECTL_IM		BIT(31)

/* Root and context entries (legacy mode, 9.1 and 9.3). */
#define GV_VTD_ENTRY_P		1ull
#define GV_VTD_ADDR_MASK	0x000ffffffffff000ull
#define GV_VTD_CTX_AW_39	1	/* 3-level second-level table */
#define GV_VTD_CTX_AW_48	2	/* 4-level */

#define GV_VTD_TIMEOUT_US	1000000	/* bounded polling: 1 s */
#define GV_VTD_IQ_ENTRIES	256	/* one page of 128-bit descriptors */
#define GV_VTD_PSI_MAX		16	/* page-selective descriptors per call */

/* Log levels for gv_vtd_ops.log. */
#define GV_VTD_LOG_ERR		3
#define GV_VTD_LOG_WARN		4
#define GV_VTD_LOG_INFO		6

typedef void (*gv_vtd_log_fn)(void *ctx, int level, const char *fmt, ...)
	__printf(3, 4);

/**
 * struct gv_vtd_ops - how the vtd code reaches hardware and memory.
 * @ctx:         passed back to every callback.
 * @read32/@read64/@write32/@write64: MMIO of one unit; @regs is the cookie
 *               the caller gave gv_vtd_unit_probe() (a mapping of the DRHD
 *               register page).
 * @alloc_page:  a zeroed 4 KiB page and its physical address in *@pa, or
 *               NULL.
 * @free_page:   give back a page from @alloc_page.
 * @pa_to_va:    where a page from @alloc_page can be accessed.
 * @flush_cache: write back CPU cache lines of [@va, @va + @len) to memory
 *               (units whose page walks are not coherent, ECAP.C = 0).
 * @now_us:      a monotonic time in microseconds, for bounded polling.
 * @relax:       called between polls (a pause or a short delay).
 * @log:         one message line (root side: formats %s %c %d %u %x, l/ll).
 */
struct gv_vtd_ops {
	void *ctx;
	u32 (*read32)(void *ctx, void *regs, u32 off);
	u64 (*read64)(void *ctx, void *regs, u32 off);
	void (*write32)(void *ctx, void *regs, u32 off, u32 val);
	void (*write64)(void *ctx, void *regs, u32 off, u64 val);
	void *(*alloc_page)(void *ctx, u64 *pa);
	void (*free_page)(void *ctx, void *va, u64 pa);
	void *(*pa_to_va)(void *ctx, u64 pa);
	void (*flush_cache)(void *ctx, const void *va, u64 len);
	u64 (*now_us)(void *ctx);
	void (*relax)(void *ctx);
	gv_vtd_log_fn log;
};

/* Invalidation method. */
enum gv_vtd_inval {
	GV_VTD_INVAL_AUTO,	/* queued when ECAP.QI, else register-based */
	GV_VTD_INVAL_REG,	/* register-based even when QI exists */
};

/**
 * struct gv_vtd_fault - one decoded fault record.
 * @unit:    index of the unit that recorded it.
 * @segment: PCI segment of the unit.
 * @sid:     source id (bus << 8 | dev << 3 | fn).
 * @reason:  fault reason (VT-d 3.x, 7.1.3; e.g. 5 write, 6 read, 2 no
 *           context entry).
 * @write:   a write request (else a read).
 * @addr:    the faulting page address (bits 11:0 are zero).
 */
struct gv_vtd_fault {
	u32 unit;
	u16 segment;
	u16 sid;
	u8 reason;
	bool write;
	u64 addr;
};

/**
 * struct gv_vtd_unit_stats - counters of one unit.
 */
struct gv_vtd_unit_stats {
	u64 ctx_global;		/* context-cache invalidations (global) */
	u64 iotlb_global;	/* IOTLB invalidations: global */
	u64 iotlb_domain;	/*   domain-selective */
	u64 iotlb_page;		/*   page-selective (descriptors/requests) */
	u64 iotlb_skipped;	/*   skipped by the test knob */
	u64 qi_waits;		/* wait descriptors completed */
	u64 faults;		/* fault records read and cleared */
	u64 overflows;		/* primary fault overflow (FSTS.PFO) seen */
	u64 qi_errors;		/* IQE/ICE/ITE seen */
	u64 flushes;		/* CPU cache flushes of table writes */
};

/**
 * struct gv_vtd_unit - one DMA remapping unit. Fields are read-only for
 * callers except @skip_iotlb (a test knob, see docs/vtd-hw.md).
 */
struct gv_vtd_unit {
	const struct gv_vtd_ops *ops;
	void *regs;
	u64 reg_base;
	u16 segment;
	u32 index;
	u32 ver;
	u64 cap, ecap;
	unsigned int levels;		/* 3 or 4 */
	unsigned int fro, nfr, iro, mamv;
	bool coherent, caching_mode, psi, rwbf;
	bool use_qi;
	bool skip_iotlb;
	/* Tables. */
	u64 *root;
	u64 root_pa;
	u64 ctx_pa[256];		/* per bus; 0: no context table */
	/* Queued invalidation. */
	u64 *iq;
	u64 iq_pa;
	u32 iq_tail;
	u32 *status;
	u64 status_pa;
	u32 wait_seq;
	/* State. */
	bool root_set, qi_on, te_on;
	struct gv_vtd_unit_stats stats;
};

int gv_vtd_unit_probe(struct gv_vtd_unit *u, const struct gv_vtd_ops *ops,
		      void *regs, u64 reg_base, u16 segment, u32 index,
		      u64 max_pa, enum gv_vtd_inval inval);
int gv_vtd_unit_alloc(struct gv_vtd_unit *u);
void gv_vtd_unit_free(struct gv_vtd_unit *u);

int gv_vtd_unit_set_context(struct gv_vtd_unit *u, u8 bus, u8 devfn,
			    u16 did, u64 slpt_pa);
int gv_vtd_unit_get_context(struct gv_vtd_unit *u, u8 bus, u8 devfn,
			    u16 *did, u64 *slpt_pa);
int gv_vtd_unit_enable(struct gv_vtd_unit *u);
void gv_vtd_unit_disable(struct gv_vtd_unit *u);

int gv_vtd_unit_inv_context_global(struct gv_vtd_unit *u);
int gv_vtd_unit_inv_iotlb_global(struct gv_vtd_unit *u);
int gv_vtd_unit_inv_iotlb_domain(struct gv_vtd_unit *u, u16 did);
int gv_vtd_unit_inv_iotlb_range(struct gv_vtd_unit *u, u16 did, u64 iova,
				u64 size);
void gv_vtd_unit_flush(struct gv_vtd_unit *u, const void *va, u64 len);

typedef void (*gv_vtd_fault_fn)(void *ctx, const struct gv_vtd_fault *f);
int gv_vtd_unit_read_faults(struct gv_vtd_unit *u, gv_vtd_fault_fn fn,
			    void *ctx);
u32 gv_vtd_unit_gsts(struct gv_vtd_unit *u);

#endif /* GV_VTD_UNIT_H */
