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

#define GV_EPT_LOG_FIRST	16	/* log this many per CPU, then sample */
#define GV_EPT_LOG_EVERY	4096

static bool ept_log_wanted(struct gv_cpu *c, u32 reason)
{
	u64 n = c->exit_counts[reason];

	return n <= GV_EPT_LOG_FIRST || !(n % GV_EPT_LOG_EVERY);
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

void gv_handle_ept_violation(struct gv_cpu *c)
{
	u64 qual = gv_vmread(VMCS_EXIT_QUALIFICATION);

	record_violation(c, qual);
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
