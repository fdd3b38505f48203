// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-side glue of the VT-d code: the ops table (MMIO through ioremap,
 * pages from the page allocator, clflush), the ACPI DMAR table, RAM ranges
 * and PCI devices handed to vtd/vtd.c, the exported DMA-protection API
 * (vtd/greenvisor_dma.h), fault polling and a debugfs status file.
 *
 * Today this runs only in the TEST MODE (vtd_test_mode=1): no hypervisor
 * is launched and the vtd code runs from Linux, which could undo all of it
 * (it is NOT a protection mode). It exists so that the VT-d code is tested
 * in QEMU, which emulates an IOMMU but no VMX. See docs/vtd-hw.md.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/acpi.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/cacheflush.h>
#include "gv_linux.h"
#include "../vtd/vtd.h"
#include "../vtd/dmar.h"
#include "../vtd/greenvisor_dma.h"

static bool vtd_reg_inval;
module_param(vtd_reg_inval, bool, 0444);
MODULE_PARM_DESC(vtd_reg_inval,
		 "VT-d: use register-based invalidation even where queued invalidation exists");

static unsigned int vtd_fault_poll_ms = 100;
module_param(vtd_fault_poll_ms, uint, 0644);
MODULE_PARM_DESC(vtd_fault_poll_ms,
		 "VT-d: poll the fault records every N ms (0: only when asked through the API)");

static int skip_iotlb_set(const char *val, const struct kernel_param *kp);
static const struct kernel_param_ops skip_iotlb_ops = {
	.set = skip_iotlb_set,
	.get = param_get_bool,
};

static bool vtd_test_skip_iotlb;
module_param_cb(vtd_test_skip_iotlb, &skip_iotlb_ops, &vtd_test_skip_iotlb,
		0644);
MODULE_PARM_DESC(vtd_test_skip_iotlb,
		 "TEST ONLY (vtd_test_mode): skip every IOTLB invalidation, to prove the tests notice");

static DEFINE_MUTEX(vtd_lock);
static struct gv_vtd *vtd;		/* non-NULL while taken over */
static struct gv_dmar_info *dmar;
static int unit_of_drhd[GV_DMAR_MAX_DRHD];
static void __iomem *unit_regs[GV_VTD_MAX_UNITS];
static atomic_long_t vtd_pages;
static struct dentry *vtd_debugfs;

/* ---- The ops table ---- */

static u32 lx_read32(void *ctx, void *regs, u32 off)
{
	return readl((void __iomem __force *)regs + off);
}

static u64 lx_read64(void *ctx, void *regs, u32 off)
{
	return readq((void __iomem __force *)regs + off);
}

static void lx_write32(void *ctx, void *regs, u32 off, u32 val)
{
	writel(val, (void __iomem __force *)regs + off);
}

static void lx_write64(void *ctx, void *regs, u32 off, u64 val)
{
	writeq(val, (void __iomem __force *)regs + off);
}

static void *lx_alloc_page(void *ctx, u64 *pa)
{
	struct page *p = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!p)
		return NULL;
	atomic_long_inc(&vtd_pages);
	*pa = page_to_phys(p);
	return page_address(p);
}

static void lx_free_page(void *ctx, void *va, u64 pa)
{
	atomic_long_dec(&vtd_pages);
	__free_page(virt_to_page(va));
}

static void *lx_pa_to_va(void *ctx, u64 pa)
{
	return phys_to_virt(pa);
}

static void lx_flush_cache(void *ctx, const void *va, u64 len)
{
	clflush_cache_range((void *)va, len);
}

static u64 lx_now_us(void *ctx)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static void lx_relax(void *ctx)
{
	udelay(1);
}

static __printf(3, 4) void lx_log(void *ctx, int level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (level <= GV_VTD_LOG_ERR)
		pr_err("%pV", &vaf);
	else if (level == GV_VTD_LOG_WARN)
		pr_warn("%pV", &vaf);
	else
		pr_info("%pV", &vaf);
	va_end(args);
}

static const struct gv_vtd_ops lx_ops = {
	.read32 = lx_read32,
	.read64 = lx_read64,
	.write32 = lx_write32,
	.write64 = lx_write64,
	.alloc_page = lx_alloc_page,
	.free_page = lx_free_page,
	.pa_to_va = lx_pa_to_va,
	.flush_cache = lx_flush_cache,
	.now_us = lx_now_us,
	.relax = lx_relax,
	.log = lx_log,
};

/* ---- Faults ---- */

static const char *fault_reason(u8 r)
{
	switch (r) {
	case 1: return "root entry not present";
	case 2: return "context entry not present";
	case 3: return "invalid context entry";
	case 4: return "address beyond the domain's width";
	case 5: return "write not allowed (not mapped)";
	case 6: return "read not allowed (not mapped)";
	case 7: return "page-table entry read failed";
	default: return "other";
	}
}

/* Each fault: an event (netlink "events", tracepoint) and a dmesg line. */
static void fault_print(void *ctx, const struct gv_vtd_fault *f)
{
	u64 data[4] = { (u64)f->segment << 16 | f->sid, f->addr, f->reason, f->write };

	gv_event_emit(GV_EVENT_DMA_FAULT, f->unit, data);
	pr_warn_ratelimited("DMA fault: %04x:%02x:%02x.%u %s at 0x%llx: reason %u (%s)\n",
			    f->segment, f->sid >> 8, (f->sid >> 3) & 0x1f,
			    f->sid & 7, f->write ? "write" : "read", f->addr,
			    f->reason, fault_reason(f->reason));
}

static void fault_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(fault_work, fault_work_fn);

static void fault_work_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(vtd_fault_poll_ms);

	if (ms) {
		mutex_lock(&vtd_lock);
		if (vtd)
			gv_vtd_poll_faults(vtd, fault_print, NULL);
		mutex_unlock(&vtd_lock);
	}
	schedule_delayed_work(&fault_work, msecs_to_jiffies(ms ? max(ms, 10u) : 100));
}

static int skip_iotlb_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_bool(val, kp);

	if (err)
		return err;
	mutex_lock(&vtd_lock);
	if (vtd)
		gv_vtd_set_skip_iotlb(vtd, vtd_test_skip_iotlb);
	mutex_unlock(&vtd_lock);
	if (vtd_test_skip_iotlb)
		pr_warn("vtd_test_skip_iotlb=1: IOTLB invalidations are SKIPPED (test of the tests only)\n");
	return 0;
}

/* ---- The exported API ---- */

#define VTD_CALL(expr) ({					\
	int __ret = -ENODEV;					\
	mutex_lock(&vtd_lock);					\
	if (vtd && vtd->on)					\
		__ret = (expr);					\
	mutex_unlock(&vtd_lock);				\
	__ret;							\
})

/* The four range calls: one lock, one check, one vtd function each. */
static int range_call(int (*fn)(struct gv_vtd *v, u64 pa, u64 size),
		      u64 pa, u64 size)
{
	return VTD_CALL(fn(vtd, pa, size));
}

/* Defines and exports greenvisor_<name>(pa, size) calling gv_vtd_<fn>. */
#define GV_RANGE_API(name, fn)						\
	int greenvisor_##name(u64 pa, u64 size)				\
	{								\
		return range_call(gv_vtd_##fn, pa, size);		\
	}								\
	EXPORT_SYMBOL_GPL(greenvisor_##name)

GV_RANGE_API(dma_protect, protect);
GV_RANGE_API(dma_unprotect, unprotect);
GV_RANGE_API(green_mem_add, green_add);
GV_RANGE_API(green_mem_remove, green_remove);

/*
 * @pdev and the bridges above it, top down, for DMAR scope matching (at
 * most GV_DMAR_MAX_PATH hops: the lowest ones when deeper).
 */
static void pci_path_of(struct pci_dev *pdev, struct gv_pci_path *p)
{
	struct pci_dev *chain[GV_DMAR_MAX_PATH], *d;
	u32 n = 0, i;

	for (d = pdev; d && n < GV_DMAR_MAX_PATH; d = pci_upstream_bridge(d))
		chain[n++] = d;
	p->len = n;
	for (i = 0; i < n; i++) {
		p->hop[i].bus = chain[n - 1 - i]->bus->number;
		p->hop[i].devfn = chain[n - 1 - i]->devfn;
	}
}

static int drhd_of(struct pci_dev *pdev)
{
	struct gv_pci_path p;

	pci_path_of(pdev, &p);
	return gv_dmar_find_drhd_path(dmar, pci_domain_nr(pdev->bus), &p);
}

/* The unit of an existing PCI device, or -ENODEV. */
static int dev_unit(u16 segment, u8 bus, u8 devfn)
{
	struct pci_dev *pdev;
	int d;

	pdev = pci_get_domain_bus_and_slot(segment, bus, devfn);
	if (!pdev)
		return -ENODEV;
	d = drhd_of(pdev);
	pci_dev_put(pdev);
	if (d < 0 || d >= GV_DMAR_MAX_DRHD || unit_of_drhd[d] < 0)
		return -ENODEV;
	return unit_of_drhd[d];
}

static int assign_locked(u16 segment, u8 bus, u8 devfn)
{
	int unit = dev_unit(segment, bus, devfn);

	if (unit < 0)
		return unit;
	return gv_vtd_assign(vtd, unit, segment, bus, devfn);
}

int greenvisor_dma_assign(u16 segment, u8 bus, u8 devfn)
{
	return VTD_CALL(assign_locked(segment, bus, devfn));
}
EXPORT_SYMBOL_GPL(greenvisor_dma_assign);

int greenvisor_dma_release(u16 segment, u8 bus, u8 devfn)
{
	return VTD_CALL(gv_vtd_release(vtd, segment, bus, devfn));
}
EXPORT_SYMBOL_GPL(greenvisor_dma_release);

static int faults_locked(struct greenvisor_dma_counts *c,
			 struct greenvisor_dma_fault *out, int max)
{
	u32 i, n, first;
	int k = 0;

	gv_vtd_poll_faults(vtd, fault_print, NULL);
	if (c) {
		memset(c, 0, sizeof(*c));
		c->faults = vtd->cnt.faults;
		c->overflows = vtd->cnt.overflows;
		for (i = 0; i < vtd->nr_units; i++) {
			struct gv_vtd_unit_stats *s = &vtd->unit[i].stats;

			c->iotlb_invalidations += s->iotlb_global +
				s->iotlb_domain + s->iotlb_page;
			c->iotlb_skipped += s->iotlb_skipped;
			c->ctx_invalidations += s->ctx_global;
		}
	}
	n = min_t(u32, vtd->fault_next, GV_VTD_FAULT_RING);
	if (!out || max <= 0)
		return 0;
	n = min_t(u32, n, max);
	first = vtd->fault_next - n;
	for (i = 0; i < n; i++) {
		struct gv_vtd_fault *f =
			&vtd->fault_ring[(first + i) % GV_VTD_FAULT_RING];

		out[k].segment = f->segment;
		out[k].sid = f->sid;
		out[k].reason = f->reason;
		out[k].write = f->write;
		out[k].addr = f->addr;
		k++;
	}
	return k;
}

int greenvisor_dma_faults(struct greenvisor_dma_counts *c,
			  struct greenvisor_dma_fault *out, int max)
{
	return VTD_CALL(faults_locked(c, out, max));
}
EXPORT_SYMBOL_GPL(greenvisor_dma_faults);

/* ---- debugfs: /sys/kernel/debug/greenvisor-vtd/status ---- */

static int status_show(struct seq_file *m, void *unused)
{
	struct gv_vtd_pt_stats st;
	u32 i;

	mutex_lock(&vtd_lock);
	if (!vtd) {
		seq_puts(m, "off\n");
		goto out;
	}
	seq_printf(m, "units %u levels %u table_pages %ld\n", vtd->nr_units,
		   vtd->levels, atomic_long_read(&vtd_pages));
	for (i = 0; i < vtd->nr_units; i++) {
		struct gv_vtd_unit *u = &vtd->unit[i];
		struct gv_vtd_unit_stats *s = &u->stats;

		seq_printf(m, "unit %u base 0x%llx cap 0x%llx ecap 0x%llx levels %u inval %s coherent %d cm %d psi %d gsts 0x%x\n",
			   i, u->reg_base, u->cap, u->ecap, u->levels,
			   u->qi_on ? "queued" : "register", u->coherent,
			   u->caching_mode, u->psi, gv_vtd_unit_gsts(u));
		seq_printf(m, "unit %u ctx_global %llu iotlb_global %llu iotlb_domain %llu iotlb_page %llu iotlb_skipped %llu qi_waits %llu faults %llu overflows %llu qi_errors %llu flushes %llu\n",
			   i, s->ctx_global, s->iotlb_global, s->iotlb_domain,
			   s->iotlb_page, s->iotlb_skipped, s->qi_waits,
			   s->faults, s->overflows, s->qi_errors, s->flushes);
	}
	gv_vtd_pt_get_stats(&vtd->rich.pt, &st);
	seq_printf(m, "rich did %u tables %llu leaves_4k %llu leaves_2m %llu leaves_1g %llu\n",
		   vtd->rich.did, st.tables, st.leaves[1], st.leaves[2],
		   st.leaves[3]);
	seq_printf(m, "protected %u green %u assigned %llu faults %llu overflows %llu inval_errors %llu\n",
		   vtd->nr_prot, vtd->nr_green,
		   vtd->cnt.assigns - vtd->cnt.releases, vtd->cnt.faults,
		   vtd->cnt.overflows, vtd->cnt.inval_errors);
out:
	mutex_unlock(&vtd_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

/* ---- Takeover ---- */

static int add_ram(struct resource *res, void *arg)
{
	struct gv_vtd *v = arg;
	u64 start = round_up(res->start, PAGE_SIZE);
	u64 end = round_down(res->end + 1, PAGE_SIZE);

	if (end <= start)
		return 0;
	if (gv_vtd_add_base(v, start, end - start)) {
		pr_err("VT-d: too many RAM ranges (at 0x%llx)\n", start);
		return -ENOSPC;
	}
	return 0;
}

static u64 base_top(struct gv_vtd *v)
{
	u64 top = 0;
	u32 i;

	for (i = 0; i < v->nr_base; i++)
		top = max(top, v->base[i].start + v->base[i].size);
	return top;
}

static int add_units(struct gv_vtd *v)
{
	enum gv_vtd_inval inval = vtd_reg_inval ? GV_VTD_INVAL_REG :
						  GV_VTD_INVAL_AUTO;
	u64 top = base_top(v);
	u32 i;
	int idx;

	for (i = 0; i < GV_DMAR_MAX_DRHD; i++)
		unit_of_drhd[i] = -1;
	for (i = 0; i < dmar->nr_drhd; i++) {
		struct gv_dmar_drhd *d = &dmar->drhd[i];
		void __iomem *regs;

		regs = ioremap(d->reg_base, max_t(u32, d->reg_size, PAGE_SIZE));
		if (!regs) {
			pr_err("VT-d: cannot map unit registers at 0x%llx\n",
			       d->reg_base);
			return -ENOMEM;
		}
		idx = gv_vtd_add_unit(v, (void __force *)regs, d->reg_base,
				      d->segment, top, inval);
		if (idx < 0) {
			iounmap(regs);
			return idx;
		}
		unit_regs[idx] = regs;
		unit_of_drhd[i] = idx;
	}
	return 0;
}

static int attach_bus(struct gv_vtd *v, int unit, unsigned int bus)
{
	unsigned int devfn;
	int err;

	for (devfn = 0; devfn < 256; devfn++) {
		err = gv_vtd_attach(v, unit, bus, devfn);
		if (err)
			return err;
	}
	return 0;
}

/* A device, and every bus below it if it is a bridge, in the rich domain. */
static int attach_dev(struct gv_vtd *v, int unit, struct pci_dev *pdev)
{
	struct pci_bus *sub = pdev->subordinate;
	unsigned int b;
	int err;

	err = gv_vtd_attach(v, unit, pdev->bus->number, pdev->devfn);
	if (err || !sub)
		return err;
	for (b = sub->busn_res.start; b <= sub->busn_res.end && b < 256; b++) {
		err = attach_bus(v, unit, b);
		if (err)
			return err;
	}
	return 0;
}

/* Every PCI device that a DRHD covers goes into the rich domain. */
static int attach_devices(struct gv_vtd *v, unsigned int *nr)
{
	struct pci_dev *pdev = NULL;
	int d, err;

	*nr = 0;
	for_each_pci_dev(pdev) {
		d = drhd_of(pdev);
		if (d < 0 || unit_of_drhd[d] < 0)
			continue;
		err = attach_dev(v, unit_of_drhd[d], pdev);
		if (err) {
			pci_dev_put(pdev);
			return err;
		}
		(*nr)++;
	}
	return 0;
}

static int read_dmar(void)
{
	struct acpi_table_header *hdr;
	const char *why = "?";
	acpi_status st;
	int err;

	st = acpi_get_table(ACPI_SIG_DMAR, 0, &hdr);
	if (ACPI_FAILURE(st) || !hdr) {
		pr_err("VT-d: no ACPI DMAR table: no remapping unit to take over\n");
		return -ENODEV;
	}
	dmar = kvzalloc(sizeof(*dmar), GFP_KERNEL);
	if (!dmar) {
		acpi_put_table(hdr);
		return -ENOMEM;
	}
	err = gv_dmar_parse(hdr, hdr->length, dmar, &why);
	acpi_put_table(hdr);
	if (err) {
		pr_err("VT-d: DMAR table rejected: %s (%d)\n", why, err);
		return err;
	}
	if (!dmar->nr_drhd) {
		pr_err("VT-d: the DMAR table lists no remapping unit\n");
		return -ENODEV;
	}
	return 0;
}

static void release_all(void)
{
	u32 i;

	for (i = 0; i < GV_VTD_MAX_UNITS; i++) {
		if (unit_regs[i])
			iounmap(unit_regs[i]);
		unit_regs[i] = NULL;
	}
	vfree(vtd);
	vtd = NULL;
	kvfree(dmar);
	dmar = NULL;
}

static int takeover(struct gv_vtd *v)
{
	struct gv_vtd_pt_stats st;
	unsigned int nr_dev;
	u32 i;
	int err;

	/* System RAM, as walk_system_ram_res() (not exported) finds it. */
	err = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0,
				  U64_MAX, v, add_ram);
	for (i = 0; !err && i < dmar->nr_rmrr; i++)
		err = gv_vtd_add_base(v, dmar->rmrr[i].base,
				      dmar->rmrr[i].limit - dmar->rmrr[i].base + 1);
	if (err)
		return err;
	err = add_units(v);
	if (err)
		return err;
	err = gv_vtd_build(v);
	if (err)
		return err;
	err = attach_devices(v, &nr_dev);
	err = err ?: gv_vtd_enable(v);
	if (err) {
		gv_vtd_teardown(v);
		return err;
	}
	gv_vtd_set_skip_iotlb(v, vtd_test_skip_iotlb);
	gv_vtd_pt_get_stats(&v->rich.pt, &st);
	pr_info("VT-d: %u unit(s) translating for %u PCI device(s); rich domain %u: %u RAM/RMRR ranges identity-mapped, %llu table pages, %llu 4K + %llu 2M + %llu 1G leaves\n",
		v->nr_units, nr_dev, v->rich.did, v->nr_base, st.tables,
		st.leaves[1], st.leaves[2], st.leaves[3]);
	return 0;
}

int gv_vtd_test_init(void)
{
	struct gv_vtd *v;
	int err;

	pr_warn("vtd_test_mode=1: TEST MODE. No hypervisor is launched; the VT-d units are driven from Linux, which could undo all of it. This is NOT a protection mode.\n");
	err = read_dmar();
	if (err)
		goto fail;
	v = vzalloc(sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto fail;
	}
	gv_vtd_init(v, &lx_ops);
	mutex_lock(&vtd_lock);
	vtd = v;
	err = takeover(v);
	mutex_unlock(&vtd_lock);
	if (err)
		goto fail;
	vtd_debugfs = debugfs_create_dir("greenvisor-vtd", NULL);
	debugfs_create_file("status", 0400, vtd_debugfs, NULL, &status_fops);
	schedule_delayed_work(&fault_work, msecs_to_jiffies(100));
	return 0;
fail:
	mutex_lock(&vtd_lock);
	release_all();
	mutex_unlock(&vtd_lock);
	pr_err("VT-d takeover refused or failed (%d); nothing was changed, the module does not load\n",
	       err);
	return err;
}

void gv_vtd_test_exit(void)
{
	debugfs_remove_recursive(vtd_debugfs);
	cancel_delayed_work_sync(&fault_work);
	mutex_lock(&vtd_lock);
	if (vtd) {
		gv_vtd_poll_faults(vtd, fault_print, NULL);
		gv_vtd_teardown(vtd);
	}
	release_all();
	mutex_unlock(&vtd_lock);
	pr_info("VT-d test mode ended: every unit off, tables freed (%ld pages still allocated)\n",
		atomic_long_read(&vtd_pages));
}
