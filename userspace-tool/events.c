// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl events: follow greenvisor's "events" multicast group, and show
 * the event counters. One line per event; with -j one JSON object per
 * line (keys documented in hvctl.8 and docs/hvctl.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

static const char *event_name(uint32_t type)
{
	switch (type) {
	case GV_EVENT_EPT_VIOLATION:	return "ept_violation";
	case GV_EVENT_HYPAPP:		return "hypapp";
	case GV_EVENT_LAUNCH:		return "launch";
	case GV_EVENT_TEARDOWN:		return "teardown";
	case GV_EVENT_DMA_FAULT:	return "dma_fault";
	default:			return "unknown";
	}
}

/* The JSON keys of data[0..3], by type (NULL: not used). */
static const char *const *data_keys(uint32_t type)
{
	static const char *const ept[4] = { "gpa", "gva", "qualification", "rip" };
	static const char *const app[4] = { "code", "arg0", "arg1", "arg2" };
	static const char *const cpus[4] = { "cpus" };
	static const char *const dma[4] = { "source_id", "address", "reason", "flags" };
	static const char *const raw[4] = { "data0", "data1", "data2", "data3" };

	switch (type) {
	case GV_EVENT_EPT_VIOLATION:	return ept;
	case GV_EVENT_HYPAPP:		return app;
	case GV_EVENT_LAUNCH:
	case GV_EVENT_TEARDOWN:		return cpus;
	case GV_EVENT_DMA_FAULT:	return dma;
	default:			return raw;
	}
}

static void print_event_text(FILE *f, const struct hv_event *e)
{
	const char *const *keys = data_keys(e->type);
	unsigned int i;

	fprintf(f, "%-13s cpu %-3" PRIu32 " tsc %-15" PRIu64, event_name(e->type),
		e->cpu, e->tsc);
	if (e->type == GV_EVENT_HYPAPP)
		fprintf(f, " hypapp %" PRIu32, e->source);
	if (e->type == GV_EVENT_EPT_VIOLATION) {
		uint64_t q = e->data[2];

		fprintf(f, " gpa 0x%" PRIx64 " gva 0x%" PRIx64 " %c%c%c rip 0x%" PRIx64,
			e->data[0], e->data[1], (q & 1) ? 'r' : '-',
			(q & 2) ? 'w' : '-', (q & 4) ? 'x' : '-', e->data[3]);
	} else {
		for (i = 0; i < 4 && keys[i]; i++)
			fprintf(f, " %s 0x%" PRIx64, keys[i], e->data[i]);
	}
	fputc('\n', f);
}

static void print_event_json(FILE *f, const struct hv_event *e)
{
	const char *const *keys = data_keys(e->type);
	struct json j;
	unsigned int i;

	json_init(&j, f, false);
	json_begin_object(&j);
	json_key(&j, "type");
	json_string(&j, event_name(e->type));
	json_key(&j, "type_id");
	json_uint(&j, e->type);
	json_key(&j, "cpu");
	json_uint(&j, e->cpu);
	json_key(&j, "tsc");
	json_uint(&j, e->tsc);
	if (e->type == GV_EVENT_HYPAPP) {
		json_key(&j, "hypapp");
		json_uint(&j, e->source);
	}
	for (i = 0; i < 4 && keys[i]; i++) {
		json_key(&j, keys[i]);
		json_uint(&j, e->data[i]);
	}
	json_end_object(&j);
	json_finish(&j);
}

static void on_event(const struct hv_event *e, void *arg)
{
	const struct hv_out *o = arg;

	if (o->json)
		print_event_json(o->f, e);
	else
		print_event_text(o->f, e);
	/* Each event as it comes, also into a pipe. */
	fflush(o->f);
}

static int events_stats(const struct hv_out *o)
{
	struct hv_event_stats st;
	struct gvnl *g;
	struct json j;
	int err;

	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_event_stats(g, &st);
	gvnl_close(g);
	if (err)
		return err;
	if (!o->json) {
		fprintf(o->f, "posted %" PRIu64 "\ndropped %" PRIu64 "\ndelivered %" PRIu64 "\n",
			st.posted, st.dropped, st.delivered);
		return HVCTL_EXIT_OK;
	}
	json_init(&j, o->f, o->pretty);
	json_begin_object(&j);
	json_key(&j, "posted");
	json_uint(&j, st.posted);
	json_key(&j, "dropped");
	json_uint(&j, st.dropped);
	json_key(&j, "delivered");
	json_uint(&j, st.delivered);
	json_end_object(&j);
	json_finish(&j);
	return HVCTL_EXIT_OK;
}

/* A non-negative decimal number, whole: -1 when it is not one. */
static long parse_count(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end ? -1 : v;
}

int hv_cmd_events(const struct hv_out *o, int argc, char **argv)
{
	long count = -1, timeout = 0;
	struct gvnl *g;
	int i, err;

	if (argc > 0 && !strcmp(argv[0], "stats")) {
		if (argc > 1) {
			fprintf(stderr, "hvctl: events stats takes no arguments\n");
			return HVCTL_EXIT_USAGE;
		}
		return events_stats(o);
	}
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help") || !strcmp(argv[i], "-h") ||
		    !strcmp(argv[i], "--help")) {
			fputs("Usage: hvctl [-j] events [--count N] [--timeout SECONDS]\n"
			      "       hvctl [-j] events stats\n", stdout);
			return HVCTL_EXIT_OK;
		}
		if ((!strcmp(argv[i], "--count") || !strcmp(argv[i], "--timeout")) &&
		    i + 1 < argc) {
			long v = parse_count(argv[i + 1]);

			if (v <= 0) {
				fprintf(stderr, "hvctl: events: %s needs a positive number, not '%s'\n",
					argv[i], argv[i + 1]);
				return HVCTL_EXIT_USAGE;
			}
			if (argv[i][2] == 'c')
				count = v;
			else
				timeout = v;
			i++;
			continue;
		}
		fprintf(stderr, "hvctl: events: unknown argument '%s'\nTry 'hvctl events help'.\n",
			argv[i]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_events_follow(g, count, (double)timeout, on_event, (void *)o);
	gvnl_close(g);
	if (err == HVCTL_EXIT_TIMEOUT)
		fprintf(stderr, "hvctl: events: timed out after %ld s\n", timeout);
	return err;
}
