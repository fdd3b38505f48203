// SPDX-License-Identifier: GPL-2.0
/*
 * greenvisor VT-d test driver for QEMU's "edu" device (1234:11e8, QEMU
 * docs/specs/edu.txt): DMA between a few pages of RAM and the device's
 * 4 KiB buffer, driven through debugfs, with greenvisor's DMA API
 * (vtd/greenvisor_dma.h) to protect pages, lend them to the green
 * partition and assign the device to it. The guest script
 * tools/rig/suites/vtd.sh drives it; see docs/vtd-hw.md.
 *
 * greenvisor's API is looked up with symbol_get(), so this module also
 * loads without greenvisor (DMA then goes wherever the IOMMU, if any, lets
 * it).
 *
 * /sys/kernel/debug/gv_edu_test/cmd takes one command per write; the write
 * fails with the command's errno; /sys/kernel/debug/gv_edu_test/result
 * reads the last command's result line. Pages are numbered 0..3:
 *   fill I V / check I V    CPU-fill page I with byte V / compare it
 *   to_dev I / from_dev I   DMA page I -> device buffer / buffer -> page I
 *                           (2 KiB: QEMU 7.2's edu aborts on 4 KiB)
 *   pa I                    the page's physical address
 *   protect I / unprotect I, green_add I / green_remove I
 *   protect_raw PA SIZE / unprotect_raw PA SIZE / green_add_raw PA SIZE
 *   assign / release        this device to / from the green partition
 *   assign_raw SEG BUS DEVFN
 *   faults                  counters and the last fault
 *   gsts                    GSTS of the unit at drhd= (0x1c), 0 when none
 *   dev N                   act on the N-th edu device (0 or 1) from now on
 *   bench N                 protect, then unprotect, N pages of a 2 MiB block
 *                           one by one (no DMA): times and invalidations
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <asm/cacheflush.h>
#include "../../../vtd/greenvisor_dma.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_BUF		0x40000	/* the device's buffer in its DMA space */
#define EDU_XFER	2048
#define EDU_DMA_LIMIT	(256ull << 20)	/* 28-bit DMA mask */
#define NPAGES		4

static unsigned long long drhd;
module_param(drhd, ullong, 0644);
MODULE_PARM_DESC(drhd, "physical address of the VT-d unit's registers (for 'gsts')");

static unsigned int timeout_ms = 3000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "DMA completion timeout");

#define NDEVS		2	/* a second edu: faults of two requesters */

static struct pci_dev *edus[NDEVS];
static void __iomem *bars[NDEVS];
static unsigned int cur;	/* the device commands act on */
static struct pci_dev *edu;
static void __iomem *bar;
static struct page *pages[NPAGES];
static DEFINE_MUTEX(lock);
static char result[256];
static struct dentry *dir;

static u64 page_pa(unsigned int i)
{
	return page_to_phys(pages[i]);
}

static int edu_dma(unsigned int i, bool to_ram)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);
	u64 pa = page_pa(i);

	writeq(to_ram ? EDU_BUF : pa, bar + EDU_DMA_SRC);
	writeq(to_ram ? pa : EDU_BUF, bar + EDU_DMA_DST);
	writel(EDU_XFER, bar + EDU_DMA_CNT);
	writel(EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0), bar + EDU_DMA_CMD);
	while (readl(bar + EDU_DMA_CMD) & EDU_DMA_RUN) {
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		usleep_range(5000, 10000);
	}
	/* The CPU must see what the device wrote, not a stale line. */
	if (to_ram)
		clflush_cache_range(page_address(pages[i]), EDU_XFER);
	return 0;
}

static int check_page(unsigned int i, u8 v)
{
	u8 *p = page_address(pages[i]);
	unsigned int k;

	for (k = 0; k < EDU_XFER; k++) {
		if (p[k] != v) {
			snprintf(result, sizeof(result),
				 "mismatch at %u: 0x%02x, want 0x%02x", k, p[k], v);
			return 0;
		}
	}
	snprintf(result, sizeof(result), "match");
	return 0;
}

/* Call a greenvisor_* function if greenvisor is loaded, else -ENOENT. */
#define GV_CALL(fn, ...) ({					\
	typeof(&fn) __f = symbol_get(fn);			\
	int __r = -ENOENT;					\
	if (__f) {						\
		__r = __f(__VA_ARGS__);				\
		symbol_put(fn);					\
	}							\
	__r;							\
})

static int do_faults(void)
{
	struct greenvisor_dma_counts c;
	struct greenvisor_dma_fault f = {};
	int n = GV_CALL(greenvisor_dma_faults, &c, &f, 1);

	if (n < 0)
		return n;
	snprintf(result, sizeof(result),
		 "faults %llu overflows %llu iotlb %llu skipped %llu ctx %llu last_sid 0x%04x last_reason %u last_write %u last_addr 0x%llx",
		 c.faults, c.overflows, c.iotlb_invalidations, c.iotlb_skipped,
		 c.ctx_invalidations, n ? f.sid : 0, n ? f.reason : 0,
		 n ? f.write : 0, n ? f.addr : 0);
	return 0;
}

static int do_bench(unsigned int n)
{
	struct greenvisor_dma_counts c0, c1;
	struct page *blk;
	u64 pa, t0, t1, t2;
	unsigned int i, done = 0;
	int err = 0;

	if (!n || n > 512)
		return -EINVAL;
	blk = alloc_pages(GFP_KERNEL, 9);
	if (!blk)
		return -ENOMEM;
	pa = page_to_phys(blk);
	err = GV_CALL(greenvisor_dma_faults, &c0, NULL, 0);
	t0 = ktime_get_ns();
	for (; !err && done < n; done++)
		err = GV_CALL(greenvisor_dma_protect, pa + done * PAGE_SIZE,
			      PAGE_SIZE);
	t1 = ktime_get_ns();
	for (i = 0; i < done; i++)
		GV_CALL(greenvisor_dma_unprotect, pa + i * PAGE_SIZE, PAGE_SIZE);
	t2 = ktime_get_ns();
	if (!err)
		err = GV_CALL(greenvisor_dma_faults, &c1, NULL, 0);
	__free_pages(blk, 9);
	if (err)
		return err;
	snprintf(result, sizeof(result),
		 "pages %u protect_us_per_page %llu unprotect_us_per_page %llu iotlb_invalidations %llu",
		 n, div_u64(t1 - t0, 1000ull * n), div_u64(t2 - t1, 1000ull * n),
		 c1.iotlb_invalidations - c0.iotlb_invalidations);
	return 0;
}

static int do_gsts(void)
{
	void __iomem *r;

	if (!drhd)
		return -EINVAL;
	r = ioremap(drhd, PAGE_SIZE);
	if (!r)
		return -ENOMEM;
	snprintf(result, sizeof(result), "0x%x", readl(r + 0x1c));
	iounmap(r);
	return 0;
}

static int run(char *cmd)
{
	u16 seg = pci_domain_nr(edu->bus);
	u8 bus = edu->bus->number, devfn = edu->devfn;
	unsigned long long a, b, c;
	unsigned int i, v;
	char op[24];
	int n;

	n = sscanf(cmd, "%23s %llx %llx %llx", op, &a, &b, &c);
	if (n < 1)
		return -EINVAL;
	i = a;
	if (n >= 2 && !strstr(op, "_raw") && strcmp(op, "bench") && i >= NPAGES)
		return -EINVAL;
	v = b;
	snprintf(result, sizeof(result), "ok");
	if (!strcmp(op, "fill") && n == 3) {
		memset(page_address(pages[i]), v, PAGE_SIZE);
		clflush_cache_range(page_address(pages[i]), PAGE_SIZE);
		return 0;
	}
	if (!strcmp(op, "check") && n == 3)
		return check_page(i, v);
	if (!strcmp(op, "to_dev") && n == 2)
		return edu_dma(i, false);
	if (!strcmp(op, "from_dev") && n == 2)
		return edu_dma(i, true);
	if (!strcmp(op, "pa") && n == 2) {
		snprintf(result, sizeof(result), "0x%llx", page_pa(i));
		return 0;
	}
	if (!strcmp(op, "protect") && n == 2)
		return GV_CALL(greenvisor_dma_protect, page_pa(i), PAGE_SIZE);
	if (!strcmp(op, "unprotect") && n == 2)
		return GV_CALL(greenvisor_dma_unprotect, page_pa(i), PAGE_SIZE);
	if (!strcmp(op, "green_add") && n == 2)
		return GV_CALL(greenvisor_green_mem_add, page_pa(i), PAGE_SIZE);
	if (!strcmp(op, "green_remove") && n == 2)
		return GV_CALL(greenvisor_green_mem_remove, page_pa(i), PAGE_SIZE);
	if (!strcmp(op, "protect_raw") && n == 3)
		return GV_CALL(greenvisor_dma_protect, a, b);
	if (!strcmp(op, "unprotect_raw") && n == 3)
		return GV_CALL(greenvisor_dma_unprotect, a, b);
	if (!strcmp(op, "green_add_raw") && n == 3)
		return GV_CALL(greenvisor_green_mem_add, a, b);
	if (!strcmp(op, "assign") && n == 1)
		return GV_CALL(greenvisor_dma_assign, seg, bus, devfn);
	if (!strcmp(op, "release") && n == 1)
		return GV_CALL(greenvisor_dma_release, seg, bus, devfn);
	if (!strcmp(op, "assign_raw") && n == 4)
		return GV_CALL(greenvisor_dma_assign, a, b, c);
	if (!strcmp(op, "faults") && n == 1)
		return do_faults();
	if (!strcmp(op, "gsts") && n == 1)
		return do_gsts();
	if (!strcmp(op, "bench") && n == 2)
		return do_bench(a);
	if (!strcmp(op, "dev") && n == 2) {
		if (a >= NDEVS || !edus[a])
			return -ENODEV;
		cur = a;
		edu = edus[cur];
		bar = bars[cur];
		snprintf(result, sizeof(result), "%s", pci_name(edu));
		return 0;
	}
	return -EINVAL;
}

static ssize_t cmd_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *off)
{
	char buf[96];
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&lock);
	err = run(buf);
	if (err)
		snprintf(result, sizeof(result), "error %d", err);
	mutex_unlock(&lock);
	return err ? err : len;
}

static const struct file_operations cmd_fops = {
	.owner = THIS_MODULE,
	.write = cmd_write,
};

static ssize_t result_read(struct file *f, char __user *ubuf, size_t len,
			   loff_t *off)
{
	char buf[sizeof(result) + 1];
	int n;

	mutex_lock(&lock);
	n = scnprintf(buf, sizeof(buf), "%s\n", result);
	mutex_unlock(&lock);
	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static const struct file_operations result_fops = {
	.owner = THIS_MODULE,
	.read = result_read,
};

static void free_pages_all(void)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++) {
		if (pages[i])
			__free_page(pages[i]);
		pages[i] = NULL;
	}
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	unsigned int i, k;
	int err;

	for (k = 0; k < NDEVS && edus[k]; k++)
		;
	if (k == NDEVS)
		return -EBUSY;
	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = pcim_iomap_regions(pdev, BIT(0), "gv_edu_test");
	if (err)
		return err;
	pci_set_master(pdev);
	mutex_lock(&lock);
	edus[k] = pdev;
	bars[k] = pcim_iomap_table(pdev)[0];
	mutex_unlock(&lock);
	dev_info(&pdev->dev, "edu %u, id 0x%08x\n", k, readl(bars[k] + EDU_ID));
	if (k)
		return 0;
	edu = pdev;
	bar = bars[0];
	for (i = 0; i < NPAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL | GFP_DMA | __GFP_ZERO);
		if (!pages[i] || page_pa(i) + PAGE_SIZE > EDU_DMA_LIMIT) {
			free_pages_all();
			edus[0] = NULL;
			return -ENOMEM;
		}
	}
	dir = debugfs_create_dir("gv_edu_test", NULL);
	debugfs_create_file("cmd", 0200, dir, NULL, &cmd_fops);
	debugfs_create_file("result", 0400, dir, NULL, &result_fops);
	dev_info(&pdev->dev, "pages at 0x%llx 0x%llx 0x%llx 0x%llx\n",
		 page_pa(0), page_pa(1), page_pa(2), page_pa(3));
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	unsigned int i;

	mutex_lock(&lock);
	if (pdev != edus[0]) {
		/* The second device: switch back to the first. */
		edus[1] = NULL;
		bars[1] = NULL;
		cur = 0;
		edu = edus[0];
		bar = bars[0];
		mutex_unlock(&lock);
		return;
	}
	mutex_unlock(&lock);
	/* The first device owns the pages and the debugfs files. */
	debugfs_remove_recursive(dir);
	/* Undo what a test left behind; errors mean it was not there. */
	GV_CALL(greenvisor_dma_release, pci_domain_nr(pdev->bus),
		pdev->bus->number, pdev->devfn);
	for (i = 0; i < NPAGES; i++) {
		GV_CALL(greenvisor_dma_unprotect, page_pa(i), PAGE_SIZE);
		GV_CALL(greenvisor_green_mem_remove, page_pa(i), PAGE_SIZE);
	}
	free_pages_all();
	edus[0] = NULL;
	edu = NULL;
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "gv_edu_test",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("greenvisor VT-d test driver for QEMU's edu device");
MODULE_LICENSE("GPL");
