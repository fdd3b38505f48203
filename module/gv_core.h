/* SPDX-License-Identifier: GPL-2.0 */
/* Linux-side core state of greenvisor (module/ internal). */
#ifndef GV_CORE_H
#define GV_CORE_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include "gv_linux.h"
#include "../hvcore/hv_percpu.h"

/* A physically contiguous piece of the pool. */
struct gv_pool_chunk {
	void *va;
	size_t size;
};

/* VMX configuration decided once at load, identical on every CPU. */
struct gv_vmx_config {
	u64 basic;
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid_cap;
	unsigned int ept_flags;		/* GV_EPT_F_* */
	unsigned int phys_bits;		/* guest-physical width of the views */
};

struct gv_state {
	struct gv_vmx_config vmx;
	struct gv_hv *hv;
	size_t hv_size;
	struct gv_cpu_pages **cpu_pages;	/* by CPU number, possible CPUs */
	struct gv_pool_chunk *chunks;		/* Linux memory, not pool */
	unsigned int nr_chunks, max_chunks;
	void *arena;				/* pool chunk behind hv->palloc */
	u32 arena_pages;
	unsigned int nr_pt_pages;		/* host page tables, from the arena */
	u64 host_cr3;
	unsigned int pt_levels;
	int cpuhp_state;
	bool shutting_down;
	struct cpumask virtualized;
};

extern struct gv_state gv;

/* checks.c: platform and per-CPU checks; every failure is a dmesg line. */
int gv_check_platform(struct gv_vmx_config *cfg);
int gv_check_no_other_vmx_user(void);

/* pool.c */
int gv_pool_alloc(struct gv_state *s);
int gv_pool_init(struct gv_state *s);
void gv_msr_bitmap_add_mtrrs(struct gv_state *s);
void gv_pool_free(struct gv_state *s);

/* hostpt.c: the root side's own page tables. */
int gv_hostpt_build(struct gv_state *s);

/* ept_setup.c: the rich OS's EPT view. */
int gv_ept_check_caps(struct gv_vmx_config *cfg);
u32 gv_ept_arena_pages(void);
int gv_ept_setup(struct gv_state *s);

/* vmcs_setup.c */
int gv_vmcs_setup(struct gv_state *s, struct gv_cpu_pages *p);

/* launch.c */
int gv_launch_this_cpu(struct gv_state *s);
int gv_devirt_this_cpu(struct gv_state *s);

/* hv_entry.S (Linux-side callable trampolines) */
int gv_vmx_launch(void);
extern const char gv_vmx_launch_entry_failed[];
extern const char gv_vmexit_entry[];
extern const char gv_nmi_stub[];
extern const char gv_spurious_stub[];
extern const u64 gv_exc_stubs[32];

/* hvcore/root.lds: the root side's page-aligned text and rodata. */
extern const char __gv_root_text_start[], __gv_root_text_end[];
extern const char __gv_root_rodata_start[], __gv_root_rodata_end[];

/* hypercall.c */
int gv_hc_devirt(void);
int gv_hc_log_read(unsigned int cpu, char *buf, size_t len);

#endif /* GV_CORE_H */
