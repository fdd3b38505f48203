// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d unit driver: capabilities, root and context tables, enabling and
 * disabling translation, context-cache and IOTLB invalidation (register-
 * based and queued), fault recording. Root-side code; see vtd_unit.h.
 */
#include "vtd_unit.h"

#define LOG(u, lvl, fmt, ...) do {					\
	const struct gv_vtd_unit *__u = (u);				\
	__u->ops->log(__u->ops->ctx, (lvl), "vtd%u: " fmt, __u->index,	\
		      ##__VA_ARGS__);					\
} while (0)

/* Queued invalidation descriptors (VT-d 3.x, 6.5.2). */
#define QI_CC			0x1ull
#define QI_IOTLB		0x2ull
#define QI_WAIT			0x5ull
#define QI_GRAN_GLOBAL		BIT_ULL(4)
#define QI_GRAN_DOMAIN		(2ull << 4)
#define QI_GRAN_PAGE		(3ull << 4)
#define QI_DID(d)		((u64)(d) << 16)
#define QI_WAIT_SW		BIT_ULL(5)
#define QI_WAIT_DATA(v)		((u64)(v) << 32)

/* Register-based invalidation (10.4.7 CCMD, 10.4.8 IOTLB). */
#define CCMD_GLOBAL		BIT_ULL(61)
#define IOTLB_GLOBAL		BIT_ULL(60)
#define IOTLB_DOMAIN		(2ull << 60)
#define IOTLB_PAGE		(3ull << 60)
#define IOTLB_DID(d)		((u64)(d) << 32)

/* Fault recording register, upper 64 bits (10.4.14). */
#define FRCD_F			BIT_ULL(63)
#define FRCD_T			BIT_ULL(62)	/* 1: read request */
#define FRCD_FR(h)		((u8)((h) >> 32))
#define FRCD_SID(h)		((u16)(h))

static u32 rd32(struct gv_vtd_unit *u, u32 off)
{
	return u->ops->read32(u->ops->ctx, u->regs, off);
}

static u64 rd64(struct gv_vtd_unit *u, u32 off)
{
	return u->ops->read64(u->ops->ctx, u->regs, off);
}

static void wr32(struct gv_vtd_unit *u, u32 off, u32 val)
{
	u->ops->write32(u->ops->ctx, u->regs, off, val);
}

static void wr64(struct gv_vtd_unit *u, u32 off, u64 val)
{
	u->ops->write64(u->ops->ctx, u->regs, off, val);
}

u32 gv_vtd_unit_gsts(struct gv_vtd_unit *u)
{
	return rd32(u, GV_VTD_GSTS);
}

/* Poll until (reg & mask) == want; never longer than GV_VTD_TIMEOUT_US. */
static int poll32(struct gv_vtd_unit *u, u32 off, u32 mask, u32 want)
{
	u64 t0 = u->ops->now_us(u->ops->ctx);

	while ((rd32(u, off) & mask) != want) {
		if (u->ops->now_us(u->ops->ctx) - t0 > GV_VTD_TIMEOUT_US)
			return -GV_ETIMEDOUT;
		u->ops->relax(u->ops->ctx);
	}
	return 0;
}

static int poll64_clear(struct gv_vtd_unit *u, u32 off, u64 bit, u64 *last)
{
	u64 t0 = u->ops->now_us(u->ops->ctx);

	while ((*last = rd64(u, off)) & bit) {
		if (u->ops->now_us(u->ops->ctx) - t0 > GV_VTD_TIMEOUT_US)
			return -GV_ETIMEDOUT;
		u->ops->relax(u->ops->ctx);
	}
	return 0;
}

void gv_vtd_unit_flush(struct gv_vtd_unit *u, const void *va, u64 len)
{
	if (u->coherent)
		return;
	u->ops->flush_cache(u->ops->ctx, va, len);
	u->stats.flushes++;
}

/*
 * Set or clear one persistent GCMD bit and wait for GSTS to follow. The
 * other persistent bits are written back as GSTS shows them (10.4.4).
 */
static int gcmd_set(struct gv_vtd_unit *u, u32 bit, bool on, const char *what)
{
	u32 sts = rd32(u, GV_VTD_GSTS) & ~GV_VTD_GCMD_ONESHOT;
	int err;

	wr32(u, GV_VTD_GCMD, on ? (sts | bit) : (sts & ~bit));
	err = poll32(u, GV_VTD_GSTS, bit, on ? bit : 0);
	if (err)
		LOG(u, GV_VTD_LOG_ERR, "%s %s: GSTS 0x%x did not follow (timeout)\n",
		    what, on ? "on" : "off", rd32(u, GV_VTD_GSTS));
	return err;
}

/* A one-shot command (SRTP, WBF): the status bit says when it is done. */
static int gcmd_oneshot(struct gv_vtd_unit *u, u32 bit, u32 done_when_set,
			const char *what)
{
	u32 sts = rd32(u, GV_VTD_GSTS) & ~GV_VTD_GCMD_ONESHOT;
	int err;

	wr32(u, GV_VTD_GCMD, sts | bit);
	err = poll32(u, GV_VTD_GSTS, bit, done_when_set ? bit : 0);
	if (err)
		LOG(u, GV_VTD_LOG_ERR, "%s: timeout (GSTS 0x%x)\n", what,
		    rd32(u, GV_VTD_GSTS));
	return err;
}

static int pick_levels(struct gv_vtd_unit *u, u64 max_pa)
{
	unsigned int sagaw = GV_VTD_CAP_SAGAW(u->cap);
	unsigned int mgaw = GV_VTD_CAP_MGAW(u->cap);

	/* Prefer 4 levels: 48 bits cover any RAM; 3 levels only 512 GiB. */
	if (sagaw & BIT(2)) {
		u->levels = 4;
	} else if (sagaw & BIT(1)) {
		u->levels = 3;
	} else {
		LOG(u, GV_VTD_LOG_ERR,
		    "SAGAW 0x%x: neither 3- nor 4-level tables; not taking over\n",
		    sagaw);
		return -GV_EOPNOTSUPP;
	}
	if (max_pa && (max_pa - 1) >> (u->levels == 4 ? 48 : 39)) {
		LOG(u, GV_VTD_LOG_ERR,
		    "memory up to 0x%llx beyond %u-level tables; not taking over\n",
		    max_pa, u->levels);
		return -GV_EOPNOTSUPP;
	}
	if (max_pa && mgaw < 64 && (max_pa - 1) >> mgaw) {
		LOG(u, GV_VTD_LOG_ERR,
		    "memory up to 0x%llx beyond MGAW %u bits; not taking over\n",
		    max_pa, mgaw);
		return -GV_EOPNOTSUPP;
	}
	return 0;
}

/**
 * gv_vtd_unit_probe - read a unit's capabilities; change nothing.
 * @max_pa: highest physical address + 1 the domains must reach.
 *
 * Refuses a unit Linux (or firmware) already uses: translation, queued
 * invalidation or interrupt remapping enabled (-GV_EBUSY), and one that
 * lacks what greenvisor needs (-GV_EOPNOTSUPP).
 */
int gv_vtd_unit_probe(struct gv_vtd_unit *u, const struct gv_vtd_ops *ops,
		      void *regs, u64 reg_base, u16 segment, u32 index,
		      u64 max_pa, enum gv_vtd_inval inval)
{
	u32 gsts;
	int err;

	u->ops = ops;
	u->regs = regs;
	u->reg_base = reg_base;
	u->segment = segment;
	u->index = index;
	u->ver = rd32(u, GV_VTD_VER);
	u->cap = rd64(u, GV_VTD_CAP);
	u->ecap = rd64(u, GV_VTD_ECAP);
	if (u->cap == ~0ull || u->ecap == ~0ull || !u->cap) {
		LOG(u, GV_VTD_LOG_ERR, "registers at 0x%llx read as 0x%llx: no unit there\n",
		    reg_base, u->cap);
		return -GV_ENODEV;
	}
	LOG(u, GV_VTD_LOG_INFO, "at 0x%llx: VER %u.%u CAP 0x%llx ECAP 0x%llx\n",
	    reg_base, (u->ver >> 4) & 0xf, u->ver & 0xf, u->cap, u->ecap);
	gsts = rd32(u, GV_VTD_GSTS);
	if (gsts & (GV_VTD_GCMD_TE | GV_VTD_GCMD_QIE | GV_VTD_GCMD_IRE)) {
		LOG(u, GV_VTD_LOG_ERR,
		    "in use (GSTS 0x%x%s%s%s): boot with intel_iommu=off intremap=off; not taking over\n",
		    gsts, gsts & GV_VTD_GCMD_TE ? " TE" : "",
		    gsts & GV_VTD_GCMD_QIE ? " QIE" : "",
		    gsts & GV_VTD_GCMD_IRE ? " IRE" : "");
		return -GV_EBUSY;
	}
	err = pick_levels(u, max_pa);
	if (err)
		return err;
	u->fro = GV_VTD_CAP_FRO(u->cap);
	u->nfr = GV_VTD_CAP_NFR(u->cap);
	u->iro = GV_VTD_ECAP_IRO(u->ecap);
	u->mamv = GV_VTD_CAP_MAMV(u->cap);
	u->coherent = GV_VTD_ECAP_C(u->ecap);
	u->caching_mode = GV_VTD_CAP_CM(u->cap);
	u->psi = GV_VTD_CAP_PSI(u->cap);
	u->rwbf = GV_VTD_CAP_RWBF(u->cap);
	u->use_qi = GV_VTD_ECAP_QI(u->ecap) && inval != GV_VTD_INVAL_REG;
	if (u->fro + u->nfr * 16 > 4096 || u->iro + 16 > 4096) {
		LOG(u, GV_VTD_LOG_ERR,
		    "fault/IOTLB registers at 0x%x/0x%x beyond the register page\n",
		    u->fro, u->iro);
		return -GV_EOPNOTSUPP;
	}
	LOG(u, GV_VTD_LOG_INFO,
	    "%u-level tables, %s invalidation%s, %s page walks%s, %u fault record(s) at 0x%x\n",
	    u->levels, u->use_qi ? "queued" : "register-based",
	    u->psi ? " (page-selective)" : " (global/domain only)",
	    u->coherent ? "coherent" : "incoherent",
	    u->caching_mode ? ", caching mode" : "", u->nfr, u->fro);
	return 0;
}

/* Allocate the root table, the invalidation queue and the status page. */
int gv_vtd_unit_alloc(struct gv_vtd_unit *u)
{
	const struct gv_vtd_ops *o = u->ops;

	u->root = o->alloc_page(o->ctx, &u->root_pa);
	if (!u->root)
		goto nomem;
	gv_vtd_unit_flush(u, u->root, 4096);
	u->status = o->alloc_page(o->ctx, &u->status_pa);
	if (!u->status)
		goto nomem;
	if (u->use_qi) {
		u->iq = o->alloc_page(o->ctx, &u->iq_pa);
		if (!u->iq)
			goto nomem;
	}
	return 0;
nomem:
	LOG(u, GV_VTD_LOG_ERR, "out of memory for the unit's tables\n");
	gv_vtd_unit_free(u);
	return -GV_ENOMEM;
}

/* Free every page of the unit. Translation must be off. */
void gv_vtd_unit_free(struct gv_vtd_unit *u)
{
	const struct gv_vtd_ops *o = u->ops;
	unsigned int bus;

	for (bus = 0; bus < 256; bus++) {
		if (u->ctx_pa[bus])
			o->free_page(o->ctx, o->pa_to_va(o->ctx, u->ctx_pa[bus]),
				     u->ctx_pa[bus]);
		u->ctx_pa[bus] = 0;
	}
	if (u->root)
		o->free_page(o->ctx, u->root, u->root_pa);
	if (u->iq)
		o->free_page(o->ctx, u->iq, u->iq_pa);
	if (u->status)
		o->free_page(o->ctx, u->status, u->status_pa);
	u->root = NULL;
	u->iq = NULL;
	u->status = NULL;
}

static u64 *ctx_entry(struct gv_vtd_unit *u, u8 bus, u8 devfn, bool create)
{
	const struct gv_vtd_ops *o = u->ops;
	u64 pa = u->ctx_pa[bus];
	u64 *tbl;

	if (!pa) {
		if (!create)
			return NULL;
		tbl = o->alloc_page(o->ctx, &pa);
		if (!tbl)
			return NULL;
		gv_vtd_unit_flush(u, tbl, 4096);
		u->ctx_pa[bus] = pa;
		/* Root entry: upper half reserved (legacy mode). */
		u->root[bus * 2 + 1] = 0;
		WRITE_ONCE(u->root[bus * 2], pa | GV_VTD_ENTRY_P);
		gv_vtd_unit_flush(u, &u->root[bus * 2], 16);
	}
	tbl = o->pa_to_va(o->ctx, pa);
	return &tbl[devfn * 2];
}

/* After a context entry changed: context cache and IOTLB, globally. */
static int ctx_changed(struct gv_vtd_unit *u)
{
	int err;

	/* Before translation is on nothing is cached; enable invalidates. */
	if (!u->te_on)
		return 0;
	err = gv_vtd_unit_inv_context_global(u);
	return err ?: gv_vtd_unit_inv_iotlb_global(u);
}

/**
 * gv_vtd_unit_set_context - point a device at a domain (@slpt_pa: its
 * second-level table, @did its domain id), or make its entry not present
 * (@slpt_pa == 0). A present entry is first made not present and the
 * caches invalidated (6.5.3.3), then the new entry written and invalidated
 * again, so the device never sees a mix of the two.
 */
int gv_vtd_unit_set_context(struct gv_vtd_unit *u, u8 bus, u8 devfn,
			    u16 did, u64 slpt_pa)
{
	u64 *ce = ctx_entry(u, bus, devfn, slpt_pa != 0);
	u64 aw = u->levels == 4 ? GV_VTD_CTX_AW_48 : GV_VTD_CTX_AW_39;
	int err;

	if (!ce)
		return slpt_pa ? -GV_ENOMEM : 0;
	if (READ_ONCE(ce[0]) & GV_VTD_ENTRY_P) {
		WRITE_ONCE(ce[0], 0);
		gv_vtd_unit_flush(u, ce, 16);
		err = ctx_changed(u);
		if (err)
			return err;
	}
	if (!slpt_pa)
		return 0;
	/* High: AW and DID; low: present, translation type 00, table. */
	WRITE_ONCE(ce[1], aw | ((u64)did << 8));
	WRITE_ONCE(ce[0], (slpt_pa & GV_VTD_ADDR_MASK) | GV_VTD_ENTRY_P);
	gv_vtd_unit_flush(u, ce, 16);
	return ctx_changed(u);
}

int gv_vtd_unit_get_context(struct gv_vtd_unit *u, u8 bus, u8 devfn,
			    u16 *did, u64 *slpt_pa)
{
	u64 *ce = ctx_entry(u, bus, devfn, false);

	if (!ce || !(READ_ONCE(ce[0]) & GV_VTD_ENTRY_P))
		return -GV_ENOENT;
	*did = (u16)(ce[1] >> 8);
	*slpt_pa = ce[0] & GV_VTD_ADDR_MASK;
	return 0;
}

/* ---- Queued invalidation (6.5.2) ---- */

static int qi_check_errors(struct gv_vtd_unit *u)
{
	u32 fsts = rd32(u, GV_VTD_FSTS);
	u32 err = fsts & (GV_VTD_FSTS_IQE | GV_VTD_FSTS_ICE | GV_VTD_FSTS_ITE);

	if (!err)
		return 0;
	u->stats.qi_errors++;
	LOG(u, GV_VTD_LOG_ERR, "invalidation queue error: FSTS 0x%x (IQH 0x%llx IQT 0x%llx)\n",
	    fsts, rd64(u, GV_VTD_IQH), rd64(u, GV_VTD_IQT));
	wr32(u, GV_VTD_FSTS, err);
	return -GV_EIO;
}

/*
 * Queue @n descriptors (pairs of u64) and a wait descriptor with a status
 * write, then poll the status: every descriptor before it has completed.
 */
static int qi_submit(struct gv_vtd_unit *u, const u64 *desc, unsigned int n)
{
	u64 t0;
	u32 seq;
	unsigned int i;

	u->wait_seq++;
	if (!u->wait_seq)
		u->wait_seq = 1;
	seq = u->wait_seq;
	for (i = 0; i <= n; i++) {
		u64 *slot = &u->iq[u->iq_tail * 2];

		if (i < n) {
			slot[0] = desc[i * 2];
			slot[1] = desc[i * 2 + 1];
		} else {
			slot[0] = QI_WAIT | QI_WAIT_SW | QI_WAIT_DATA(seq);
			slot[1] = u->status_pa;
		}
		gv_vtd_unit_flush(u, slot, 16);
		u->iq_tail = (u->iq_tail + 1) % GV_VTD_IQ_ENTRIES;
	}
	WRITE_ONCE(*u->status, 0);
	gv_vtd_unit_flush(u, u->status, 4);
	wr64(u, GV_VTD_IQT, (u64)u->iq_tail << 4);
	t0 = u->ops->now_us(u->ops->ctx);
	while (READ_ONCE(*u->status) != seq) {
		if (qi_check_errors(u))
			return -GV_EIO;
		if (u->ops->now_us(u->ops->ctx) - t0 > GV_VTD_TIMEOUT_US) {
			LOG(u, GV_VTD_LOG_ERR,
			    "invalidation wait timed out (IQH 0x%llx IQT 0x%llx)\n",
			    rd64(u, GV_VTD_IQH), rd64(u, GV_VTD_IQT));
			return -GV_ETIMEDOUT;
		}
		u->ops->relax(u->ops->ctx);
	}
	u->stats.qi_waits++;
	return 0;
}

static int qi_enable(struct gv_vtd_unit *u)
{
	u->iq_tail = 0;
	wr64(u, GV_VTD_IQT, 0);
	/* Queue base, 128-bit descriptors, size 2^0 pages. */
	wr64(u, GV_VTD_IQA, u->iq_pa & GV_VTD_ADDR_MASK);
	return gcmd_set(u, GV_VTD_GCMD_QIE, true, "queued invalidation");
}

static int qi_disable(struct gv_vtd_unit *u)
{
	u64 t0 = u->ops->now_us(u->ops->ctx);

	/* Let the hardware drain the queue first (IQH catches up with IQT). */
	while (rd64(u, GV_VTD_IQH) != rd64(u, GV_VTD_IQT)) {
		if (u->ops->now_us(u->ops->ctx) - t0 > GV_VTD_TIMEOUT_US)
			break;
		u->ops->relax(u->ops->ctx);
	}
	return gcmd_set(u, GV_VTD_GCMD_QIE, false, "queued invalidation");
}

/* ---- Register-based invalidation (6.5.1) ---- */

/*
 * Write a register-based invalidation command (its bit 63 starts it), wait
 * until the unit clears bit 63, then check the granularity it reports
 * (bits @gran_shift + 1:@gran_shift; 0 means the request was refused).
 */
static int reg_inval(struct gv_vtd_unit *u, u32 off, u64 cmd,
		     unsigned int gran_shift, const char *what)
{
	u64 v;
	int err;

	wr64(u, off, BIT_ULL(63) | cmd);
	err = poll64_clear(u, off, BIT_ULL(63), &v);
	if (err) {
		LOG(u, GV_VTD_LOG_ERR, "%s invalidation timed out\n", what);
		return err;
	}
	if (!((v >> gran_shift) & 3)) {
		LOG(u, GV_VTD_LOG_ERR, "%s invalidation refused (0x%llx)\n", what, v);
		return -GV_EIO;
	}
	return 0;
}

static int reg_ccmd(struct gv_vtd_unit *u, u64 cmd)
{
	return reg_inval(u, GV_VTD_CCMD, cmd, 59, "context-cache");
}

static int reg_iotlb(struct gv_vtd_unit *u, u64 cmd, u64 iva)
{
	if ((cmd & (3ull << 60)) == IOTLB_PAGE)
		wr64(u, u->iro, iva);
	return reg_inval(u, u->iro + 8, cmd, 57, "IOTLB");
}

/* CAP.RWBF: table writes may sit in a write buffer until flushed. */
static int write_buffer_flush(struct gv_vtd_unit *u)
{
	if (!u->rwbf)
		return 0;
	return gcmd_oneshot(u, GV_VTD_GCMD_WBF, 0, "write-buffer flush");
}

/* ---- Invalidation entry points ---- */

int gv_vtd_unit_inv_context_global(struct gv_vtd_unit *u)
{
	u64 d[2] = { QI_CC | QI_GRAN_GLOBAL, 0 };

	u->stats.ctx_global++;
	if (write_buffer_flush(u))
		return -GV_ETIMEDOUT;
	if (u->qi_on)
		return qi_submit(u, d, 1);
	return reg_ccmd(u, CCMD_GLOBAL);
}

/* Drain reads and writes where the unit can (CAP.DRD bit 55, DWD 54). */
static u64 drain_qi(struct gv_vtd_unit *u)
{
	return ((u->cap >> 55) & 1) << 7 | ((u->cap >> 54) & 1) << 6;
}

static u64 drain_reg(struct gv_vtd_unit *u)
{
	return ((u->cap >> 55) & 1) << 49 | ((u->cap >> 54) & 1) << 48;
}

static int iotlb(struct gv_vtd_unit *u, u64 qi_gran, u64 reg_gran, u16 did)
{
	u64 d[2] = { QI_IOTLB | qi_gran | QI_DID(did) | drain_qi(u), 0 };

	if (u->skip_iotlb) {
		u->stats.iotlb_skipped++;
		return 0;
	}
	if (write_buffer_flush(u))
		return -GV_ETIMEDOUT;
	if (u->qi_on)
		return qi_submit(u, d, 1);
	return reg_iotlb(u, reg_gran | IOTLB_DID(did) | drain_reg(u), 0);
}

int gv_vtd_unit_inv_iotlb_global(struct gv_vtd_unit *u)
{
	u->stats.iotlb_global++;
	return iotlb(u, QI_GRAN_GLOBAL, IOTLB_GLOBAL, 0);
}

int gv_vtd_unit_inv_iotlb_domain(struct gv_vtd_unit *u, u16 did)
{
	u->stats.iotlb_domain++;
	return iotlb(u, QI_GRAN_DOMAIN, IOTLB_DOMAIN, did);
}

/* Largest aligned power-of-two block (in pages, as an order) at @pfn. */
static unsigned int block_order(u64 pfn, u64 npages, unsigned int max)
{
	unsigned int am = 0;

	while (am < max && !(pfn & (1ull << am)) &&
	       (2ull << am) <= npages)
		am++;
	return am;
}

/**
 * gv_vtd_unit_inv_iotlb_range - invalidate the IOTLB for [@iova, +@size)
 * of domain @did: page-selective (naturally aligned blocks up to MAMV)
 * when CAP.PSI and at most GV_VTD_PSI_MAX blocks suffice, domain-selective
 * otherwise.
 */
int gv_vtd_unit_inv_iotlb_range(struct gv_vtd_unit *u, u16 did, u64 iova,
				u64 size)
{
	u64 d[GV_VTD_PSI_MAX * 2];
	u64 pfn = iova >> 12;
	u64 left = (size + (iova & 0xfff) + 0xfff) >> 12;
	unsigned int n = 0, am, i;
	int err;

	if (!u->psi || !left)
		return gv_vtd_unit_inv_iotlb_domain(u, did);
	while (left && n < GV_VTD_PSI_MAX) {
		am = block_order(pfn, left, u->mamv);
		d[n * 2] = QI_IOTLB | QI_GRAN_PAGE | QI_DID(did) | drain_qi(u);
		d[n * 2 + 1] = (pfn << 12) | am;
		n++;
		pfn += 1ull << am;
		left -= 1ull << am;
	}
	if (left)
		return gv_vtd_unit_inv_iotlb_domain(u, did);
	if (u->skip_iotlb) {
		u->stats.iotlb_skipped++;
		return 0;
	}
	u->stats.iotlb_page += n;
	err = write_buffer_flush(u);
	if (!err && u->qi_on)
		return qi_submit(u, d, n);
	for (i = 0; i < n && !err; i++)
		err = reg_iotlb(u, IOTLB_PAGE | IOTLB_DID(did) | drain_reg(u),
				d[i * 2 + 1]);
	return err;
}

/* ---- Enable / disable ---- */

static void faults_clear_all(struct gv_vtd_unit *u)
{
	unsigned int i;

	for (i = 0; i < u->nfr; i++)
		wr32(u, u->fro + i * 16 + 12, (u32)(FRCD_F >> 32));
	wr32(u, GV_VTD_FSTS, GV_VTD_FSTS_PFO | GV_VTD_FSTS_IQE |
	     GV_VTD_FSTS_ICE | GV_VTD_FSTS_ITE);
}

/**
 * gv_vtd_unit_enable - install the root table, start queued invalidation
 * (if used), invalidate everything and turn translation on. Fault events
 * stay masked: faults are polled (gv_vtd_unit_read_faults()). On failure
 * the unit is left off.
 */
int gv_vtd_unit_enable(struct gv_vtd_unit *u)
{
	int err;

	wr32(u, GV_VTD_FECTL, GV_VTD_FECTL_IM);
	faults_clear_all(u);
	wr64(u, GV_VTD_RTADDR, u->root_pa & GV_VTD_ADDR_MASK);
	err = gcmd_oneshot(u, GV_VTD_GCMD_SRTP, 1, "set root table pointer");
	if (err)
		goto off;
	u->root_set = true;
	if (u->use_qi) {
		err = qi_enable(u);
		if (err)
			goto off;
		u->qi_on = true;
	}
	err = gv_vtd_unit_inv_context_global(u);
	err = err ?: gv_vtd_unit_inv_iotlb_global(u);
	if (err)
		goto off;
	err = gcmd_set(u, GV_VTD_GCMD_TE, true, "translation");
	if (err)
		goto off;
	u->te_on = true;
	/* Protected memory regions (firmware's) are not needed once on. */
	if (rd32(u, GV_VTD_PMEN) & BIT(31))
		wr32(u, GV_VTD_PMEN, 0);
	LOG(u, GV_VTD_LOG_INFO, "translation on (GSTS 0x%x)\n", rd32(u, GV_VTD_GSTS));
	return 0;
off:
	gv_vtd_unit_disable(u);
	return err;
}

/**
 * gv_vtd_unit_disable - translation off, queued invalidation off, root
 * table pointer cleared: the unit is as Linux left it before the takeover
 * (apart from the fault event mask). Never hangs: each wait is bounded.
 */
void gv_vtd_unit_disable(struct gv_vtd_unit *u)
{
	if (rd32(u, GV_VTD_GSTS) & GV_VTD_GCMD_TE)
		gcmd_set(u, GV_VTD_GCMD_TE, false, "translation");
	u->te_on = false;
	if (u->qi_on || (rd32(u, GV_VTD_GSTS) & GV_VTD_GCMD_QIE))
		qi_disable(u);
	u->qi_on = false;
	if (u->root_set) {
		wr64(u, GV_VTD_RTADDR, 0);
		gcmd_oneshot(u, GV_VTD_GCMD_SRTP, 1, "clear root table pointer");
		u->root_set = false;
	}
	LOG(u, GV_VTD_LOG_INFO, "off (GSTS 0x%x)\n", rd32(u, GV_VTD_GSTS));
}

/* ---- Faults (7.3) ---- */

/**
 * gv_vtd_unit_read_faults - read, report and clear every pending fault
 * record (starting at FSTS.FRI, as the hardware fills them round robin),
 * then the primary fault overflow. Returns the number of records read.
 */
int gv_vtd_unit_read_faults(struct gv_vtd_unit *u, gv_vtd_fault_fn fn,
			    void *ctx)
{
	struct gv_vtd_fault f;
	u32 fsts = rd32(u, GV_VTD_FSTS);
	unsigned int i, idx, n = 0;
	u32 off;
	u64 hi;

	idx = GV_VTD_FSTS_FRI(fsts) % u->nfr;
	for (i = 0; i < u->nfr; i++, idx = (idx + 1) % u->nfr) {
		off = u->fro + idx * 16;
		hi = rd64(u, off + 8);
		if (!(hi & FRCD_F))
			continue;
		f.unit = u->index;
		f.segment = u->segment;
		f.sid = FRCD_SID(hi);
		f.reason = FRCD_FR(hi);
		f.write = !(hi & FRCD_T);
		f.addr = rd64(u, off) & ~0xfffull;
		wr32(u, off + 12, (u32)(FRCD_F >> 32));
		u->stats.faults++;
		n++;
		if (fn)
			fn(ctx, &f);
	}
	if (fsts & GV_VTD_FSTS_PFO) {
		u->stats.overflows++;
		wr32(u, GV_VTD_FSTS, GV_VTD_FSTS_PFO);
	}
	if (fsts & (GV_VTD_FSTS_IQE | GV_VTD_FSTS_ICE | GV_VTD_FSTS_ITE))
		qi_check_errors(u);
	return n;
}
