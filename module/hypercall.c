// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-side VMCALL wrappers (register convention: uapi/linux/greenvisor.h).
 * This is the only way the Linux side reaches the root side after launch.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include "gv_core.h"
#include "../include/greenvisor/vmcall.h"

struct gv_hc_args {
	unsigned long a[6];
};

static long gv_vmcall(u32 nr, struct gv_hc_args *io)
{
	return gv_vmcall6(nr, io->a);
}

int gv_hc_version(u32 *abi, u32 *cpu, u32 *features)
{
	struct gv_hc_args io = { };
	long ret = gv_vmcall(GV_HC_VERSION, &io);

	*abi = io.a[0];
	*cpu = io.a[1];
	*features = io.a[2];
	return ret;
}

/*
 * Each CPU's shared page (GV_HC_SHARED_PAGE). Registered right before each
 * use with preemption off: any CPL0 code may replace a registration, and
 * the page must be this CPU's while the call writes it.
 */
static DEFINE_PER_CPU(u64 *, gv_shared_page);

void gv_hc_shared_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(gv_shared_page, cpu));
		per_cpu(gv_shared_page, cpu) = NULL;
	}
}

int gv_hc_shared_alloc(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		per_cpu(gv_shared_page, cpu) = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!per_cpu(gv_shared_page, cpu)) {
			gv_hc_shared_free();
			return -ENOMEM;
		}
	}
	return 0;
}

/* Every exit count of @cpu, in one call through the shared page. */
int gv_hc_exit_counts(unsigned int cpu, u64 counts[GV_EXIT_REASON_MAX])
{
	u64 *page = per_cpu(gv_shared_page, get_cpu());
	struct gv_hc_args io = { .a = { virt_to_phys(page) } };
	long ret = gv_vmcall(GV_HC_SHARED_PAGE, &io);

	if (!ret) {
		io = (struct gv_hc_args){ .a = { cpu } };
		ret = gv_vmcall(GV_HC_EXIT_COUNTS_ALL, &io);
	}
	if (!ret)
		memcpy(counts, page, GV_EXIT_REASON_MAX * sizeof(u64));
	put_cpu();
	return ret;
}

int gv_hc_ept_stats_read(struct gv_ept_stats_out *st)
{
	struct gv_hc_args io = { };
	long ret = gv_vmcall(GV_HC_EPT_STATS, &io);

	if (ret)
		return ret;
	st->tables = io.a[0];
	st->leaves_1g = io.a[1];
	st->leaves_2m = io.a[2];
	st->leaves_4k = io.a[3];
	memset(&io, 0, sizeof(io));
	ret = gv_vmcall(GV_HC_GREEN_STATS, &io);
	st->green_pages = io.a[0];
	st->green_tables = io.a[1];
	return ret;
}

/*
 * How the rich view maps @gpa: the host-physical address of @gpa, the size
 * of the leaf that maps it, its permissions (bit 0 R, 1 W, 2 X) and memory
 * type (SDM encoding, bit 3 ignore-PAT). -GV_ENOENT when not mapped,
 * -GV_ERANGE beyond the guest-physical width.
 */
int gv_hc_ept_query_gpa(u64 gpa, u64 *hpa, u64 *size, u32 *perm, u32 *mt)
{
	struct gv_hc_args io = { .a = { gpa } };
	long ret = gv_vmcall(GV_HC_EPT_QUERY, &io);

	if (ret)
		return ret;
	*hpa = io.a[0];
	*size = io.a[1];
	*perm = io.a[2];
	*mt = io.a[3];
	return 0;
}

/* Returns the number of bytes copied into @buf (at most 48), or -errno. */
int gv_hc_log_read(unsigned int cpu, char *buf, size_t len)
{
	struct gv_hc_args io = { .a = { cpu } };
	long ret = gv_vmcall(GV_HC_LOG_READ, &io);

	if (ret < 0)
		return ret;
	ret = min_t(long, ret, len);
	memcpy(buf, io.a, ret);
	return ret;
}

int gv_hc_devirt(void)
{
	struct gv_hc_args io = { };

	return gv_vmcall(GV_HC_DEVIRT, &io);
}

/* GV_HC_MEM_LEND / GV_HC_MEM_RETURN, one step: 0, GV_HC_RETRY or -errno. */
long gv_hc_mem_step(u32 nr, u64 pa, u64 size, u64 *done)
{
	struct gv_hc_args io = { .a = { pa, size } };
	long ret = gv_vmcall(nr, &io);

	*done = io.a[1];
	return ret;
}

int gv_hc_event_next(unsigned int cpu, u64 w[6])
{
	struct gv_hc_args io = { .a = { cpu, 0 } };
	long ret = gv_vmcall(GV_HC_EVENT_READ, &io);

	if (ret == 1)
		memcpy(w, io.a, 6 * sizeof(u64));
	return ret;
}

int gv_hc_event_counts(unsigned int cpu, u64 *posted, u64 *dropped)
{
	struct gv_hc_args io = { .a = { cpu, 1 } };
	long ret = gv_vmcall(GV_HC_EVENT_READ, &io);

	*posted = io.a[0];
	*dropped = io.a[1];
	return ret;
}
