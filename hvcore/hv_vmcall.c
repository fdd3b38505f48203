// SPDX-License-Identifier: GPL-2.0
/*
 * The vmcall dispatcher: one table, one permission check (DESIGN.md
 * "Hypercalls"; uapi/linux/greenvisor.h documents the ABI).
 */
#include "hv_root.h"
#include "hv_vmx.h"
#include "hv_hc_perm.h"

/* The rich OS's kernel (CPL0 only), or also its user space. */
#define RICH_CPL0	GV_HC_FROM_RICH
#define RICH_ANY	(GV_HC_FROM_RICH | GV_HC_FROM_USER)

struct gv_hc_entry {
	u32 flags;
	long (*handler)(struct gv_cpu *c, struct gv_regs *regs);
};

static long hc_version(struct gv_cpu *c, struct gv_regs *regs)
{
	regs->rdi = GV_ABI_VERSION;
	regs->rsi = c->cpu;
	regs->rdx = c->hv->features;
	return GV_OK;
}

static u64 *result_reg(struct gv_regs *regs, unsigned int i)
{
	u64 *const out[GV_EXIT_COUNTS_PER_CALL] = {
		&regs->rdi, &regs->rsi, &regs->rdx,
		&regs->r10, &regs->r8, &regs->r9,
	};

	return out[i];
}

/* The CPU a guest-supplied index names, or NULL; clamped against speculation. */
struct gv_cpu *gv_cpu_by_index(const struct gv_hv *hv, u64 idx)
{
	if (idx >= hv->nr_cpus)
		return NULL;
	return hv->cpus[idx & gv_index_mask_nospec(idx, hv->nr_cpus)];
}

static long hc_exit_counts(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_cpu *target = gv_cpu_by_index(c->hv, regs->rdi);
	u64 first = regs->rsi;
	unsigned int i;

	if (!target || first >= GV_EXIT_REASON_MAX)
		return -GV_EINVAL;
	for (i = 0; i < GV_EXIT_COUNTS_PER_CALL; i++) {
		u64 reason = first + i;

		*result_reg(regs, i) = reason < GV_EXIT_REASON_MAX ?
			READ_ONCE(target->exit_counts[reason]) : 0;
	}
	return GV_OK;
}

static long hc_log_read(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_cpu *target = gv_cpu_by_index(c->hv, regs->rdi);
	u8 bytes[GV_EXIT_COUNTS_PER_CALL * 8];
	unsigned int i;
	u32 n;

	if (!target)
		return -GV_EINVAL;
	gv_memset(bytes, 0, sizeof(bytes));
	n = gv_log_read(&target->log, bytes, sizeof(bytes));
	for (i = 0; i < GV_EXIT_COUNTS_PER_CALL; i++)
		gv_memcpy(result_reg(regs, i), &bytes[i * 8], 8);
	return n;
}

/*
 * A CPU outside VMX operation reads all memory: never while green memory
 * exists (the Linux side returns it first, which scrubs it).
 */
static long hc_devirt(struct gv_cpu *c, struct gv_regs *regs)
{
	if (gv_green_pages(c->hv))
		return -GV_EBUSY;
	gv_prepare_devirt(c);
	__atomic_store_n(&c->active, 0, __ATOMIC_SEQ_CST);
	c->devirt_requested = 1;
	return GV_OK;
}

static const struct gv_hc_entry gv_hc_table[] = {
	[GV_HC_VERSION]		= { RICH_ANY,	hc_version },
	[GV_HC_EXIT_COUNTS]	= { RICH_CPL0,	hc_exit_counts },
	[GV_HC_LOG_READ]	= { RICH_CPL0,	hc_log_read },
	[GV_HC_DEVIRT]		= { RICH_CPL0,	hc_devirt },
	[GV_HC_EPT_STATS]	= { RICH_CPL0,	gv_hc_ept_stats },
	[GV_HC_SELFTEST_CANARY]	= { RICH_CPL0,	gv_hc_selftest_canary },
	[GV_HC_EPT_QUERY]	= { RICH_CPL0,	gv_hc_ept_query },
	[GV_HC_MEM_LEND]	= { RICH_CPL0,	gv_hc_mem_lend },
	[GV_HC_MEM_RETURN]	= { RICH_CPL0,	gv_hc_mem_return },
	[GV_HC_GREEN_STATS]	= { RICH_CPL0,	gv_hc_green_stats },
	[GV_HC_SMP_STATS]	= { RICH_CPL0,	gv_hc_smp_stats },
	[GV_HC_EPT_SYNC]	= { RICH_CPL0,	gv_hc_ept_sync },
	[GV_HC_QUIESCE_PING]	= { RICH_CPL0,	gv_hc_quiesce_ping },
	[GV_HC_HYPAPP_REGISTER]	= { RICH_CPL0,	gv_hc_hypapp_register },
	[GV_HC_HYPAPP_UNREGISTER] = { RICH_CPL0, gv_hc_hypapp_unregister },
	[GV_HC_HYPAPP_INFO]	= { RICH_CPL0,	gv_hc_hypapp_info },
	[GV_HC_SHARED_PAGE]	= { RICH_CPL0,	gv_hc_shared_page },
	[GV_HC_EXIT_COUNTS_ALL]	= { RICH_CPL0,	gv_hc_exit_counts_all },
	[GV_HC_EVENT_READ]	= { RICH_CPL0,	gv_hc_event_read },
};

/*
 * Partitions with hypercall rights: the rich OS. The green partition gets
 * a partition id (and, by policy, rights) when it runs vCPUs (issue 5).
 */
static u32 caller_partition(struct gv_cpu *c)
{
	return GV_PART_RICH;
}

/*
 * The table entry of @nr, or its hypapp's slot (*@app, *@index, the call's
 * flags in *@app_flags): either way the flags gv_hc_permit() checks, or
 * NULL for an unknown number.
 */
static const u32 *lookup(struct gv_cpu *c, u64 nr,
			 const struct gv_hc_entry **e,
			 struct gv_hypapp_slot **app, u32 *index, u32 *app_flags)
{
	if (nr < GV_ARRAY_SIZE(gv_hc_table)) {
		*e = &gv_hc_table[nr & gv_index_mask_nospec(nr, GV_ARRAY_SIZE(gv_hc_table))];
		return (*e)->handler ? &(*e)->flags : NULL;
	}
	*app = gv_hypapp_lookup_hc(c, nr, index);
	if (!*app)
		return NULL;
	*app_flags = gv_hypapp_hc_perm(*app, *index);
	return app_flags;
}

void gv_handle_vmcall(struct gv_cpu *c, struct gv_regs *regs)
{
	u64 nr = (u32)regs->rax;
	const struct gv_hc_entry *e = NULL;
	struct gv_hypapp_slot *app = NULL;
	u32 index = 0, app_flags = 0;
	const u32 *flags = lookup(c, nr, &e, &app, &index, &app_flags);

	switch (gv_hc_permit((regs->rax >> 32) == GV_HC_SIGNATURE,
			     c->hv->hc_rights, caller_partition(c),
			     gv_guest_cpl(), flags)) {
	case GV_HC_RUN:
		break;
	case GV_HC_RAISE_UD:
		gv_inject_exception(VECTOR_UD, false, 0);
		return;
	case GV_HC_RAISE_GP:
		gv_inject_exception(VECTOR_GP, true, 0);
		return;
	default:
		regs->rax = (u64)-GV_EINVAL;
		gv_skip_instruction();
		return;
	}
	/* Before the handler: GV_HC_DEVIRT resumes Linux after the VMCALL. */
	gv_skip_instruction();
	if (app)
		regs->rax = (u64)gv_hypapp_call(c, app, index, regs);
	else
		regs->rax = (u64)e->handler(c, regs);
}
