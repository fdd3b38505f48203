/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl: command-line control of the greenvisor hypervisor over its
 * generic-netlink family (uapi/linux/greenvisor_nl.h).
 */
#ifndef HVCTL_H
#define HVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/greenvisor.h>
#include <linux/greenvisor_nl.h>

#define HVCTL_VERSION		"0.1.0"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Exit codes (documented in hvctl.8). */
#define HVCTL_EXIT_OK		0
#define HVCTL_EXIT_USAGE	1
#define HVCTL_EXIT_KERNEL	2
#define HVCTL_EXIT_NOT_LOADED	3
#define HVCTL_EXIT_CHECK	4	/* hvctl check: at least one FAIL */
#define HVCTL_EXIT_TIMEOUT	5	/* hvctl events --count: timed out */

/* Basic exit reasons hvctl keeps counts for (SDM reasons are 16 bits). */
#define HVCTL_NR_REASONS	128

/* GV_CMD_GET_STATUS reply. */
struct hv_status {
	bool has_abi;			/* the answering CPU is virtualized */
	uint32_t abi_version;		/* major << 16 | minor */
	uint32_t abi_cpu;
	uint32_t features;		/* GV_FEAT_* */
	char module_version[64];
	uint32_t nr_possible;
	uint32_t nr_online;
	uint32_t nr_virtualized;
};

/* One GV_ATTR_CPU. */
struct hv_cpu {
	uint32_t id;
	bool online;
	bool virtualized;
	bool has_exits;			/* counters were reported */
	uint64_t exits_total;
	uint64_t counts[HVCTL_NR_REASONS];
};

struct hv_cpu_list {
	struct hv_cpu *cpus;
	size_t n;
	size_t cap;
};

/* GV_CMD_GET_EPT reply: the rich view's size. */
struct hv_ept_stats {
	uint64_t tables;		/* EPT table pages */
	uint64_t leaves_1g;
	uint64_t leaves_2m;
	uint64_t leaves_4k;
	uint64_t green_pages;	/* lent to the green partition */
	uint64_t green_tables;
};

/* GV_CMD_EPT_QUERY reply: how the rich view maps one GPA. */
struct hv_ept_map {
	uint64_t gpa;
	uint64_t hpa;			/* host-physical address of gpa */
	uint64_t size;			/* leaf size */
	uint32_t perm;			/* GV_EPT_PERM_* */
	uint32_t memtype;		/* GV_EPT_MT_* | GV_EPT_MT_IPAT */
};

/* GV_ATTR_MEM: one set of memory lent to the green partition. */
struct hv_mem {
	uint32_t id;
	uint32_t blocks;		/* physically contiguous blocks */
	uint64_t size;			/* bytes */
	uint64_t first_pa;
};

/* One event (GV_CMD_EVENT; uapi greenvisor.h GV_EVENT_*). */
struct hv_event {
	uint32_t type;
	uint32_t source;
	uint32_t cpu;
	uint64_t tsc;
	uint64_t data[4];
};

/* GV_ATTR_HYPAPP: one registered hypapp. */
struct hv_hypapp {
	uint32_t id;
	char name[32];
	char module[64];
	uint32_t hc_base, hc_count;
	uint32_t cpuid_base, cpuid_count;
	uint32_t data_pages, text_pages;
	uint64_t calls;
	uint32_t events;		/* bit per callback (GV_HYPAPP_ATTR_EVENTS) */
	uint32_t quiesce;
};

struct hv_hypapp_list {
	struct hv_hypapp *apps;
	size_t n;
	size_t cap;
};

/* GV_CMD_MEM_MAP_GET: physical ranges and their owners (GV_MEM_OWNER_*). */
struct hv_range {
	uint64_t start, end;
	uint32_t owner;
};

struct hv_range_list {
	struct hv_range *r;
	size_t n;
	size_t cap;
};

/* GV_CMD_GET_EVENT_STATS reply. */
struct hv_event_stats {
	uint64_t posted;
	uint64_t dropped;
	uint64_t delivered;
};

struct hv_mem_list {
	struct hv_mem *sets;
	size_t n;
	size_t cap;
};

/* exit_reasons.c */
struct hv_exit_reason {
	const char *key;		/* stable identifier, used in JSON */
	const char *sdm;		/* SDM Vol. 3D Appendix C wording */
};
const struct hv_exit_reason *hv_exit_reason(uint32_t reason);

/* json.c: a minimal streaming JSON writer. */
struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma;
	bool after_key;
};
void json_init(struct json *j, FILE *f, bool pretty);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_finish(struct json *j);

/* print.c: text and JSON rendering. */
struct hv_out {
	bool json;
	bool pretty;
	FILE *f;
};
void hv_print_version(const struct hv_out *o, const struct hv_status *st);
void hv_print_status(const struct hv_out *o, const struct hv_status *st);
void hv_print_cpus(const struct hv_out *o, const struct hv_cpu_list *l);
void hv_print_stats(const struct hv_out *o, const struct hv_cpu_list *l);
void hv_print_ept(const struct hv_out *o, const struct hv_ept_stats *st);
void hv_print_ept_map(const struct hv_out *o, const struct hv_ept_map *m);
void hv_print_mem(const struct hv_out *o, const struct hv_mem_list *l);

/* check.c: hvctl check; returns HVCTL_EXIT_OK or HVCTL_EXIT_CHECK. */
int hv_check(const struct hv_out *o);

/* events.c: hvctl events. hypapp.c: hvctl hypapp. */
int hv_cmd_events(const struct hv_out *o, int argc, char **argv);
int hv_cmd_hypapp(const struct hv_out *o, int argc, char **argv);
/* memmap.c: hvctl mem map [--scale SIZE]. */
int hv_mem_map(const struct hv_out *o, int argc, char **argv);
/* top.c: hvctl top. */
int hv_cmd_top(const struct hv_out *o, int argc, char **argv);

/* gvnl.c: the netlink session. Functions return an HVCTL_EXIT_* code. */
struct gvnl;
int gvnl_open(struct gvnl **gp, bool quiet_not_loaded);
void gvnl_close(struct gvnl *g);
int gvnl_get_status(struct gvnl *g, struct hv_status *st);
int gvnl_event_stats(struct gvnl *g, struct hv_event_stats *st);
int gvnl_hypapp_dump(struct gvnl *g, struct hv_hypapp_list *l);
int gvnl_mem_map(struct gvnl *g, struct hv_range_list *l);
void hv_hypapp_list_free(struct hv_hypapp_list *l);
int gvnl_events_follow(struct gvnl *g, long count, double timeout_s,
		       void (*fn)(const struct hv_event *e, void *arg), void *arg);
int gvnl_get_cpu(struct gvnl *g, const char *what, uint32_t cpu,
		 struct hv_cpu_list *l);
int gvnl_dump_cpus(struct gvnl *g, const char *what, struct hv_cpu_list *l);
int gvnl_get_ept(struct gvnl *g, struct hv_ept_stats *st);
int gvnl_ept_query(struct gvnl *g, uint64_t gpa, struct hv_ept_map *m);
int gvnl_mem_lend(struct gvnl *g, uint64_t size, struct hv_mem_list *l);
int gvnl_mem_return(struct gvnl *g, uint32_t id);
int gvnl_mem_dump(struct gvnl *g, struct hv_mem_list *l);
void hv_mem_list_free(struct hv_mem_list *l);

struct hv_cpu *hv_cpu_list_add(struct hv_cpu_list *l);
void hv_cpu_list_free(struct hv_cpu_list *l);

#endif /* HVCTL_H */
