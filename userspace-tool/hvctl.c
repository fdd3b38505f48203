// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl - control the greenvisor hypervisor.
 *
 *   hvctl [OPTIONS] OBJECT [COMMAND] [ARGS]
 *
 * See hvctl.8 and docs/hvctl.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

static void usage(FILE *f)
{
	fputs("Usage: hvctl [OPTIONS] OBJECT [COMMAND] [ARGS]\n"
	      "\n"
	      "Objects and commands:\n"
	      "  hvctl version             tool version; ABI version if loaded\n"
	      "  hvctl status              hypervisor status\n"
	      "  hvctl cpu show [CPU]      per-CPU state (all possible CPUs by default)\n"
	      "  hvctl stats [CPU]         VM-exit counters by basic exit reason\n"
	      "  hvctl top [-d S] [-n N]   live VM exits per second by CPU and reason\n"
	      "  hvctl ept show            EPT rich view: table pages, leaves by size\n"
	      "  hvctl ept query GPA       how the rich view maps GPA (hex with 0x, or decimal)\n"
	      "  hvctl mem lend SIZE       allocate SIZE (bytes, or with K/M/G) and lend it\n"
	      "                            to the green partition; prints the new set\n"
	      "  hvctl mem return ID       scrub and return a lent set\n"
	      "  hvctl mem show            the lent sets\n"
	      "  hvctl mem map [--scale S] physical memory by owner, drawn (S bytes a character)\n"
	      "  hvctl check               can greenvisor load here? (works unloaded)\n"
	      "  hvctl events [--count N] [--timeout S]\n"
	      "                            follow events (EPT violations, hypapps, ...)\n"
	      "  hvctl events stats        events posted, dropped, delivered\n"
	      "  hvctl hypapp list         registered hypapps: vmcalls, CPUID leaves, events\n"
	      "  hvctl help                this text\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json                JSON output\n"
	      "  -p, --pretty              indent JSON output (with -j)\n"
	      "  -V, --version             same as 'hvctl version'\n"
	      "  -h, --help                this text\n"
	      "\n"
	      "Exit status: 0 success, 1 usage error, 2 kernel or netlink error,\n"
	      "3 greenvisor not loaded, 4 hvctl check found a FAIL,\n"
	      "5 hvctl events --count timed out.\n", f);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'hvctl help'.\n", stderr);
	return HVCTL_EXIT_USAGE;
}

static bool is_help(const char *s)
{
	return !strcmp(s, "help") || !strcmp(s, "-h") || !strcmp(s, "--help");
}

/* A decimal CPU number (no sign, no junk). */
static int parse_cpu(const char *s, uint32_t *cpu)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*cpu = (uint32_t)v;
	return 0;
}

/* A guest-physical address: hex with 0x/0X, or decimal; 64 bits. */
static int parse_gpa(const char *s, uint64_t *gpa)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return -1;
	} else if (*s < '0' || *s > '9') {
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*gpa = v;
	return 0;
}

/* A size: decimal bytes, optionally with a K, M or G (binary) suffix. */
static int parse_size(const char *s, uint64_t *size)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*size = (uint64_t)v << shift;
	return 0;
}

static int cmd_version(const struct hv_out *o, int argc, char **argv)
{
	struct hv_status st;
	struct gvnl *g;
	int err;

	if (argc > 0)
		return usage_error("version takes no arguments: '%s'", argv[0]);
	err = gvnl_open(&g, true);
	if (err == HVCTL_EXIT_NOT_LOADED) {
		hv_print_version(o, NULL);
		return HVCTL_EXIT_OK;
	}
	if (err)
		return err;
	err = gvnl_get_status(g, &st);
	gvnl_close(g);
	if (err) {
		/* e.g. no CAP_NET_ADMIN: the tool's own version still prints */
		if (!o->json)
			printf("hvctl %s\n", HVCTL_VERSION);
		return err;
	}
	hv_print_version(o, &st);
	return HVCTL_EXIT_OK;
}

static int cmd_status(const struct hv_out *o, int argc, char **argv)
{
	struct hv_status st;
	struct gvnl *g;
	int err;

	if (argc > 0 && is_help(argv[0])) {
		fputs("Usage: hvctl status\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc > 0)
		return usage_error("status takes no arguments: '%s'", argv[0]);
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_get_status(g, &st);
	gvnl_close(g);
	if (!err)
		hv_print_status(o, &st);
	return err;
}

/* Fetch one CPU (@argv[0]) or all of them; used by "cpu show" and "stats". */
static int fetch_cpus(const char *obj, int argc, char **argv,
		      struct hv_cpu_list *l)
{
	struct gvnl *g;
	uint32_t cpu;
	int err;

	if (argc > 1)
		return usage_error("too many arguments: '%s'", argv[1]);
	if (argc == 1 && parse_cpu(argv[0], &cpu)) {
		fprintf(stderr, "hvctl: %s: '%s' is not a CPU number\n", obj,
			argv[0]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	if (argc == 1)
		err = gvnl_get_cpu(g, obj, cpu, l);
	else
		err = gvnl_dump_cpus(g, obj, l);
	gvnl_close(g);
	return err;
}

static int cmd_cpu(const struct hv_out *o, int argc, char **argv)
{
	struct hv_cpu_list l = { 0 };
	int err;

	if (argc > 0 && is_help(argv[0])) {
		fputs("Usage: hvctl cpu show [CPU]\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc > 0 && strcmp(argv[0], "show") && strcmp(argv[0], "list"))
		return usage_error("unknown cpu command '%s'", argv[0]);
	if (argc > 0) {
		argc--;
		argv++;
	}
	err = fetch_cpus("cpu show", argc, argv, &l);
	if (!err)
		hv_print_cpus(o, &l);
	hv_cpu_list_free(&l);
	return err;
}

static int cmd_stats(const struct hv_out *o, int argc, char **argv)
{
	struct hv_cpu_list l = { 0 };
	int err;

	if (argc > 0 && is_help(argv[0])) {
		fputs("Usage: hvctl stats [CPU]\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc > 0 && !strcmp(argv[0], "show")) {
		argc--;
		argv++;
	}
	err = fetch_cpus("stats", argc, argv, &l);
	if (!err)
		hv_print_stats(o, &l);
	hv_cpu_list_free(&l);
	return err;
}

static int ept_show(const struct hv_out *o, int argc, char **argv)
{
	struct hv_ept_stats st;
	struct gvnl *g;
	int err;

	if (argc > 0)
		return usage_error("ept show takes no arguments: '%s'", argv[0]);
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_get_ept(g, &st);
	gvnl_close(g);
	if (!err)
		hv_print_ept(o, &st);
	return err;
}

static int ept_query(const struct hv_out *o, int argc, char **argv)
{
	struct hv_ept_map m;
	struct gvnl *g;
	uint64_t gpa;
	int err;

	if (argc == 0)
		return usage_error("ept query needs a guest-physical address");
	if (argc > 1)
		return usage_error("too many arguments: '%s'", argv[1]);
	if (parse_gpa(argv[0], &gpa)) {
		fprintf(stderr, "hvctl: ept query: '%s' is not an address (hex with 0x, or decimal, 64 bits)\n",
			argv[0]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_ept_query(g, gpa, &m);
	gvnl_close(g);
	if (!err)
		hv_print_ept_map(o, &m);
	return err;
}

static int cmd_ept(const struct hv_out *o, int argc, char **argv)
{
	if (argc > 0 && is_help(argv[0])) {
		fputs("Usage: hvctl ept show\n"
		      "       hvctl ept query GPA\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc == 0 || !strcmp(argv[0], "show"))
		return ept_show(o, argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "query"))
		return ept_query(o, argc - 1, argv + 1);
	return usage_error("unknown ept command '%s'", argv[0]);
}

static int mem_lend(const struct hv_out *o, int argc, char **argv)
{
	struct hv_mem_list l = { 0 };
	struct gvnl *g;
	uint64_t size;
	int err;

	if (argc != 1)
		return usage_error("mem lend needs one SIZE");
	if (parse_size(argv[0], &size) || !size || size % 4096) {
		fprintf(stderr, "hvctl: mem lend: '%s' is not a size in whole 4 KiB pages (e.g. 4096, 64K, 16M)\n",
			argv[0]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_mem_lend(g, size, &l);
	gvnl_close(g);
	if (!err)
		hv_print_mem(o, &l);
	hv_mem_list_free(&l);
	return err;
}

static int mem_return(int argc, char **argv)
{
	struct gvnl *g;
	uint32_t id;
	int err;

	if (argc != 1)
		return usage_error("mem return needs one ID");
	if (parse_cpu(argv[0], &id) || !id) {
		fprintf(stderr, "hvctl: mem return: '%s' is not a set id (a positive number)\n",
			argv[0]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_mem_return(g, id);
	gvnl_close(g);
	return err;
}

static int mem_show(const struct hv_out *o, int argc, char **argv)
{
	struct hv_mem_list l = { 0 };
	struct gvnl *g;
	int err;

	if (argc > 0)
		return usage_error("mem show takes no arguments: '%s'", argv[0]);
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_mem_dump(g, &l);
	gvnl_close(g);
	if (!err)
		hv_print_mem(o, &l);
	hv_mem_list_free(&l);
	return err;
}

static int cmd_mem(const struct hv_out *o, int argc, char **argv)
{
	if (argc > 0 && is_help(argv[0])) {
		fputs("Usage: hvctl mem lend SIZE\n"
		      "       hvctl mem return ID\n"
		      "       hvctl mem show\n"
		      "       hvctl mem map [--scale SIZE]\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc == 0 || !strcmp(argv[0], "show"))
		return mem_show(o, argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "lend"))
		return mem_lend(o, argc - 1, argv + 1);
	if (!strcmp(argv[0], "return"))
		return mem_return(argc - 1, argv + 1);
	if (!strcmp(argv[0], "map"))
		return hv_mem_map(o, argc - 1, argv + 1);
	return usage_error("unknown mem command '%s'", argv[0]);
}

static int cmd_check(const struct hv_out *o, int argc, char **argv)
{
	if (argc > 0 && is_help(argv[0])) {
		fputs("usage: hvctl [-j] check\n", stdout);
		return HVCTL_EXIT_OK;
	}
	if (argc > 0)
		return usage_error("check takes no arguments");
	return hv_check(o);
}

static const struct {
	const char *name;
	int (*fn)(const struct hv_out *o, int argc, char **argv);
} objects[] = {
	{ "version",	cmd_version },
	{ "status",	cmd_status },
	{ "cpu",	cmd_cpu },
	{ "stats",	cmd_stats },
	{ "ept",	cmd_ept },
	{ "mem",	cmd_mem },
	{ "check",	cmd_check },
	{ "events",	hv_cmd_events },
	{ "hypapp",	hv_cmd_hypapp },
	{ "top",	hv_cmd_top },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ "pretty",	no_argument,	NULL, 'p' },
		{ "version",	no_argument,	NULL, 'V' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hv_out o = { .f = stdout };
	bool version = false;
	size_t i;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'p':
			o.pretty = true;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			usage(stdout);
			return HVCTL_EXIT_OK;
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	if (version)
		return cmd_version(&o, argc, argv);
	if (argc == 0) {
		usage(stderr);
		return HVCTL_EXIT_USAGE;
	}
	if (is_help(argv[0])) {
		usage(stdout);
		return HVCTL_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (!strcmp(argv[0], objects[i].name))
			return objects[i].fn(&o, argc - 1, argv + 1);
	return usage_error("unknown object '%s'", argv[0]);
}
