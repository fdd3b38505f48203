// SPDX-License-Identifier: GPL-2.0
/*
 * EPT exits and EPT vmcalls of the rich view (root side).
 *
 * Semantics of a blocked access (documented in uapi/linux/greenvisor.h):
 * the access does not happen, the exit is counted (exit reason 48), the
 * last one per CPU is recorded, and the guest gets a fault on the faulting
 * instruction:
 *  - at CPL0 with a valid guest-linear address, a not-present #PF for that
 *    address (CR2 set, W/I bits from the qualification). Linux treats it as
 *    a bad kernel access: a fault-tolerant access (copy_*_kernel_nofault()
 *    and other exception-table users) fails with -EFAULT, quietly; any
 *    other access oopses. A protection-fault error code would not do: Linux
 *    takes a write fault on a writable PTE for a stale TLB entry and
 *    retries forever (spurious_kernel_fault()), and #GP makes the uaccess
 *    fixups WARN.
 *  - otherwise (user mode, or an access without a linear address such as a
 *    guest page walk), #GP(0).
 */
#include "hv_root.h"
#include "hv_vmx.h"

/* The exit counter already counted this one: sample on it, not on a copy. */
static bool ept_log_wanted(struct gv_cpu *c, u32 reason)
{
	u64 n = c->exit_counts[reason];

	return n <= GV_LOG_SAMPLE_FIRST || !(n % GV_LOG_SAMPLE_EVERY);
}

static void record_violation(struct gv_cpu *c, u64 qual)
{
	struct gv_ept_violation *v = &c->last_violation;

	v->gpa = gv_vmread(VMCS_GUEST_PHYS_ADDR);
	v->gva = (qual & EPT_QUAL_GVA_VALID) ?
		 gv_vmread(VMCS_GUEST_LINEAR_ADDR) : ~0ull;
	v->qualification = qual;
	v->rip = gv_vmread(VMCS_GUEST_RIP);
}

#define PF_ERR_WRITE	BIT(1)
#define PF_ERR_FETCH	BIT(4)

static void inject_blocked_access_fault(u64 qual, u64 gva)
{
	u32 err = 0;

	if (!(qual & EPT_QUAL_GVA_VALID) || gv_guest_cpl() != 0) {
		gv_inject_exception(VECTOR_GP, true, 0);
		return;
	}
	if (qual & BIT(1))
		err |= PF_ERR_WRITE;
	if (qual & BIT(2))
		err |= PF_ERR_FETCH;
	/* VM entry does not load CR2: the guest sees the register itself. */
	asm volatile("mov %0, %%cr2" :: "r"(gva) : "memory");
	gv_inject_exception(VECTOR_PF, true, err);
}

/*
 * A violation on an access the view allows now comes from translations or
 * paging-structure caches older than a change (e.g. a table unlinked but
 * not yet flushed here): flush and retry instead of faulting the guest.
 */
static bool violation_is_stale(struct gv_cpu *c, u64 qual)
{
	struct gv_ept_leaf leaf;
	bool stale;

	gv_spin_lock(&c->hv->ept_lock);
	stale = !gv_ept_lookup(&c->hv->rich, gv_vmread(VMCS_GUEST_PHYS_ADDR), &leaf) &&
		(leaf.perm & (qual & GV_EPT_RWX)) == (qual & GV_EPT_RWX);
	gv_spin_unlock(&c->hv->ept_lock);
	if (stale)
		gv_invept(INVEPT_SINGLE_CONTEXT, c->hv->rich_eptp);
	return stale;
}

void gv_handle_ept_violation(struct gv_cpu *c)
{
	u64 qual = gv_vmread(VMCS_EXIT_QUALIFICATION);

	gv_restore_nmi_blocking((u32)qual);
	if (violation_is_stale(c, qual))
		return;
	record_violation(c, qual);
	if (gv_ept_dispatch(c, &c->last_violation) == GV_EPT_RETRY)
		return;
	gv_event_post(c, GV_EVENT_EPT_VIOLATION, 0, c->last_violation.gpa,
		      c->last_violation.gva, qual, c->last_violation.rip);
	if (ept_log_wanted(c, EXIT_REASON_EPT_VIOLATION))
		gv_log("cpu%u: EPT violation gpa=%llx gva=%llx %c%c%c rip=%llx: blocked",
		       c->cpu, c->last_violation.gpa, c->last_violation.gva,
		       (qual & 1) ? 'r' : '-', (qual & 2) ? 'w' : '-',
		       (qual & 4) ? 'x' : '-', c->last_violation.rip);
	inject_blocked_access_fault(qual, c->last_violation.gva);
}

/* A misconfiguration is a greenvisor bug; never hang on it. */
void gv_handle_ept_misconfig(struct gv_cpu *c)
{
	if (ept_log_wanted(c, EXIT_REASON_EPT_MISCONFIG))
		gv_log("cpu%u: EPT misconfiguration at gpa=%llx rip=%llx: #GP injected",
		       c->cpu, gv_vmread(VMCS_GUEST_PHYS_ADDR),
		       gv_vmread(VMCS_GUEST_RIP));
	gv_inject_exception(VECTOR_GP, true, 0);
}

/* GV_HC_EPT_STATS: table pages and leaves of the rich view. */
long gv_hc_ept_stats(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_ept_stats st;

	gv_spin_lock(&c->hv->ept_lock);
	gv_ept_get_stats(&c->hv->rich, &st);
	gv_spin_unlock(&c->hv->ept_lock);
	regs->rdi = st.tables;
	regs->rsi = st.leaves[3];
	regs->rdx = st.leaves[2];
	regs->r10 = st.leaves[1];
	return GV_OK;
}

/* FNV-1a over the canary page, read by the root side only. */
static u64 canary_sum(struct gv_cpu *c)
{
	const u8 *p = gv_palloc_va(&c->hv->palloc, c->hv->canary_pa);
	u64 h = 0xcbf29ce484222325ull;
	u32 i;

	for (i = 0; p && i < GV_PAGE_SIZE; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/*
 * GV_HC_SELFTEST_CANARY: where the protection self-test page is and what
 * it holds, plus this CPU's last EPT violation.
 */
long gv_hc_selftest_canary(struct gv_cpu *c, struct gv_regs *regs)
{
	regs->rdi = c->hv->canary_pa;
	regs->rsi = canary_sum(c);
	regs->rdx = c->last_violation.gpa;
	regs->r10 = c->last_violation.gva;
	regs->r8 = c->last_violation.qualification;
	regs->r9 = c->last_violation.rip;
	return GV_OK;
}

/*
 * Flush the views if they changed since this CPU's last flush (the green
 * view too: INVEPT of an EPTP this CPU never used is harmless).
 */
void gv_ept_flush_if_stale(struct gv_cpu *c)
{
	u64 gen = __atomic_load_n(&c->hv->ept_gen, __ATOMIC_ACQUIRE);

	if (c->ept_gen_seen == gen)
		return;
	gv_invept(INVEPT_SINGLE_CONTEXT, c->hv->rich_eptp);
	if (c->hv->green_eptp)
		gv_invept(INVEPT_SINGLE_CONTEXT, c->hv->green_eptp);
	c->remote_flushes++;
	__atomic_store_n(&c->ept_gen_seen, gen, __ATOMIC_RELEASE);
}

/*
 * WRMSR to an MTRR: check it as the CPU would, write it, and re-type the
 * identity view with a shootdown (SDM 11.11.8: Linux writes the MTRRs on
 * every CPU in a rendezvous; each waits here for the others' flushes).
 * Returns false if @msr is not an MTRR.
 */
bool gv_handle_mtrr_write(struct gv_cpu *c, u32 msr, u64 val)
{
	struct gv_hv *hv = c->hv;
	u64 old = 0;
	int err;

	if (!gv_mtrr_is_msr(&hv->mtrr, msr))
		return false;
	gv_ept_update_begin(c);
	gv_spin_lock(&hv->ept_lock);
	gv_mtrr_get_msr(&hv->mtrr, msr, &old);
	err = gv_mtrr_set_msr(&hv->mtrr, msr, val);
	if (!err && gv_wrmsr_safe(msr, val)) {
		gv_mtrr_set_msr(&hv->mtrr, msr, old);
		err = -GV_EINVAL;
	}
	if (!err && old != val &&
	    gv_ept_sync_mtrr(&hv->rich, &hv->mtrr, 0, hv->rich_limit))
		gv_log("cpu%u: out of arena pages re-typing EPT for MTRR %x",
		       c->cpu, msr);
	/*
	 * Linux re-enables the MTRRs last (SDM 11.11.8): types are final
	 * then, so fold the splits the intermediate states needed.
	 */
	if (!err && msr == GV_MSR_MTRR_DEF_TYPE && (val & GV_MTRR_DEF_E))
		gv_ept_merge(&hv->rich, 0, hv->rich_limit);
	gv_spin_unlock(&hv->ept_lock);
	/* Every CPU drops the old types before this WRMSR completes. */
	gv_ept_update_end(c);
	if (err)
		gv_inject_exception(VECTOR_GP, true, 0);
	else
		gv_skip_instruction();
	return true;
}

/* GV_HC_EPT_QUERY: how the rich view maps one guest-physical address. */
long gv_hc_ept_query(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_ept_leaf leaf;
	int err;

	gv_spin_lock(&c->hv->ept_lock);
	err = gv_ept_lookup(&c->hv->rich, regs->rdi, &leaf);
	gv_spin_unlock(&c->hv->ept_lock);
	if (err)
		return err;
	regs->rdi = leaf.hpa + (regs->rdi - leaf.gpa);
	regs->rsi = leaf.size;
	regs->rdx = leaf.perm;
	regs->r10 = leaf.mt;
	return GV_OK;
}
