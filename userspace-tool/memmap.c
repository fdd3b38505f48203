// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl mem map: physical memory by owner, drawn in the terminal.
 *
 * The module sends the platform's layer (RAM, reserved, MMIO) and then
 * what greenvisor took (pool, green partition); later ranges win where
 * they overlap. Each character stands for --scale bytes (default: what
 * puts the end of RAM into about 16 lines); a cell shows the owner that
 * matters most in it (green, then hypervisor, then rich RAM, reserved,
 * MMIO, nothing), so that a single pool page still shows up.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

#define MAP_WIDTH	64
#define MAP_LINES	16

static const struct {
	char ch;
	const char *key;
	const char *what;
} owners[] = {
	[0]			= { '.', "none", "nothing (hole)" },
	[GV_MEM_OWNER_RICH]	= { 'r', "rich", "rich OS RAM" },
	[GV_MEM_OWNER_RESERVED]	= { 'x', "reserved", "firmware-reserved" },
	[GV_MEM_OWNER_MMIO]	= { 'm', "mmio", "MMIO / other non-RAM" },
	[GV_MEM_OWNER_HYPERVISOR] = { 'H', "hypervisor", "greenvisor (pool)" },
	[GV_MEM_OWNER_GREEN]	= { 'G', "green", "green partition (lent)" },
};

/* Which owner shows in a cell, highest first. */
static const uint32_t precedence[] = {
	GV_MEM_OWNER_GREEN, GV_MEM_OWNER_HYPERVISOR, GV_MEM_OWNER_RICH,
	GV_MEM_OWNER_RESERVED, GV_MEM_OWNER_MMIO,
};

static uint32_t owner_index(uint32_t owner)
{
	return owner < ARRAY_SIZE(owners) && owners[owner].key ? owner : 0;
}

/* The owner of byte @pa: the last range that holds it (0: none). */
static uint32_t owner_at(const struct hv_range_list *l, uint64_t pa)
{
	uint32_t owner = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (pa >= l->r[i].start && pa < l->r[i].end)
			owner = owner_index(l->r[i].owner);
	return owner;
}

/*
 * Bytes of each owner in [@start, @end), after overlays: every range
 * boundary inside is a point where the owner may change.
 */
static void count_owners(const struct hv_range_list *l, uint64_t start,
			 uint64_t end, uint64_t bytes[ARRAY_SIZE(owners)])
{
	uint64_t pos = start, next;
	size_t i;

	memset(bytes, 0, sizeof(uint64_t) * ARRAY_SIZE(owners));
	while (pos < end) {
		next = end;
		for (i = 0; i < l->n; i++) {
			if (l->r[i].start > pos && l->r[i].start < next)
				next = l->r[i].start;
			if (l->r[i].end > pos && l->r[i].end < next)
				next = l->r[i].end;
		}
		bytes[owner_at(l, pos)] += next - pos;
		pos = next;
	}
}

static char cell_char(const uint64_t bytes[ARRAY_SIZE(owners)])
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(precedence); i++)
		if (bytes[precedence[i]])
			return owners[precedence[i]].ch;
	return owners[0].ch;
}

static uint64_t map_end(const struct hv_range_list *l)
{
	uint64_t end = 0;
	size_t i;

	/* Up to the end of RAM and of what greenvisor took, not all of MMIO. */
	for (i = 0; i < l->n; i++)
		if (l->r[i].owner != GV_MEM_OWNER_MMIO && l->r[i].end > end)
			end = l->r[i].end;
	return end;
}

static void human_size(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (v >= 1024 && !(v % 1024) && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", v, units[u]);
}

static void draw(FILE *f, const struct hv_range_list *l, uint64_t scale)
{
	uint64_t end = map_end(l), bytes[ARRAY_SIZE(owners)], total[ARRAY_SIZE(owners)];
	uint64_t pa, line = scale * MAP_WIDTH;
	char buf[32];
	size_t i;

	count_owners(l, 0, end, total);
	human_size(scale, buf, sizeof(buf));
	fprintf(f, "physical memory 0x0-0x%" PRIx64 ", one character = %s\n", end, buf);
	for (pa = 0; pa < end; pa += line) {
		fprintf(f, "%016" PRIx64 " ", pa);
		for (i = 0; i < MAP_WIDTH && pa + i * scale < end; i++) {
			count_owners(l, pa + i * scale, pa + (i + 1) * scale, bytes);
			fputc(cell_char(bytes), f);
		}
		fputc('\n', f);
	}
	for (i = ARRAY_SIZE(owners); i-- > 0;) {
		human_size(total[i], buf, sizeof(buf));
		fprintf(f, "  %c %-24s %14" PRIu64 " bytes (%s)\n", owners[i].ch,
			owners[i].what, total[i], buf);
	}
}

static void print_json(const struct hv_out *o, const struct hv_range_list *l)
{
	uint64_t total[ARRAY_SIZE(owners)];
	struct json j;
	size_t i;

	count_owners(l, 0, map_end(l), total);
	json_init(&j, o->f, o->pretty);
	json_begin_object(&j);
	json_key(&j, "ranges");
	json_begin_array(&j);
	for (i = 0; i < l->n; i++) {
		json_begin_object(&j);
		json_key(&j, "start");
		json_uint(&j, l->r[i].start);
		json_key(&j, "end");
		json_uint(&j, l->r[i].end);
		json_key(&j, "owner");
		json_string(&j, owners[owner_index(l->r[i].owner)].key);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "bytes");
	json_begin_object(&j);
	for (i = 1; i < ARRAY_SIZE(owners); i++) {
		json_key(&j, owners[i].key);
		json_uint(&j, total[i]);
	}
	json_end_object(&j);
	json_end_object(&j);
	json_finish(&j);
}

/* SIZE with an optional K/M/G suffix, a power of two >= 4 KiB; 0 if bad. */
static uint64_t parse_scale(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (*s < '0' || *s > '9')
		return 0;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || v < 4096 || (v & (v - 1)) || v > (1ull << 40))
		return 0;
	return v;
}

int hv_mem_map(const struct hv_out *o, int argc, char **argv)
{
	struct hv_range_list l = { 0 };
	uint64_t scale = 0;
	struct gvnl *g;
	int err;

	if (argc == 2 && !strcmp(argv[0], "--scale")) {
		scale = parse_scale(argv[1]);
		if (!scale) {
			fprintf(stderr, "hvctl: mem map: --scale needs a power of two from 4K to 1T, not '%s'\n",
				argv[1]);
			return HVCTL_EXIT_USAGE;
		}
	} else if (argc) {
		fprintf(stderr, "hvctl: mem map: unknown argument '%s' (only --scale SIZE)\n",
			argv[0]);
		return HVCTL_EXIT_USAGE;
	}
	err = gvnl_open(&g, false);
	if (err)
		return err;
	err = gvnl_mem_map(g, &l);
	gvnl_close(g);
	if (!err && o->json) {
		print_json(o, &l);
	} else if (!err) {
		if (!scale) {
			scale = 4096;
			while (scale * MAP_WIDTH * MAP_LINES < map_end(&l))
				scale <<= 1;
		}
		draw(o->f, &l, scale);
	}
	free(l.r);
	return err;
}
