// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of hvctl results: tables for people, JSON (-j) for scripts.
 * The JSON keys are a stable interface, documented in docs/hvctl.md and
 * hvctl.8; add keys, never rename or remove them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/greenvisor_nl.h>

#include "hvctl.h"

static const char *const feature_names[32] = {
	[0] = "vpid",
	[1] = "ept",
};

static unsigned int abi_major(uint32_t v)
{
	return v >> 16;
}

static unsigned int abi_minor(uint32_t v)
{
	return v & 0xffff;
}

static void text_features(FILE *f, uint32_t features)
{
	unsigned int bit;
	bool any = false;

	for (bit = 0; bit < 32; bit++) {
		if (!(features & (1u << bit)))
			continue;
		if (feature_names[bit])
			fprintf(f, "%s%s", any ? " " : "", feature_names[bit]);
		else
			fprintf(f, "%sbit%u", any ? " " : "", bit);
		any = true;
	}
	if (!any)
		fputs("none", f);
}

static void json_features(struct json *j, uint32_t features)
{
	char name[16];
	unsigned int bit;

	json_begin_array(j);
	for (bit = 0; bit < 32; bit++) {
		if (!(features & (1u << bit)))
			continue;
		if (feature_names[bit]) {
			json_string(j, feature_names[bit]);
		} else {
			snprintf(name, sizeof(name), "bit%u", bit);
			json_string(j, name);
		}
	}
	json_end_array(j);
}

/* "abi_version", "abi_major", "abi_minor": strings/numbers or null. */
static void json_abi(struct json *j, const struct hv_status *st)
{
	char buf[32];

	json_key(j, "abi_version");
	if (st && st->has_abi) {
		snprintf(buf, sizeof(buf), "%u.%u", abi_major(st->abi_version),
			 abi_minor(st->abi_version));
		json_string(j, buf);
	} else {
		json_null(j);
	}
	json_key(j, "abi_major");
	if (st && st->has_abi)
		json_uint(j, abi_major(st->abi_version));
	else
		json_null(j);
	json_key(j, "abi_minor");
	if (st && st->has_abi)
		json_uint(j, abi_minor(st->abi_version));
	else
		json_null(j);
}

/* @st is NULL when greenvisor is not loaded. */
void hv_print_version(const struct hv_out *o, const struct hv_status *st)
{
	struct json j;

	if (!o->json) {
		fprintf(o->f, "hvctl %s\n", HVCTL_VERSION);
		if (!st)
			fputs("greenvisor: not loaded\n", o->f);
		else if (!st->has_abi)
			fprintf(o->f, "greenvisor: module %s, ABI unavailable (this CPU is not virtualized)\n",
				st->module_version);
		else
			fprintf(o->f, "greenvisor: module %s, ABI %u.%u\n",
				st->module_version, abi_major(st->abi_version),
				abi_minor(st->abi_version));
		return;
	}
	json_init(&j, o->f, o->pretty);
	json_begin_object(&j);
	json_key(&j, "tool_version");
	json_string(&j, HVCTL_VERSION);
	json_key(&j, "loaded");
	json_bool(&j, st != NULL);
	json_key(&j, "module_version");
	if (st)
		json_string(&j, st->module_version);
	else
		json_null(&j);
	json_abi(&j, st);
	json_end_object(&j);
	json_finish(&j);
}

void hv_print_status(const struct hv_out *o, const struct hv_status *st)
{
	struct json j;

	if (!o->json) {
		fprintf(o->f, "module version:  %s\n", st->module_version);
		if (st->has_abi) {
			fprintf(o->f, "ABI version:     %u.%u (answered by CPU %" PRIu32 ")\n",
				abi_major(st->abi_version),
				abi_minor(st->abi_version), st->abi_cpu);
			fputs("features:        ", o->f);
			text_features(o->f, st->features);
			fputc('\n', o->f);
		} else {
			fputs("ABI version:     unavailable (this CPU is not virtualized)\n",
			      o->f);
		}
		fprintf(o->f, "CPUs:            %" PRIu32 " possible, %" PRIu32
			" online, %" PRIu32 " virtualized\n",
			st->nr_possible, st->nr_online, st->nr_virtualized);
		return;
	}
	json_init(&j, o->f, o->pretty);
	json_begin_object(&j);
	json_key(&j, "module_version");
	json_string(&j, st->module_version);
	json_abi(&j, st);
	json_key(&j, "abi_cpu");
	if (st->has_abi)
		json_uint(&j, st->abi_cpu);
	else
		json_null(&j);
	json_key(&j, "features");
	if (st->has_abi)
		json_features(&j, st->features);
	else
		json_null(&j);
	json_key(&j, "features_raw");
	if (st->has_abi)
		json_uint(&j, st->features);
	else
		json_null(&j);
	json_key(&j, "cpus_possible");
	json_uint(&j, st->nr_possible);
	json_key(&j, "cpus_online");
	json_uint(&j, st->nr_online);
	json_key(&j, "cpus_virtualized");
	json_uint(&j, st->nr_virtualized);
	json_end_object(&j);
	json_finish(&j);
}

static void json_cpu(struct json *j, const struct hv_cpu *c, bool exits)
{
	const struct hv_exit_reason *r;
	uint32_t reason;

	json_begin_object(j);
	json_key(j, "cpu");
	json_uint(j, c->id);
	json_key(j, "online");
	json_bool(j, c->online);
	json_key(j, "virtualized");
	json_bool(j, c->virtualized);
	json_key(j, "exits_total");
	if (c->has_exits)
		json_uint(j, c->exits_total);
	else
		json_null(j);
	if (exits) {
		json_key(j, "exits");
		json_begin_array(j);
		for (reason = 0; c->has_exits && reason < HVCTL_NR_REASONS;
		     reason++) {
			if (!c->counts[reason])
				continue;
			r = hv_exit_reason(reason);
			json_begin_object(j);
			json_key(j, "reason");
			json_uint(j, reason);
			json_key(j, "name");
			if (r)
				json_string(j, r->key);
			else
				json_null(j);
			json_key(j, "count");
			json_uint(j, c->counts[reason]);
			json_end_object(j);
		}
		json_end_array(j);
	}
	json_end_object(j);
}

static void json_cpus(const struct hv_out *o, const struct hv_cpu_list *l,
		      bool exits)
{
	struct json j;
	size_t i;

	json_init(&j, o->f, o->pretty);
	json_begin_array(&j);
	for (i = 0; i < l->n; i++)
		json_cpu(&j, &l->cpus[i], exits);
	json_end_array(&j);
	json_finish(&j);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void hv_print_cpus(const struct hv_out *o, const struct hv_cpu_list *l)
{
	const struct hv_cpu *c;
	size_t i;

	if (o->json) {
		json_cpus(o, l, false);
		return;
	}
	fprintf(o->f, "%-5s %-7s %-12s %20s\n", "CPU", "ONLINE", "VIRTUALIZED",
		"EXITS");
	for (i = 0; i < l->n; i++) {
		c = &l->cpus[i];
		fprintf(o->f, "%-5" PRIu32 " %-7s %-12s ", c->id,
			yes_no(c->online), yes_no(c->virtualized));
		if (c->has_exits)
			fprintf(o->f, "%20" PRIu64 "\n", c->exits_total);
		else
			fprintf(o->f, "%20s\n", "-");
	}
}

static const char *reason_text(uint32_t reason)
{
	const struct hv_exit_reason *r = hv_exit_reason(reason);

	return r ? r->sdm : "(not defined by the SDM)";
}

/* A table of the non-zero counts; the NAME column is as wide as needed. */
static void text_counts(FILE *f, const uint64_t *counts)
{
	uint32_t reason;
	int width = 4;
	int len;

	for (reason = 0; reason < HVCTL_NR_REASONS; reason++) {
		len = counts[reason] ? (int)strlen(reason_text(reason)) : 0;
		if (len > width)
			width = len;
	}
	fprintf(f, "  %6s  %-*s %20s\n", "REASON", width, "NAME", "COUNT");
	for (reason = 0; reason < HVCTL_NR_REASONS; reason++) {
		if (!counts[reason])
			continue;
		fprintf(f, "  %6" PRIu32 "  %-*s %20" PRIu64 "\n", reason, width,
			reason_text(reason), counts[reason]);
	}
}

/* Print the CPUs in @l without counters as "2-5,7" ranges. */
static void text_cpu_ranges(FILE *f, const struct hv_cpu_list *l)
{
	size_t i, j;
	bool first = true;

	for (i = 0; i < l->n; i = j) {
		if (l->cpus[i].has_exits) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < l->n && !l->cpus[j].has_exits &&
		     l->cpus[j].id == l->cpus[j - 1].id + 1; j++)
			;
		fprintf(f, "%s%" PRIu32, first ? "" : ",", l->cpus[i].id);
		if (j - i > 1)
			fprintf(f, "-%" PRIu32, l->cpus[j - 1].id);
		first = false;
	}
}

void hv_print_stats(const struct hv_out *o, const struct hv_cpu_list *l)
{
	uint64_t total[HVCTL_NR_REASONS] = { 0 };
	size_t i, nr_counted = 0;
	const struct hv_cpu *c;
	uint64_t sum = 0;
	uint32_t reason;

	if (o->json) {
		json_cpus(o, l, true);
		return;
	}
	for (i = 0; i < l->n; i++) {
		c = &l->cpus[i];
		if (!c->has_exits)
			continue;
		if (nr_counted)
			fputc('\n', o->f);
		fprintf(o->f, "cpu %" PRIu32 ": %" PRIu64 " exits\n", c->id,
			c->exits_total);
		text_counts(o->f, c->counts);
		for (reason = 0; reason < HVCTL_NR_REASONS; reason++)
			total[reason] += c->counts[reason];
		sum += c->exits_total;
		nr_counted++;
	}
	if (nr_counted > 1) {
		fprintf(o->f, "\nall CPUs (%zu): %" PRIu64 " exits\n",
			nr_counted, sum);
		text_counts(o->f, total);
	}
	if (nr_counted < l->n) {
		fprintf(o->f, "%sno exit counters (CPU offline or not virtualized): cpu ",
			nr_counted ? "\n" : "");
		text_cpu_ranges(o->f, l);
		fputc('\n', o->f);
	}
}

void hv_print_ept(const struct hv_out *o, const struct hv_ept_stats *st)
{
	uint64_t total = st->leaves_1g + st->leaves_2m + st->leaves_4k;
	struct json j;

	if (!o->json) {
		fputs("EPT rich view:\n", o->f);
		fprintf(o->f, "  table pages   %10" PRIu64 "\n", st->tables);
		fprintf(o->f, "  1 GiB leaves  %10" PRIu64 "\n", st->leaves_1g);
		fprintf(o->f, "  2 MiB leaves  %10" PRIu64 "\n", st->leaves_2m);
		fprintf(o->f, "  4 KiB leaves  %10" PRIu64 "\n", st->leaves_4k);
		fprintf(o->f, "  leaves total  %10" PRIu64 "\n", total);
		fputs("EPT green view:\n", o->f);
		fprintf(o->f, "  table pages   %10" PRIu64 "\n", st->green_tables);
		fprintf(o->f, "  pages lent    %10" PRIu64 "\n", st->green_pages);
		return;
	}
	json_init(&j, o->f, o->pretty);
	json_begin_object(&j);
	json_key(&j, "table_pages");
	json_uint(&j, st->tables);
	json_key(&j, "leaves_1g");
	json_uint(&j, st->leaves_1g);
	json_key(&j, "leaves_2m");
	json_uint(&j, st->leaves_2m);
	json_key(&j, "leaves_4k");
	json_uint(&j, st->leaves_4k);
	json_key(&j, "leaves_total");
	json_uint(&j, total);
	json_key(&j, "green_table_pages");
	json_uint(&j, st->green_tables);
	json_key(&j, "green_pages_lent");
	json_uint(&j, st->green_pages);
	json_end_object(&j);
	json_finish(&j);
}

/* EPT memory types (SDM Vol. 3C 29.3.7); NULL for the reserved ones. */
static const char *memtype_name(uint32_t mt)
{
	switch (mt & GV_EPT_MT_MASK) {
	case GV_EPT_MT_UC:
		return "UC";
	case GV_EPT_MT_WC:
		return "WC";
	case GV_EPT_MT_WT:
		return "WT";
	case GV_EPT_MT_WP:
		return "WP";
	case GV_EPT_MT_WB:
		return "WB";
	}
	return NULL;
}

/* "rwx", "r-x", "---", ... */
static void perm_string(uint32_t perm, char buf[4])
{
	buf[0] = (perm & GV_EPT_PERM_R) ? 'r' : '-';
	buf[1] = (perm & GV_EPT_PERM_W) ? 'w' : '-';
	buf[2] = (perm & GV_EPT_PERM_X) ? 'x' : '-';
	buf[3] = '\0';
}

/* "4 KiB", "2 MiB", "1 GiB", or bytes for anything else. */
static void size_string(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned int u;
	uint64_t v = size;

	for (u = 0; v && !(v & 1023) && u < ARRAY_SIZE(units); u++)
		v >>= 10;
	if (u)
		snprintf(buf, len, "%" PRIu64 " %s", v, units[u - 1]);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", size);
}

static void json_hex(struct json *j, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	json_string(j, buf);
}

void hv_print_ept_map(const struct hv_out *o, const struct hv_ept_map *m)
{
	const char *mt = memtype_name(m->memtype);
	bool ipat = m->memtype & GV_EPT_MT_IPAT;
	char perm[4], size[32];
	struct json j;

	perm_string(m->perm, perm);
	size_string(m->size, size, sizeof(size));
	if (!o->json) {
		fprintf(o->f, "GPA:          0x%" PRIx64 "\n", m->gpa);
		fprintf(o->f, "HPA:          0x%" PRIx64 "\n", m->hpa);
		fprintf(o->f, "leaf size:    %s\n", size);
		fprintf(o->f, "permissions:  %s\n", perm);
		if (mt)
			fprintf(o->f, "memory type:  %s", mt);
		else
			fprintf(o->f, "memory type:  reserved (%" PRIu32 ")",
				m->memtype & GV_EPT_MT_MASK);
		fputs(ipat ? ", guest PAT ignored\n" : "\n", o->f);
		return;
	}
	json_init(&j, o->f, o->pretty);
	json_begin_object(&j);
	json_key(&j, "gpa");
	json_uint(&j, m->gpa);
	json_key(&j, "gpa_hex");
	json_hex(&j, m->gpa);
	json_key(&j, "hpa");
	json_uint(&j, m->hpa);
	json_key(&j, "hpa_hex");
	json_hex(&j, m->hpa);
	json_key(&j, "leaf_size");
	json_uint(&j, m->size);
	json_key(&j, "perm");
	json_string(&j, perm);
	json_key(&j, "perm_raw");
	json_uint(&j, m->perm);
	json_key(&j, "memtype");
	if (mt)
		json_string(&j, mt);
	else
		json_null(&j);
	json_key(&j, "memtype_raw");
	json_uint(&j, m->memtype);
	json_key(&j, "ignore_pat");
	json_bool(&j, ipat);
	json_end_object(&j);
	json_finish(&j);
}

/* Lent memory: a table of sets, or a JSON array. */
void hv_print_mem(const struct hv_out *o, const struct hv_mem_list *l)
{
	uint64_t total = 0;
	struct json j;
	size_t i;

	if (!o->json) {
		fprintf(o->f, "%-6s %12s %7s  %s\n", "id", "bytes", "blocks", "first block");
		for (i = 0; i < l->n; i++) {
			const struct hv_mem *m = &l->sets[i];

			fprintf(o->f, "%-6" PRIu32 " %12" PRIu64 " %7" PRIu32 "  0x%" PRIx64 "\n",
				m->id, m->size, m->blocks, m->first_pa);
			total += m->size;
		}
		fprintf(o->f, "%zu set(s), %" PRIu64 " MiB lent to the green partition\n",
			l->n, total >> 20);
		return;
	}
	json_init(&j, o->f, o->pretty);
	json_begin_array(&j);
	for (i = 0; i < l->n; i++) {
		const struct hv_mem *m = &l->sets[i];

		json_begin_object(&j);
		json_key(&j, "id");
		json_uint(&j, m->id);
		json_key(&j, "size");
		json_uint(&j, m->size);
		json_key(&j, "blocks");
		json_uint(&j, m->blocks);
		json_key(&j, "first_pa");
		json_uint(&j, m->first_pa);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_finish(&j);
}
