/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypapp framework (DESIGN.md "Hypapps"; docs/hypapps.md is the guide).
 *
 * A hypapp is a kernel module with two halves:
 *  - a Linux half (module_init/exit, anything Linux offers) that describes
 *    the hypapp in a struct gv_hypapp and registers it with
 *    greenvisor_hypapp_register();
 *  - a root half: the callbacks of struct gv_hypapp_ops, which run in VMX
 *    root mode on greenvisor's stack and page tables. They live in the
 *    module's page-aligned section .gv_root_text (hypapps/hypapp.lds puts
 *    the text and read-only data of the objects listed in the module's
 *    gv-hypapp-root-objs there), obey the root-side rules (no Linux call,
 *    no Linux data: `make check-isolation` proves it) and may call only
 *    greenvisor's root API (include/greenvisor/hypapp_ept.h and the
 *    gv_hypapp_* root helpers below).
 *
 * Registration is a vmcall (GV_HC_HYPAPP_REGISTER): the root side copies
 * the description into the pool, maps the root text into its own page
 * tables, makes it read+execute in the rich EPT view, gives the hypapp
 * zeroed pool pages as its data and runs its init callback with every
 * other CPU quiesced. From then on, until it unregisters, the hypapp's
 * module cannot be unloaded (greenvisor holds a reference to it), and
 * greenvisor cannot be unloaded (the hypapp uses its symbols).
 */
#ifndef _GREENVISOR_HYPAPP_H
#define _GREENVISOR_HYPAPP_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/bits.h>
#include "../../uapi/linux/greenvisor.h"

struct gv_cpu;		/* the calling CPU's root state */
struct module;

/* Hypapp ids are 1 .. GV_HYPAPP_MAX (also their EPT owner ids). */
#define GV_HYPAPP_MAX		15
#define GV_HYPAPP_NAME_LEN	16
/* Root text + rodata of one hypapp: at most this many 4 KiB pages. */
#define GV_HYPAPP_TEXT_PAGES	64
/* Pool pages a hypapp may ask for as root-side data (one, for now). */
#define GV_HYPAPP_DATA_PAGES	1

/* Events; each may be flagged to run with the other CPUs quiesced. */
enum gv_hypapp_event {
	GV_HEV_INIT = 0,	/* once, at registration */
	GV_HEV_HYPERCALL,	/* a vmcall in the hypapp's number range */
	GV_HEV_EPT,		/* an EPT violation in a range it claimed */
	GV_HEV_CPUID,		/* CPUID of a leaf in its leaf range */
	GV_HEV_NMI,		/* an NMI of the rich OS (not greenvisor's) */
	GV_HEV_SHUTDOWN,	/* once, at unregistration */
	/* Not dispatched yet: registering a callback for these is -EOPNOTSUPP. */
	GV_HEV_PORT,		/* port I/O intercept */
	GV_HEV_MTRR,		/* MTRR change */
	GV_HEV_DB,		/* #DB */
	GV_HEV_BP,		/* #BP */
	GV_HEV_NR,
};

#define GV_HEV_DISPATCHED	GV_HEV_PORT	/* events below are dispatched */

/* Arguments and results of a hypapp's vmcall (uapi register convention). */
struct gv_hypapp_args {
	u64 a[6];	/* in: RDI, RSI, RDX, R10, R8, R9; out: the same */
};

/* CPUID answer of a hypapp's leaf. */
struct gv_hypapp_cpuid {
	u32 eax, ebx, ecx, edx;
};

/**
 * struct gv_hypapp_ops - the root callbacks. ROOT SIDE: each must be in
 * the hypapp's .gv_root_text section (checked at registration). @data is
 * the hypapp's pool data (zeroed at registration), @c the calling CPU.
 * NULL means "not interested" (every callback is optional except that a
 * hypercall range needs @hypercall and a CPUID range @cpuid).
 *
 * @init:      at registration, all other CPUs quiesced; nonzero (a
 *             negative GV_E* value) refuses the registration, which is
 *             then undone completely.
 * @hypercall: call number hc_base + @index (index < hc_count, clamped
 *             against speculation) from a caller the dispatcher already
 *             permitted (CPL0, or any CPL for the calls in hc_user);
 *             returns the status (0, GV_HC_RETRY, -GV_E*).
 * @ept:       a violation in a range claimed with gv_hypapp_ept_claim().
 * @cpuid:     CPUID leaf cpuid_base + @index; fill @out (subleaf in @ecx).
 * @nmi:       an NMI that is not greenvisor's arrived (it is still
 *             delivered to the rich OS).
 * @shutdown:  at unregistration, all other CPUs quiesced; release what
 *             init took (EPT claims are dropped by greenvisor anyway).
 * @port, @mtrr, @db, @bp: reserved; must be NULL (-EOPNOTSUPP).
 */
struct gv_hypapp_ops {
	int (*init)(struct gv_cpu *c, u32 id, void *data);
	long (*hypercall)(struct gv_cpu *c, u32 index,
			  struct gv_hypapp_args *args, void *data);
	int (*ept)(struct gv_cpu *c, u64 gpa, u64 gva, u64 qualification,
		   void *data);
	void (*cpuid)(struct gv_cpu *c, u32 index, u32 ecx,
		      struct gv_hypapp_cpuid *out, void *data);
	void (*nmi)(struct gv_cpu *c, void *data);
	void (*shutdown)(struct gv_cpu *c, void *data);
	void *port, *mtrr, *db, *bp;
};

/* The ept callback's verdicts (as enum gv_ept_verdict). */
#define GV_HYPAPP_EPT_BLOCK	0
#define GV_HYPAPP_EPT_RETRY	1

/**
 * struct gv_hypapp - what a hypapp registers (Linux memory; copied).
 * @owner:       THIS_MODULE: referenced while registered.
 * @name:        short name, unique among registered hypapps.
 * @ops:         the root callbacks.
 * @hc_base, @hc_count: its vmcall numbers, [hc_base, hc_base + hc_count)
 *               inside [GV_HC_HYPAPP_FIRST, GV_HC_HYPAPP_END); 0 calls
 *               is allowed. Overlap with a registered hypapp: -EBUSY.
 * @hc_user:     bit i set: call hc_base + i (i < 64) may also be made from
 *               CPL 1-3; every call may be made by the rich OS's kernel.
 * @cpuid_base, @cpuid_count: CPUID leaves it answers, inside
 *               [GV_CPUID_HYPAPP_FIRST, GV_CPUID_HYPAPP_END). Overlap:
 *               -EBUSY.
 * @quiesce:     BIT(GV_HEV_*) of events that run with the other CPUs
 *               parked (init and shutdown always do).
 * @data_pages:  pool pages it wants as root data (0..GV_HYPAPP_DATA_PAGES).
 * @text_start, @text_end: its .gv_root_text section (GV_HYPAPP_TEXT_*).
 * @id:          set by greenvisor: 1 .. GV_HYPAPP_MAX while registered.
 */
struct gv_hypapp {
	struct module *owner;
	const char *name;
	const struct gv_hypapp_ops *ops;
	u32 hc_base, hc_count;
	u64 hc_user;
	u32 cpuid_base, cpuid_count;
	u32 quiesce;
	u32 data_pages;
	const void *text_start, *text_end;
	u32 id;
};

/*
 * The hypapp's root section, delimited by hypapps/hypapp.lds. Use as
 * .text_start = GV_HYPAPP_TEXT_START, .text_end = GV_HYPAPP_TEXT_END.
 */
extern const char __gv_hypapp_text_start[], __gv_hypapp_text_end[];
#define GV_HYPAPP_TEXT_START	((const void *)__gv_hypapp_text_start)
#define GV_HYPAPP_TEXT_END	((const void *)__gv_hypapp_text_end)

/*
 * Linux side (greenvisor.ko, EXPORT_SYMBOL_GPL; may sleep):
 *
 * greenvisor_hypapp_register - check @app (-EINVAL: bad ranges, text or
 * callbacks outside it; -EOPNOTSUPP: a reserved callback set; -EEXIST:
 * @app registered already), take a reference to @app->owner, and register
 * it with the root side (-EBUSY: a range or the name conflicts with a
 * registered hypapp; -ENOSPC: no slot or pool page left; -EPERM: the text
 * is not plain rich-OS memory; or init's error). On any error nothing
 * changed and a dmesg line says why.
 *
 * greenvisor_hypapp_unregister - run its shutdown callback, drop its
 * claims, unmap its text, scrub and free its data, drop the reference.
 * 0; -ENOENT when not registered (e.g. already unregistered through
 * /sys/module/greenvisor/parameters/hypapp_unregister); -EBUSY when one of
 * its callbacks is running on another CPU (try again).
 */
int greenvisor_hypapp_register(struct gv_hypapp *app);
int greenvisor_hypapp_unregister(struct gv_hypapp *app);

/*
 * Root side (call from root callbacks only):
 * gv_hypapp_ept_claim - EPT violations in [@gpa, @gpa + @size) of @view go
 * to hypapp @id's ept callback (quiesced if it asked). Same errors as
 * gv_hpt_claim(). Claims are dropped at unregistration.
 */
int gv_hypapp_ept_claim(struct gv_cpu *c, u32 id, u32 view, u64 gpa,
			u64 size);
/* Root side: the calling CPU's Linux CPU number, and the CPU count. */
u32 gv_hypapp_cpu(const struct gv_cpu *c);
u32 gv_hypapp_nr_cpus(const struct gv_cpu *c);
/*
 * Root side: the calling CPU's vCPU, during the exit a callback handles.
 *
 * gv_hypapp_reg_get/set - a register of enum gv_vcpu_reg. GPRs are the
 * values the guest resumes with (in a hypercall callback, RAX and the six
 * argument registers are then overwritten by the status and the results).
 * Set refuses (-GV_EINVAL) a non-canonical RIP/RSP, reserved or VM bits in
 * RFLAGS (bit 1 is forced), a CR3 with bits beyond MAXPHYADDR; CR0, CR4,
 * EFER and CPL cannot be set (-GV_EPERM: VMX fixed bits and paging-mode
 * consistency are not offered); -GV_EINVAL for an unknown register.
 *
 * gv_hypapp_seg_get - selector, base, limit and access rights of segment
 * @seg (GV_VCPU_ES .. GV_VCPU_GS, the VMCS order), as the VMCS holds them.
 *
 * gv_hypapp_guest_copy - copy @len bytes between @buf and guest-linear
 * @gva: the guest's own page tables are walked with the checks the CPU
 * would make (a user access when GV_GUEST_USER is set or the guest is at
 * CPL3; GV_GUEST_WRITE copies @buf to the guest), and every table and data
 * page must be System RAM the rich view maps readable (writable for the
 * data of a write). 0; -GV_EFAULT with *@pf_err (the #PF error code the
 * guest would get, 0 when the rich view refused; @pf_err may be NULL);
 * -GV_ERANGE non-canonical; -GV_EINVAL unknown flags, wrapping range or a
 * guest not in IA-32e paging. Bytes before a failing page were copied.
 *
 * gv_hypapp_inject - raise exception @vector in the guest when it resumes:
 * fault-class vectors only (#DE, #BR, #UD, #NM, #TS, #NP, #SS, #GP, #MF,
 * #AC, #XM; @has_error exactly for those with an error code), else
 * -GV_EINVAL; -GV_EBUSY when an event is already being delivered. From a
 * hypercall callback the VMCALL itself faults (RIP points at it).
 */
enum gv_vcpu_reg {
	GV_VCPU_RAX, GV_VCPU_RBX, GV_VCPU_RCX, GV_VCPU_RDX, GV_VCPU_RSI,
	GV_VCPU_RDI, GV_VCPU_RBP, GV_VCPU_R8, GV_VCPU_R9, GV_VCPU_R10,
	GV_VCPU_R11, GV_VCPU_R12, GV_VCPU_R13, GV_VCPU_R14, GV_VCPU_R15,
	GV_VCPU_RSP, GV_VCPU_RIP, GV_VCPU_RFLAGS, GV_VCPU_CR0, GV_VCPU_CR3,
	GV_VCPU_CR4, GV_VCPU_EFER, GV_VCPU_CPL,
};

enum gv_vcpu_segment {
	GV_VCPU_ES, GV_VCPU_CS, GV_VCPU_SS, GV_VCPU_DS, GV_VCPU_FS, GV_VCPU_GS,
};

struct gv_vcpu_seg {
	u16 sel;
	u32 limit, ar;
	u64 base;
};

#define GV_GUEST_WRITE		BIT(0)	/* copy to the guest */
#define GV_GUEST_USER		BIT(1)	/* check as a user-mode access */

int gv_hypapp_reg_get(struct gv_cpu *c, u32 reg, u64 *val);
int gv_hypapp_reg_set(struct gv_cpu *c, u32 reg, u64 val);
int gv_hypapp_seg_get(struct gv_cpu *c, u32 seg, struct gv_vcpu_seg *out);
int gv_hypapp_guest_copy(struct gv_cpu *c, u64 gva, void *buf, u64 len,
			 u32 flags, u32 *pf_err);
int gv_hypapp_inject(struct gv_cpu *c, u32 vector, bool has_error, u32 error);

/*
 * Root side: an event for the control plane (GV_EVENT_HYPAPP with @id, the
 * hypapp's own id, as its source; @code and three values are the hypapp's
 * to define). It reaches `hvctl events`, the netlink "events" group and
 * the greenvisor:gv_event tracepoint once the Linux side drains the ring.
 * Never waits: a full ring drops it (counted). -GV_EINVAL bad id.
 */
int gv_hypapp_event_post(struct gv_cpu *c, u32 id, u64 code, u64 a, u64 b,
			 u64 d);
/* Root side: a line in greenvisor's root log (dmesg "greenvisor: root:"). */
__printf(1, 2) void gv_log(const char *fmt, ...);

#endif /* _GREENVISOR_HYPAPP_H */
