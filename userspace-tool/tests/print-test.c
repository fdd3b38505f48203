// SPDX-License-Identifier: GPL-2.0
/*
 * Renders synthetic greenvisor replies through hvctl's printer, so that
 * `make check` can validate the text and JSON output without the module.
 *
 *   print-test [-j] [-p] version|version-unloaded|status|status-noabi|cpus|stats
 */
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

static void fill_status(struct hv_status *st, bool abi)
{
	memset(st, 0, sizeof(*st));
	strcpy(st->module_version, "0.1 \"test\"\\build");
	st->has_abi = abi;
	st->abi_version = GV_ABI_VERSION;
	st->abi_cpu = 1;
	st->features = GV_FEAT_VPID | GV_FEAT_EPT | (1u << 7);
	st->nr_possible = 4;
	st->nr_online = 3;
	st->nr_virtualized = 2;
}

static void fill_cpus(struct hv_cpu_list *l)
{
	struct hv_cpu *c;
	uint32_t i;

	for (i = 0; i < 4; i++) {
		c = hv_cpu_list_add(l);
		if (!c)
			exit(2);
		c->id = i;
		c->online = i != 3;
		c->virtualized = i < 2;
		if (!c->virtualized)
			continue;
		c->has_exits = true;
		c->counts[10] = 1000 + i;	/* CPUID */
		c->counts[18] = 7;		/* VMCALL */
		c->counts[35] = 1;		/* not defined by the SDM */
		c->counts[48] = 0xffffffffffffull;
		c->counts[79] = 1;
		c->counts[100] = 2;		/* beyond the name table */
		c->exits_total = c->counts[10] + c->counts[18] + c->counts[35] +
				 c->counts[48] + c->counts[79] + c->counts[100];
	}
}

int main(int argc, char **argv)
{
	struct hv_out o = { .f = stdout };
	struct hv_cpu_list l = { 0 };
	struct hv_status st;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j"))
			o.json = true;
		else if (!strcmp(argv[i], "-p"))
			o.pretty = true;
	}
	if (i != argc - 1)
		return 1;
	if (!strcmp(argv[i], "version")) {
		fill_status(&st, true);
		hv_print_version(&o, &st);
	} else if (!strcmp(argv[i], "version-unloaded")) {
		hv_print_version(&o, NULL);
	} else if (!strcmp(argv[i], "status")) {
		fill_status(&st, true);
		hv_print_status(&o, &st);
	} else if (!strcmp(argv[i], "status-noabi")) {
		fill_status(&st, false);
		hv_print_status(&o, &st);
	} else if (!strcmp(argv[i], "cpus")) {
		fill_cpus(&l);
		hv_print_cpus(&o, &l);
	} else if (!strcmp(argv[i], "stats")) {
		fill_cpus(&l);
		hv_print_stats(&o, &l);
	} else {
		return 1;
	}
	hv_cpu_list_free(&l);
	return 0;
}
