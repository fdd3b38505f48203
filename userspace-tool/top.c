// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl top: live VM-exit rates per CPU and reason, like kvm_stat. Every
 * interval it dumps the per-CPU counters (GV_CMD_GET_CPU) and shows the
 * difference as exits per second, busiest reasons first. On a terminal
 * the screen is redrawn; otherwise (pipes, scripts) each interval is a
 * plain block, and with -j one JSON object per line.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvctl.h"

#define TOP_ROWS	20

struct top_row {
	uint32_t reason;
	uint64_t total;		/* exits/s over all CPUs */
};

static int by_total(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->reason < y->reason ? -1 : (x->reason > y->reason);
}

/* Exits per second of @reason on CPU @i between two dumps @ms apart. */
static uint64_t rate(const struct hv_cpu_list *a, const struct hv_cpu_list *b,
		     size_t i, uint32_t reason, uint64_t ms)
{
	const struct hv_cpu *x = &a->cpus[i], *y = &b->cpus[i];

	if (!x->has_exits || !y->has_exits || y->counts[reason] < x->counts[reason])
		return 0;
	return (y->counts[reason] - x->counts[reason]) * 1000 / (ms ? ms : 1);
}

static const char *reason_key(uint32_t reason)
{
	const struct hv_exit_reason *r = hv_exit_reason(reason);

	return r ? r->key : "unknown";
}

static void print_json(const struct hv_out *o, const struct hv_cpu_list *a,
		       const struct hv_cpu_list *b, uint64_t ms)
{
	struct json j;
	uint32_t reason;
	size_t i;

	json_init(&j, o->f, false);
	json_begin_object(&j);
	json_key(&j, "interval_ms");
	json_uint(&j, ms);
	json_key(&j, "cpus");
	json_begin_array(&j);
	for (i = 0; i < b->n; i++) {
		json_begin_object(&j);
		json_key(&j, "cpu");
		json_uint(&j, b->cpus[i].id);
		json_key(&j, "virtualized");
		json_bool(&j, b->cpus[i].virtualized);
		json_key(&j, "rates");
		json_begin_object(&j);
		for (reason = 0; reason < HVCTL_NR_REASONS; reason++) {
			uint64_t r = rate(a, b, i, reason, ms);

			if (!r)
				continue;
			json_key(&j, reason_key(reason));
			json_uint(&j, r);
		}
		json_end_object(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

static void print_text(FILE *f, const struct hv_cpu_list *a,
		       const struct hv_cpu_list *b, uint64_t ms, bool tty)
{
	struct top_row rows[HVCTL_NR_REASONS];
	unsigned int nr = 0, k;
	uint32_t reason;
	size_t i;

	for (reason = 0; reason < HVCTL_NR_REASONS; reason++) {
		uint64_t total = 0;

		for (i = 0; i < b->n; i++)
			total += rate(a, b, i, reason, ms);
		if (total)
			rows[nr++] = (struct top_row){ reason, total };
	}
	qsort(rows, nr, sizeof(rows[0]), by_total);
	if (tty)
		fputs("\033[H\033[2J", f);
	fprintf(f, "greenvisor VM exits per second (interval %" PRIu64 " ms)\n", ms);
	fprintf(f, "%-22s %10s", "REASON", "TOTAL");
	for (i = 0; i < b->n; i++)
		fprintf(f, " %9s%-3" PRIu32, "cpu", b->cpus[i].id);
	fputc('\n', f);
	for (k = 0; k < nr && k < TOP_ROWS; k++) {
		fprintf(f, "%-22s %10" PRIu64, reason_key(rows[k].reason), rows[k].total);
		for (i = 0; i < b->n; i++)
			fprintf(f, " %12" PRIu64, rate(a, b, i, rows[k].reason, ms));
		fputc('\n', f);
	}
	if (!nr)
		fputs("(no exits)\n", f);
	if (!tty)
		fputc('\n', f);
	fflush(f);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A positive whole number, or -1. */
static long positive(const char *s)
{
	char *end;
	long v;

	if (*s < '1' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end || v > 86400 ? -1 : v;
}

int hv_cmd_top(const struct hv_out *o, int argc, char **argv)
{
	struct hv_cpu_list prev = { 0 }, cur = { 0 };
	long delay = 1, iterations = -1, n;
	bool tty = isatty(fileno(o->f)) && !o->json;
	uint64_t t0, t1;
	struct gvnl *g;
	int i, err;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help") || !strcmp(argv[i], "-h") ||
		    !strcmp(argv[i], "--help")) {
			fputs("Usage: hvctl [-j] top [-d SECONDS] [-n ITERATIONS]\n", stdout);
			return HVCTL_EXIT_OK;
		}
		if ((!strcmp(argv[i], "-d") || !strcmp(argv[i], "-n")) && i + 1 < argc &&
		    (n = positive(argv[i + 1])) > 0) {
			if (argv[i][1] == 'd')
				delay = n;
			else
				iterations = n;
			i++;
			continue;
		}
		fprintf(stderr, "hvctl: top: bad argument '%s' (-d SECONDS and -n ITERATIONS take positive numbers)\n",
			argv[i]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_dump_cpus(g, "top", &prev);
	t0 = now_ms();
	while (!err && iterations--) {
		sleep((unsigned int)delay);
		hv_cpu_list_free(&cur);
		err = gvnl_dump_cpus(g, "top", &cur);
		t1 = now_ms();
		if (err)
			break;
		if (cur.n != prev.n) {
			fprintf(stderr, "hvctl: top: the CPU list changed; starting over\n");
		} else if (o->json) {
			print_json(o, &prev, &cur, t1 - t0);
		} else {
			print_text(o->f, &prev, &cur, t1 - t0, tty);
		}
		hv_cpu_list_free(&prev);
		prev = cur;
		cur = (struct hv_cpu_list){ 0 };
		t0 = t1;
	}
	hv_cpu_list_free(&prev);
	hv_cpu_list_free(&cur);
	gvnl_close(g);
	return err;
}
