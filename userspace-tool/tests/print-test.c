// SPDX-License-Identifier: GPL-2.0
/*
 * Renders synthetic greenvisor replies through hvctl's printer, so that
 * `make check` can validate the text and JSON output without the module.
 *
 *   print-test [-j] [-p] version|version-unloaded|status|status-noabi|cpus|stats|
 *                        ept|ept-map|ept-map-odd
 */
#include <stdlib.h>
#include <string.h>

#include <linux/greenvisor_nl.h>

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

static const struct hv_ept_stats ept_stats = {
	.tables = 9, .leaves_1g = 1023, .leaves_2m = 507, .leaves_4k = 2260,
};

/* RAM below 4 GiB: a 2 MiB write-back leaf. */
static const struct hv_ept_map ept_map = {
	.gpa = 0x1000000, .hpa = 0x1000000, .size = 2u << 20,
	.perm = GV_EPT_PERM_R | GV_EPT_PERM_W | GV_EPT_PERM_X,
	.memtype = GV_EPT_MT_WB,
};

/* A reserved type with ignore-PAT, execute-only, 64-bit addresses. */
static const struct hv_ept_map ept_map_odd = {
	.gpa = 0xfffffffffffff123ull, .hpa = 0x8000000000000123ull,
	.size = 1u << 30, .perm = GV_EPT_PERM_X,
	.memtype = 2 | GV_EPT_MT_IPAT,
};

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
	} else if (!strcmp(argv[i], "ept")) {
		hv_print_ept(&o, &ept_stats);
	} else if (!strcmp(argv[i], "ept-map")) {
		hv_print_ept_map(&o, &ept_map);
	} else if (!strcmp(argv[i], "ept-map-odd")) {
		hv_print_ept_map(&o, &ept_map_odd);
	} else {
		return 1;
	}
	hv_cpu_list_free(&l);
	return 0;
}
