/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root-side data. Everything here lives in the pool; the Linux side fills it
 * in before launch and afterwards reaches it only through vmcalls.
 */
#ifndef GV_HV_PERCPU_H
#define GV_HV_PERCPU_H

#include "hv_types.h"
#include "hv_palloc.h"
#include "../ept/ept_mtrr.h"
#include "../ept/ept_table.h"
#include "../ept/ept_lend.h"
#include "../include/greenvisor/hypapp_ept.h"
#include "hv_hypapp.h"
#include "hv_event.h"
#include "../uapi/linux/greenvisor.h"

#define GV_PAGE_SIZE		4096
#define GV_HOST_STACK_SIZE	(4 * GV_PAGE_SIZE)
#define GV_IST_STACK_SIZE	GV_PAGE_SIZE
#define GV_LOG_RING_SIZE	2048	/* power of two */
#define GV_TMP_GDT_OFFSET	2048	/* devirt GDT in the second half of the GDT page */
#define GV_TMP_GDT_ENTRIES	256

/* Offset of gv_cpu.kick, used by hv_entry.S (checked by static_assert). */
#define GV_CPU_KICK		16

/* Host GDT layout (per CPU). */
#define GV_HOST_CS		0x08
#define GV_HOST_DS		0x10
#define GV_HOST_TR		0x18

/*
 * Guest general-purpose registers as hv_entry.S pushes them on VM exit;
 * RSP lives in the VMCS, the slot is padding that keeps the stack aligned.
 */
struct gv_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 pad;
};

struct gv_dtr {
	u16 limit;
	u64 base;
} __packed;

/*
 * What the devirtualization path (hv_entry.S) restores after VMXOFF; the
 * offsets are used from assembly (GV_DEVIRT_* below, checked at build time).
 */
struct gv_devirt {
	u64 cr0;		/* 0 */
	u64 cr3;		/* 8 */
	u64 cr4;		/* 16 */
	u64 rip;		/* 24 */
	u64 rsp;		/* 32 */
	u64 rflags;		/* 40 */
	u64 fs_base;		/* 48 */
	u64 gs_base;		/* 56 */
	u64 dr7;		/* 64 */
	u16 cs, ss, ds, es;	/* 72 .. 78 */
	u16 fs, gs, tr, ldtr;	/* 80 .. 86 */
	struct gv_dtr gdtr;	/* 88 */
	u8 pad0[6];
	struct gv_dtr idtr;	/* 104 */
	u8 pad1[6];
	struct gv_dtr tmp_gdtr;	/* 120 */
	u8 pad2[6];
};

#define GV_DEVIRT_CR0		0
#define GV_DEVIRT_CR3		8
#define GV_DEVIRT_CR4		16
#define GV_DEVIRT_RIP		24
#define GV_DEVIRT_RSP		32
#define GV_DEVIRT_RFLAGS	40
#define GV_DEVIRT_FS_BASE	48
#define GV_DEVIRT_GS_BASE	56
#define GV_DEVIRT_DR7		64
#define GV_DEVIRT_CS		72
#define GV_DEVIRT_SS		74
#define GV_DEVIRT_DS		76
#define GV_DEVIRT_ES		78
#define GV_DEVIRT_FS		80
#define GV_DEVIRT_GS		82
#define GV_DEVIRT_TR		84
#define GV_DEVIRT_LDTR		86
#define GV_DEVIRT_GDTR		88
#define GV_DEVIRT_IDTR		104
#define GV_DEVIRT_TMP_GDTR	120

/* Single-producer (root, owning CPU) single-consumer (LOG_READ) ring. */
struct gv_log_ring {
	u32 head;		/* written by the producer */
	u32 tail;		/* written by the consumer */
	u32 dropped;
	char buf[GV_LOG_RING_SIZE];
};

struct gv_hv;

#define GV_EPT_HANDLERS_MAX	16	/* hypapp ids 1 .. 15 */

/* A hypapp's EPT-violation handler (gv_hpt_claim()). */
struct gv_ept_handler {
	gv_ept_fault_fn fn;
	void *arg;
};

/* The last EPT violation a CPU took, for the control plane and tests. */
struct gv_ept_violation {
	u64 gpa;
	u64 gva;		/* ~0 when the qualification says not valid */
	u64 qualification;
	u64 rip;
};

/* Root-side per-CPU state; HOST_GS_BASE points here (self at %gs:0). */
struct gv_cpu {
	struct gv_cpu *self;
	struct gv_hv *hv;
	/*
	 * Set by the NMI stub (both bytes at once) and by other CPUs asking
	 * this one to flush or park: the VM-entry path re-checks before
	 * VMRESUME (hv_entry.S, GV_CPU_KICK).
	 */
	u8 kick;
	u8 nmi_in_root;		/* an NMI hit root mode, not yet accounted */
	u8 nmi_ipi_outstanding;	/* an NMI greenvisor sent here, not yet seen */
	u8 active;		/* in VMX operation (launch .. devirt) */
	u32 cpu;		/* Linux CPU number */
	u32 apic_id;		/* for NMI IPIs (x2APIC or xAPIC ID) */
	u16 vpid;
	u8 devirt_requested;
	u8 nmi_pending;		/* a guest NMI waits for injection */
	u8 nmi_window;		/* NMI-window exiting is on in the VMCS */
	u8 first_exit_seen;
	u8 nmi_for_hypapps;	/* a rich-OS NMI hypapps have not heard of */
	u64 ept_gen_seen;	/* last hv->ept_gen this CPU flushed */
	u64 parked_gen;		/* quiesce generation this CPU is parked in */
	u64 nmi_ipis_sent;	/* statistics: NMIs this CPU sent as IPIs */
	u64 nmi_ipis_seen;	/* ... and received (not given to the guest) */
	u64 remote_flushes;	/* flushes another CPU asked for */
	u64 launch_fail_rip;	/* where an entry failure resumes Linux */
	u32 entry_fail_reason;	/* set when VM entry failed at launch */
	u32 entry_fail_qual;
	u64 cr4_fixed0, cr4_fixed1;
	u64 exit_counts[GV_EXIT_REASON_MAX];
	u64 nmis_reinjected;
	struct gv_ept_violation last_violation;
	u64 hostpt_gen;		/* last hv->hostpt_gen this CPU's TLB has */
	u64 shared_gpa;		/* GV_HC_SHARED_PAGE, 0: none (ept_lock) */
	struct gv_regs *exit_regs;	/* the guest GPRs of the exit in progress */
	u64 refusals;		/* refused calls, for gv_log_sampled() */
	struct gv_devirt devirt;
	struct gv_log_ring log;
	struct gv_event_ring events;
};

/*
 * Per-CPU pool block: one physically contiguous, page-aligned allocation.
 * The IST stack's top holds a pointer to the gv_cpu, so the NMI handler
 * finds its CPU without %gs (it may run while GS_BASE is being restored).
 */
struct gv_cpu_pages {
	u8 vmxon[GV_PAGE_SIZE];
	u8 vmcs[GV_PAGE_SIZE];
	u8 gdt[GV_PAGE_SIZE];
	u8 tss[GV_PAGE_SIZE];
	u8 ist_stack[GV_IST_STACK_SIZE];
	u8 stack[GV_HOST_STACK_SIZE];
	union {
		struct gv_cpu cpu;
		u8 cpu_page[2 * GV_PAGE_SIZE];
	};
};

/* Global root-side state, shared by all CPUs (pool). */
struct gv_hv {
	u8 idt[GV_PAGE_SIZE];
	u8 msr_bitmap[GV_PAGE_SIZE];
	u32 features;		/* GV_FEAT_* */
	u32 hc_rights;		/* partitions with hypercall rights (hv_hc_perm.h) */
	u32 nr_cpus;		/* size of cpus[] */
	u64 xcr0_supported;	/* CPUID.(0DH,0):EDX:EAX */
	u64 feature_control;	/* IA32_FEATURE_CONTROL as the guest reads it */
	struct gv_palloc palloc;	/* EPT tables and other dynamic pages */
	struct gv_spinlock ept_lock;	/* one writer at a time per view */
	/* Held across a change and its shootdown (gv_ept_update_begin()). */
	struct gv_spinlock ept_update_lock;
	struct gv_mtrr_state mtrr;	/* the MTRRs the rich view follows */
	struct gv_ept_view rich;	/* the rich OS's identity view */
	u64 rich_eptp;
	u64 rich_limit;		/* the identity map covers [0, rich_limit) */
	u64 ept_gen;		/* bumped when CPUs must flush the rich view */
	u64 canary_pa;		/* pool page for protection self-tests */
	struct gv_ept_view green;	/* the green partition's view */
	u64 green_eptp;
	struct gv_mem_op mem_op;	/* lend/return in progress (continuation) */
	struct gv_ram_map ram;	/* what the rich OS may lend: System RAM */
	struct gv_ram_map guard;	/* pool and root text: never remapped */
	struct gv_ept_owners owners;	/* ranges claimed by hypapps */
	struct gv_ept_handler ept_handlers[GV_EPT_HANDLERS_MAX];
	u64 ept_dispatched;	/* violations handed to a hypapp */
	u64 *window_ptes;	/* host PTEs of the per-CPU map windows */
	u64 window_base;	/* host VA of CPU 0's window; + cpu * 4 KiB */
	u64 apic_va;		/* host VA of the xAPIC page (x2APIC: unused) */
	struct gv_spinlock quiesce_lock;
	u64 quiesce_gen;	/* generation of the current/last quiesce */
	u64 quiesce_active;	/* == quiesce_gen while others must park */
	u32 quiesce_owner;	/* the CPU that runs the quiesced change */
	u64 host_cr3;		/* the root side's page tables (HOST_CR3) */
	u32 host_pt_levels;	/* 4 or 5 */
	u64 hostpt_gen;		/* bumped when a host mapping goes away */
	struct gv_hypapp_va_limits hypapp_va;	/* where hypapp text may be */
	struct gv_hypapp_table hypapps;	/* registered hypapps (quiesced writes) */
	struct gv_cpu *cpus[];	/* by Linux CPU number; NULL if absent */
};

/* Pages lent to the green partition: its view's 4 KiB leaves. */
static __always_inline u64 gv_green_pages(const struct gv_hv *hv)
{
	return READ_ONCE(hv->green.stats.leaves[1]);
}

#endif /* GV_HV_PERCPU_H */
