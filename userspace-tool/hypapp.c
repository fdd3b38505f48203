// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl hypapp list: the registered hypapps (GV_CMD_HYPAPP_GET), with the
 * vmcall numbers and CPUID leaves they own, the events they handle, their
 * root memory and how often they were called.
 */
#include <inttypes.h>
#include <string.h>

#include "hvctl.h"

static const char *const event_names[] = {
	"init", "hypercall", "ept", "cpuid", "nmi", "shutdown",
};

static void text_events(FILE *f, uint32_t bits)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++) {
		if (bits & (1u << i)) {
			fprintf(f, "%s%s", sep, event_names[i]);
			sep = ",";
		}
	}
	if (!*sep)
		fputc('-', f);
}

static void json_events(struct json *j, const char *key, uint32_t bits)
{
	unsigned int i;

	json_key(j, key);
	json_begin_array(j);
	for (i = 0; i < ARRAY_SIZE(event_names); i++)
		if (bits & (1u << i))
			json_string(j, event_names[i]);
	json_end_array(j);
}

static void print_json(const struct hv_out *o, const struct hv_hypapp_list *l)
{
	struct json j;
	size_t i;

	json_init(&j, o->f, o->pretty);
	json_begin_array(&j);
	for (i = 0; i < l->n; i++) {
		const struct hv_hypapp *h = &l->apps[i];

		json_begin_object(&j);
		json_key(&j, "id");
		json_uint(&j, h->id);
		json_key(&j, "name");
		json_string(&j, h->name);
		json_key(&j, "module");
		json_string(&j, h->module);
		json_key(&j, "hc_base");
		json_uint(&j, h->hc_base);
		json_key(&j, "hc_count");
		json_uint(&j, h->hc_count);
		json_key(&j, "cpuid_base");
		json_uint(&j, h->cpuid_base);
		json_key(&j, "cpuid_count");
		json_uint(&j, h->cpuid_count);
		json_key(&j, "data_pages");
		json_uint(&j, h->data_pages);
		json_key(&j, "text_pages");
		json_uint(&j, h->text_pages);
		json_key(&j, "calls");
		json_uint(&j, h->calls);
		json_events(&j, "events", h->events);
		json_events(&j, "quiesced", h->quiesce);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_finish(&j);
}

static void print_text(FILE *f, const struct hv_hypapp_list *l)
{
	size_t i;

	if (!l->n) {
		fputs("no hypapps registered\n", f);
		return;
	}
	fprintf(f, "%-3s %-15s %-19s %-23s %-12s %s\n", "ID", "NAME", "VMCALLS",
		"CPUID", "CALLS", "EVENTS");
	for (i = 0; i < l->n; i++) {
		const struct hv_hypapp *h = &l->apps[i];
		char calls[24], cpuid[32];

		if (h->hc_count)
			snprintf(calls, sizeof(calls), "0x%04" PRIx32 "-0x%04" PRIx32,
				 h->hc_base, h->hc_base + h->hc_count - 1);
		else
			strcpy(calls, "-");
		if (h->cpuid_count)
			snprintf(cpuid, sizeof(cpuid), "0x%08" PRIx32 "-0x%08" PRIx32,
				 h->cpuid_base, h->cpuid_base + h->cpuid_count - 1);
		else
			strcpy(cpuid, "-");
		fprintf(f, "%-3" PRIu32 " %-15s %-19s %-23s %-12" PRIu64 " ", h->id,
			h->name, calls, cpuid, h->calls);
		text_events(f, h->events);
		fputc('\n', f);
	}
}

int hv_cmd_hypapp(const struct hv_out *o, int argc, char **argv)
{
	struct hv_hypapp_list l = { 0 };
	struct gvnl *g;
	int err;

	if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
			 !strcmp(argv[0], "--help"))) {
		fputs("Usage: hvctl [-j] hypapp list\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc > 0 && strcmp(argv[0], "list") && strcmp(argv[0], "show")) {
		fprintf(stderr, "hvctl: unknown hypapp command '%s'\nTry 'hvctl hypapp help'.\n",
			argv[0]);
		return HVCTL_EXIT_USAGE;
	}
	if (argc > 1) {
		fprintf(stderr, "hvctl: hypapp list takes no arguments: '%s'\n", argv[1]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_hypapp_dump(g, &l);
	gvnl_close(g);
	if (!err) {
		if (o->json)
			print_json(o, &l);
		else
			print_text(o->f, &l);
	}
	hv_hypapp_list_free(&l);
	return err;
}
