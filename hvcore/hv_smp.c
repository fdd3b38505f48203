// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-CPU work in root mode: NMI IPIs, the VM-entry re-check, EPT
 * shootdown and quiesce (DESIGN.md "EPT"; docs/ept.md "Shootdown").
 *
 * A CPU reaches another one by setting a request and sending it an NMI
 * (NMI exiting is on, so a CPU in the guest exits at once; a CPU in root
 * mode takes it in gv_nmi_stub). Every CPU handles requests in
 * gv_service_requests(): on its way back into the guest and in every loop
 * where it waits for others, so two CPUs waiting for each other always
 * make progress. The last check before VMRESUME is in hv_entry.S, and the
 * NMI stub restarts that check when it interrupts it (gv_entry_window), so
 * a request or an NMI that arrives in root mode is never left behind.
 *
 * NMIs greenvisor sends are told apart from the guest's by a per-CPU
 * "outstanding" flag: at most one of ours is in flight per CPU, the first
 * NMI seen while it is set is taken as ours. An NMI of the platform that
 * coincides with ours is merged with it by the CPU (NMIs do not queue) and
 * is lost to the rich OS; Linux's NMI handlers poll their sources, so a
 * later NMI still finds the work.
 */
#include "hv_root.h"
#include "hv_vmx.h"

#define MSR_APIC_BASE		0x0000001b
#define APIC_BASE_X2APIC	BIT_ULL(10)
#define MSR_X2APIC_ICR		0x00000830
#define APIC_ICR_LO		0x300
#define APIC_ICR_HI		0x310
#define APIC_ICR_BUSY		BIT(12)
#define APIC_ICR_NMI		(BIT(10) | BIT(14))	/* delivery mode NMI, assert */
#define APIC_BUSY_SPINS		100000
/* Pauses between two NMIs to a CPU that has not answered yet. */
#define KICK_RETRY_SPINS	BIT(20)

static __always_inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static u32 *xapic_reg(struct gv_hv *hv, u32 off)
{
	return (u32 *)(hv->apic_va + off);
}

static void xapic_wait_idle(struct gv_hv *hv)
{
	unsigned int i;

	for (i = 0; i < APIC_BUSY_SPINS; i++) {
		if (!(READ_ONCE(*xapic_reg(hv, APIC_ICR_LO)) & APIC_ICR_BUSY))
			return;
		cpu_relax();
	}
}

/*
 * Send an NMI to @apic_id (SDM Vol. 3A, 11.6.1). In xAPIC mode the guest
 * may have been stopped between its two ICR writes: keep its ICR_HI.
 */
static void send_nmi(struct gv_hv *hv, u32 apic_id)
{
	u32 saved_hi;

	if (gv_rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC) {
		gv_wrmsr(MSR_X2APIC_ICR, ((u64)apic_id << 32) | APIC_ICR_NMI);
		return;
	}
	if (!hv->apic_va)
		return;
	xapic_wait_idle(hv);
	saved_hi = READ_ONCE(*xapic_reg(hv, APIC_ICR_HI));
	WRITE_ONCE(*xapic_reg(hv, APIC_ICR_HI), apic_id << 24);
	WRITE_ONCE(*xapic_reg(hv, APIC_ICR_LO), APIC_ICR_NMI);
	xapic_wait_idle(hv);
	WRITE_ONCE(*xapic_reg(hv, APIC_ICR_HI), saved_hi);
}

/* Make @t run gv_service_requests() soon: now if it is in the guest. */
static void kick_cpu(struct gv_cpu *self, struct gv_cpu *t)
{
	WRITE_ONCE(t->kick, 1);
	if (__atomic_exchange_n(&t->nmi_ipi_outstanding, 1, __ATOMIC_SEQ_CST))
		return;
	self->nmi_ipis_sent++;
	send_nmi(self->hv, t->apic_id);
}

/* An NMI arrived on this CPU: ours, or the guest's to be injected. */
static void note_nmi(struct gv_cpu *c)
{
	if (__atomic_exchange_n(&c->nmi_ipi_outstanding, 0, __ATOMIC_SEQ_CST)) {
		c->nmi_ipis_seen++;
		return;
	}
	WRITE_ONCE(c->nmi_pending, 1);
	/* Hypapps hear of it at the end of this or the next exit. */
	WRITE_ONCE(c->nmi_for_hypapps, 1);
}

static bool is_other_active(const struct gv_cpu *self, const struct gv_cpu *t)
{
	return t && t != self && READ_ONCE(t->active);
}

/* Stay parked while another CPU runs a quiesced change. */
static void park_if_quiesced(struct gv_cpu *c)
{
	struct gv_hv *hv = c->hv;
	u64 gen = __atomic_load_n(&hv->quiesce_active, __ATOMIC_ACQUIRE);

	if (!gen || hv->quiesce_owner == c->cpu)
		return;
	__atomic_store_n(&c->parked_gen, gen, __ATOMIC_RELEASE);
	while (__atomic_load_n(&hv->quiesce_active, __ATOMIC_ACQUIRE) == gen) {
		/* The quiesced change may itself need our flush. */
		gv_ept_flush_if_stale(c);
		cpu_relax();
	}
}

void gv_service_requests(struct gv_cpu *c)
{
	if (READ_ONCE(c->nmi_in_root)) {
		WRITE_ONCE(c->nmi_in_root, 0);
		note_nmi(c);
	}
	park_if_quiesced(c);
	gv_ept_flush_if_stale(c);
}

/* NMI-window exiting on or off; c->nmi_window mirrors the control. */
static void set_nmi_window(struct gv_cpu *c, bool on)
{
	u64 proc;

	if (c->nmi_window == on)
		return;
	proc = gv_vmread(VMCS_PROC_CTLS);
	gv_vmwrite(VMCS_PROC_CTLS, on ? proc | PROC_NMI_WINDOW :
					proc & ~(u64)PROC_NMI_WINDOW);
	c->nmi_window = on;
}

/*
 * Inject a pending guest NMI, or ask for an NMI-window exit when the guest
 * cannot take it now (SDM 26.3.1.5: no injection under STI or MOV SS
 * blocking or virtual-NMI blocking; 25.6.2 NMI-window exiting).
 */
static void deliver_pending_nmi(struct gv_cpu *c)
{
	u32 block = INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
		    INTERRUPTIBILITY_NMI;
	bool blocked;

	if (!READ_ONCE(c->nmi_pending)) {
		set_nmi_window(c, false);
		return;
	}
	blocked = (gv_vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID) ||
		  (gv_vmread(VMCS_GUEST_INTERRUPTIBILITY) & block);
	set_nmi_window(c, blocked);
	if (blocked)
		return;
	WRITE_ONCE(c->nmi_pending, 0);
	c->nmis_reinjected++;
	gv_vmwrite(VMCS_ENTRY_INTR_INFO,
		   INTR_INFO_VALID | INTR_TYPE_NMI | VECTOR_NMI);
}

/*
 * Called by hv_entry.S before every VMRESUME, again whenever the kick flag
 * was set after this cleared it.
 */
void gv_prepare_entry(void)
{
	struct gv_cpu *c = gv_this_cpu();

	WRITE_ONCE(c->kick, 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	gv_service_requests(c);
	deliver_pending_nmi(c);
}

/*
 * The exit interrupted a guest IRET that had unblocked NMIs (virtual
 * NMIs: SDM Vol. 3C, 28.2.2 and 28.2.1 for EPT violations): the IRET
 * restarts, so virtual-NMI blocking must be in force again on entry.
 */
void gv_restore_nmi_blocking(u32 info_or_qual)
{
	if (!(info_or_qual & INTR_INFO_NMI_UNBLOCKED_IRET) ||
	    (gv_vmread(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID))
		return;
	gv_vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
		   gv_vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

/*
 * Exit reason 0 with an NMI (NMI exiting): account it. Like KVM and Xen we
 * do not rely on VM entry to unblock NMIs after an NMI-induced exit: an
 * IRET in root mode does (gv_unblock_nmis).
 */
void gv_handle_nmi_exit(struct gv_cpu *c)
{
	u32 info = (u32)gv_vmread(VMCS_EXIT_INTR_INFO);

	if ((info & INTR_TYPE_MASK) != INTR_TYPE_NMI) {
		gv_log("cpu%u: unexpected exception exit, info %x", c->cpu, info);
		return;
	}
	gv_restore_nmi_blocking(info);
	gv_unblock_nmis();
	note_nmi(c);
}

/* NMI-window exit: the guest can take an NMI now (gv_prepare_entry). */
void gv_handle_nmi_window(struct gv_cpu *c)
{
	set_nmi_window(c, false);
}

/* Wait until @done(t) holds for every other active CPU, kicking them. */
static void wait_for_others(struct gv_cpu *c,
			    bool (*done)(const struct gv_cpu *t, u64 gen),
			    u64 gen)
{
	struct gv_hv *hv = c->hv;
	u32 i, spins;

	for (i = 0; i < hv->nr_cpus; i++) {
		struct gv_cpu *t = hv->cpus[i];

		if (is_other_active(c, t) && !done(t, gen))
			kick_cpu(c, t);
	}
	for (i = 0; i < hv->nr_cpus; i++) {
		struct gv_cpu *t = hv->cpus[i];

		for (spins = 0; is_other_active(c, t) && !done(t, gen); spins++) {
			gv_service_requests(c);
			cpu_relax();
			/*
			 * Still nothing: our NMI may have gone elsewhere (a
			 * CPU launching takes it in Linux before VMLAUNCH).
			 * Send another even if one looks outstanding; at worst
			 * the rich OS sees one spurious NMI.
			 */
			if (spins && !(spins % KICK_RETRY_SPINS)) {
				__atomic_store_n(&t->nmi_ipi_outstanding, 0,
						 __ATOMIC_SEQ_CST);
				kick_cpu(c, t);
			}
		}
	}
}

static bool has_flushed(const struct gv_cpu *t, u64 gen)
{
	return READ_ONCE(t->ept_gen_seen) >= gen;
}

static bool is_parked(const struct gv_cpu *t, u64 gen)
{
	return __atomic_load_n(&t->parked_gen, __ATOMIC_ACQUIRE) == gen;
}

/*
 * The shootdown itself: a new generation, flushed here and waited for on
 * every other CPU in VMX operation. Call without ept_lock held.
 */
void gv_ept_shootdown(struct gv_cpu *c)
{
	u64 gen = __atomic_add_fetch(&c->hv->ept_gen, 1, __ATOMIC_SEQ_CST);

	gv_ept_flush_if_stale(c);
	wait_for_others(c, has_flushed, gen);
}

/*
 * EPT changes that remove access: gv_ept_update_begin(), change the views
 * under ept_lock, gv_ept_update_end(). The end runs the shootdown: every
 * CPU in VMX operation has flushed the views before it returns; a CPU not
 * in the guest right now flushes before its next VM entry, one in the
 * guest is made to exit by an NMI. Never call these with ept_lock held.
 */
void gv_ept_update_begin(struct gv_cpu *c)
{
	while (!gv_spin_trylock(&c->hv->ept_update_lock)) {
		gv_service_requests(c);
		cpu_relax();
	}
}

void gv_ept_update_end(struct gv_cpu *c)
{
	struct gv_hv *hv = c->hv;
	bool needed;

	gv_spin_lock(&hv->ept_lock);
	needed = gv_ept_flush_needed(&hv->rich) ||
		 gv_ept_flush_needed(&hv->green);
	gv_spin_unlock(&hv->ept_lock);
	if (needed) {
		gv_ept_shootdown(c);
		/* Unlinked tables are unreachable from every CPU now. */
		gv_spin_lock(&hv->ept_lock);
		gv_ept_flush_done(&hv->rich);
		gv_ept_flush_done(&hv->green);
		gv_spin_unlock(&hv->ept_lock);
	}
	gv_spin_unlock(&hv->ept_update_lock);
}

/*
 * Quiesce: every other CPU in VMX operation stops in root mode (parked in
 * gv_service_requests()) until gv_quiesce_end(). Nested use is not
 * allowed; two CPUs asking at once take turns, the later one parked while
 * it waits.
 */
void gv_quiesce_begin(struct gv_cpu *c)
{
	struct gv_hv *hv = c->hv;
	u64 gen;

	while (!gv_spin_trylock(&hv->quiesce_lock)) {
		gv_service_requests(c);
		cpu_relax();
	}
	gen = hv->quiesce_gen + 1;
	hv->quiesce_gen = gen;
	hv->quiesce_owner = c->cpu;
	__atomic_store_n(&hv->quiesce_active, gen, __ATOMIC_SEQ_CST);
	wait_for_others(c, is_parked, gen);
}

void gv_quiesce_end(struct gv_cpu *c)
{
	struct gv_hv *hv = c->hv;

	__atomic_store_n(&hv->quiesce_active, 0, __ATOMIC_RELEASE);
	gv_spin_unlock(&hv->quiesce_lock);
}

static u32 count_other_active(struct gv_cpu *c)
{
	u32 i, n = 0;

	for (i = 0; i < c->hv->nr_cpus; i++)
		n += is_other_active(c, c->hv->cpus[i]);
	return n;
}

/*
 * GV_HC_EPT_SYNC: a shootdown of every view on every CPU, whether or not
 * anything changed (the TLB-shootdown service; also what the shootdown
 * benchmark times). Returns the number of other CPUs that flushed.
 */
u32 gv_ept_sync_all(struct gv_cpu *c)
{
	u32 others;

	gv_ept_update_begin(c);
	gv_ept_shootdown(c);
	others = count_other_active(c);
	gv_spin_unlock(&c->hv->ept_update_lock);
	return others;
}

long gv_hc_ept_sync(struct gv_cpu *c, struct gv_regs *regs)
{
	regs->rdi = gv_ept_sync_all(c);
	return GV_OK;
}

/*
 * GV_HC_QUIESCE_PING: quiesce every other CPU, count those parked in this
 * quiesce, release them. A self-test and benchmark of the primitive.
 */
long gv_hc_quiesce_ping(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_hv *hv = c->hv;
	u32 i, parked = 0;

	gv_quiesce_begin(c);
	for (i = 0; i < hv->nr_cpus; i++) {
		struct gv_cpu *t = hv->cpus[i];

		parked += is_other_active(c, t) && is_parked(t, hv->quiesce_gen);
	}
	regs->rdi = parked;
	regs->rsi = count_other_active(c);
	gv_quiesce_end(c);
	return GV_OK;
}

/* GV_HC_SMP_STATS: one CPU's NMI and flush counters. */
long gv_hc_smp_stats(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_cpu *t;
	u64 idx = regs->rdi;

	if (idx >= c->hv->nr_cpus)
		return -GV_EINVAL;
	t = c->hv->cpus[idx & gv_index_mask_nospec(idx, c->hv->nr_cpus)];
	if (!t)
		return -GV_EINVAL;
	regs->rdi = READ_ONCE(t->nmi_ipis_sent);
	regs->rsi = READ_ONCE(t->nmi_ipis_seen);
	regs->rdx = READ_ONCE(t->nmis_reinjected);
	regs->r10 = READ_ONCE(t->remote_flushes);
	regs->r8 = READ_ONCE(t->ept_gen_seen);
	regs->r9 = READ_ONCE(c->hv->ept_gen);
	return GV_OK;
}
