/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-side interfaces of the greenvisor module, shared by the files in
 * module/. Nothing here may be called from the root side.
 */
#ifndef GV_LINUX_H
#define GV_LINUX_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include "../uapi/linux/greenvisor.h"
#include "../uapi/linux/greenvisor_nl.h"

/* main.c / launch.c: state of the hypervisor as the Linux side sees it. */
bool gv_cpu_is_virtualized(unsigned int cpu);
unsigned int gv_nr_virtualized(void);

/*
 * hypercall.c: thin wrappers around VMCALL on the current CPU. Each returns
 * the status from RAX (0 or a negative errno).
 */
int gv_hc_version(u32 *abi, u32 *cpu, u32 *features);
int gv_hc_exit_counts(unsigned int cpu, u64 counts[GV_EXIT_REASON_MAX]);
int gv_hc_shared_alloc(void);
/* GV_HC_EVENT_READ: 1 and the record in @w, 0 when empty, or -errno. */
int gv_hc_event_next(unsigned int cpu, u64 w[6]);
int gv_hc_event_counts(unsigned int cpu, u64 *posted, u64 *dropped);
void gv_hc_shared_free(void);

/* GV_HC_EPT_STATS results: the rich view's table pages and leaves. */
struct gv_ept_stats_out {
	u64 tables;
	u64 leaves_1g;
	u64 leaves_2m;
	u64 leaves_4k;
	u64 green_pages, green_tables;
};

/*
 * The root side's own handlers are called gv_hc_ept_stats() and
 * gv_hc_ept_query() (hvcore/hv_ept.c, same module), hence these names.
 */
int gv_hc_ept_stats_read(struct gv_ept_stats_out *st);
int gv_hc_ept_query_gpa(u64 gpa, u64 *hpa, u64 *size, u32 *perm, u32 *mt);

long gv_hc_mem_step(u32 nr, u64 pa, u64 size, u64 *done);

/*
 * green.c: memory lent to the green partition. Every lent range is
 * recorded, so that unload and reboot return (scrub) all of it.
 */
int gv_green_lend(u64 pa, u64 size);
int gv_green_return(u64 pa, u64 size);
void gv_green_return_all(void);

/* A set of memory the control plane had the module allocate and lend. */
struct gv_lend_info {
	u32 id;
	u32 nr_blocks;
	u64 size;
	u64 first_pa;
};

int gv_green_set_lend(u64 size, struct gv_lend_info *out);
int gv_green_set_return(u32 id);
int gv_green_set_next(u32 id, struct gv_lend_info *out);

/* memmap.c / green.c: who owns physical memory (GV_CMD_MEM_MAP_GET). */
struct gv_map_range {
	u64 start, end;		/* [start, end) */
	u32 owner;		/* GV_MEM_OWNER_* */
};

int gv_memmap_collect(struct gv_map_range *out, int max);
int gv_green_lent_collect(struct gv_map_range *out, int n, int max);

/* vtd_linux.c: the VT-d test mode (vtd_test_mode=1, no hypervisor). */
int gv_vtd_test_init(void);
void gv_vtd_test_exit(void);

/* hypapp.c: unregister every hypapp (reboot). */
void gv_hypapp_unregister_all(void);

/* One registered hypapp, for the control plane (GV_CMD_HYPAPP_GET). */
struct gv_hypapp_info {
	u32 id;
	char name[16];
	char module[56];
	u32 hc_base, hc_count;
	u32 cpuid_base, cpuid_count;
	u32 data_pages, text_pages;
	u64 calls;
	u32 quiesce;		/* BIT(GV_HEV_*) run with other CPUs parked */
	u32 events;		/* BIT(GV_HEV_*) it has a callback for */
};

int gv_hypapp_info_next(u32 from, struct gv_hypapp_info *out);

/* genl.c: the generic-netlink control plane. */
int gv_genl_init(void);
void gv_genl_exit(void);

/* One event as the Linux side delivers it (uapi GV_EVENT_*). */
struct gv_event_out {
	u32 type;
	u32 source;
	u32 cpu;
	u64 tsc;
	u64 data[4];
};

void gv_genl_event_notify(const struct gv_event_out *e);
bool gv_genl_event_listened(void);

/* events.c: drain the root side's event rings, deliver, emit. */
void gv_events_drain(void);
void gv_event_emit(u32 type, u32 source, const u64 data[4]);
void gv_events_stats(u64 *posted, u64 *dropped, u64 *delivered);
void gv_events_start(unsigned int nr_cpus);
void gv_events_stop(unsigned int nr_cpus);

#endif /* GV_LINUX_H */
