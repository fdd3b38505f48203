// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI DMAR table parser (VT-d specification, chapter 8). Root-side and
 * freestanding; also linked into the KUnit suite gv_vtd_dmar. See dmar.h
 * and docs/vtd.md.
 *
 * The table is read as bytes (little endian, no alignment assumed) and
 * every read is preceded by a check that it stays inside the structure
 * being decoded, which itself was checked to stay inside the table.
 */
#include "dmar.h"
#include "../uapi/linux/greenvisor.h"

#define ACPI_LEN_OFF		4
#define DMAR_HAW_OFF		36
#define DMAR_FLAGS_OFF		37
#define PAGE_MASK_4K		0xfffull
#define RS_HDR_LEN		4	/* remapping structure: type, length */

struct parser {
	const u8 *t;
	u32 len;		/* the header's length field, checked */
	struct gv_dmar_info *out;
	const char *why;
};

static u16 rd16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static u32 rd32(const u8 *p)
{
	return rd16(p) | (u32)rd16(p + 2) << 16;
}

static u64 rd64(const u8 *p)
{
	return rd32(p) | (u64)rd32(p + 4) << 32;
}

static int fail(struct parser *p, int err, const char *why)
{
	p->why = why;
	return err;
}

/* The struct holds u64 fields, so its size is a multiple of 8. */
static void zero_info(struct gv_dmar_info *info)
{
	u64 *w = (u64 *)info;
	u64 i;

	for (i = 0; i < sizeof(*info) / sizeof(u64); i++)
		w[i] = 0;
}

/* ---- ACPI header (8.1) -------------------------------------------------- */

static int parse_header(struct parser *p, u64 buf_len)
{
	u8 sum = 0;
	u32 i;

	if (buf_len < GV_DMAR_HDR_LEN)
		return fail(p, -GV_EINVAL, "buffer shorter than the DMAR header");
	if (p->t[0] != 'D' || p->t[1] != 'M' || p->t[2] != 'A' ||
	    p->t[3] != 'R')
		return fail(p, -GV_EINVAL, "signature is not DMAR");
	p->len = rd32(p->t + ACPI_LEN_OFF);
	if (p->len < GV_DMAR_HDR_LEN)
		return fail(p, -GV_EINVAL,
			    "length field smaller than the DMAR header");
	if (p->len > buf_len)
		return fail(p, -GV_EINVAL,
			    "length field beyond the buffer (truncated table)");
	for (i = 0; i < p->len; i++)
		sum += p->t[i];
	if (sum)
		return fail(p, -GV_EINVAL, "checksum mismatch");
	/* HAW is "N - 1" for N address bits; Linux also wants N >= 12. */
	if (p->t[DMAR_HAW_OFF] < 11 || p->t[DMAR_HAW_OFF] > 63)
		return fail(p, -GV_EINVAL, "host address width out of range");
	p->out->haw = p->t[DMAR_HAW_OFF] + 1;
	p->out->flags = p->t[DMAR_FLAGS_OFF];
	return 0;
}

/* ---- device scopes (8.3.1) ---------------------------------------------- */

static int parse_one_scope(struct parser *p, const u8 *s, u32 room,
			   struct gv_dmar_scope *sc)
{
	u8 slen;
	u32 i;

	if (room < GV_DMAR_SCOPE_LEN)
		return fail(p, -GV_EINVAL, "truncated device scope header");
	slen = s[1];
	if (slen < GV_DMAR_SCOPE_LEN + 2)
		return fail(p, -GV_EINVAL,
			    "device scope length below 8 (no path)");
	if (slen > room)
		return fail(p, -GV_EINVAL,
			    "device scope runs past its structure");
	if ((slen - GV_DMAR_SCOPE_LEN) & 1)
		return fail(p, -GV_EINVAL,
			    "device scope length is not 6 + 2 * path entries");
	if ((slen - GV_DMAR_SCOPE_LEN) / 2 > GV_DMAR_MAX_PATH)
		return fail(p, -GV_ENOSPC,
			    "device scope path longer than GV_DMAR_MAX_PATH");
	sc->type = s[0];
	sc->enum_id = s[4];
	sc->start_bus = s[5];
	sc->path_len = (slen - GV_DMAR_SCOPE_LEN) / 2;
	for (i = 0; i < sc->path_len; i++) {
		sc->path[i].dev = s[GV_DMAR_SCOPE_LEN + 2 * i];
		sc->path[i].fn = s[GV_DMAR_SCOPE_LEN + 2 * i + 1];
		if (sc->path[i].dev > 31 || sc->path[i].fn > 7)
			return fail(p, -GV_EINVAL,
				    "device scope path: device > 31 or function > 7");
	}
	return slen;
}

/*
 * Decode the scopes that follow the first @hdr bytes of the structure @s
 * (@slen bytes) into @sc; returns 0 or an error.
 */
static int parse_scopes(struct parser *p, const u8 *s, u32 slen, u32 hdr,
			struct gv_dmar_scope *sc, u32 *nr)
{
	u32 off = hdr, n = slen;
	int ret;

	*nr = 0;
	while (off < n) {
		if (*nr == GV_DMAR_MAX_SCOPES)
			return fail(p, -GV_ENOSPC,
				    "more device scopes in one structure than GV_DMAR_MAX_SCOPES");
		ret = parse_one_scope(p, s + off, n - off, &sc[*nr]);
		if (ret < 0)
			return ret;
		off += ret;
		(*nr)++;
	}
	return 0;
}

static bool is_pci_scope(const struct gv_dmar_scope *sc)
{
	return sc->type == GV_DMAR_SCOPE_ENDPOINT ||
	       sc->type == GV_DMAR_SCOPE_BRIDGE;
}

/* Scopes gv_dmar_find_drhd() cannot resolve (see dmar.h). */
static bool is_deep_scope(const struct gv_dmar_scope *sc)
{
	return sc->type == GV_DMAR_SCOPE_BRIDGE ||
	       (sc->type == GV_DMAR_SCOPE_ENDPOINT && sc->path_len > 1);
}

/* ---- remapping structures (8.3 - 8.5) ----------------------------------- */

static int parse_drhd(struct parser *p, const u8 *s, u32 slen)
{
	struct gv_dmar_info *out = p->out;
	struct gv_dmar_drhd *d;
	u32 i;
	int ret;

	if (out->nr_drhd == GV_DMAR_MAX_DRHD)
		return fail(p, -GV_ENOSPC, "more DRHDs than GV_DMAR_MAX_DRHD");
	d = &out->drhd[out->nr_drhd];
	d->flags = s[4];
	d->include_pci_all = s[4] & GV_DRHD_F_INCLUDE_PCI_ALL;
	/* Size[3:0]: 2^N 4 KiB pages; 0 in tables older than the field. */
	d->reg_size = 0x1000u << (s[5] & 0xf);
	d->segment = rd16(s + 6);
	d->reg_base = rd64(s + 8);
	if (!d->reg_base || d->reg_base & PAGE_MASK_4K)
		return fail(p, -GV_EINVAL,
			    "DRHD register base is 0 or not 4 KiB aligned");
	if (d->reg_base + d->reg_size < d->reg_base)
		return fail(p, -GV_EINVAL, "DRHD register set wraps around");
	ret = parse_scopes(p, s, slen, GV_DMAR_DRHD_LEN, d->scopes,
			   &d->nr_scopes);
	if (ret)
		return ret;
	for (i = 0; i < d->nr_scopes; i++)
		out->nr_deep_scopes += is_deep_scope(&d->scopes[i]);
	out->nr_drhd++;
	return 0;
}

static int parse_rmrr(struct parser *p, const u8 *s, u32 slen)
{
	struct gv_dmar_rmrr *r = &p->out->rmrr[p->out->nr_rmrr];

	if (p->out->nr_rmrr == GV_DMAR_MAX_RMRR)
		return fail(p, -GV_ENOSPC, "more RMRRs than GV_DMAR_MAX_RMRR");
	p->out->nr_rmrr++;
	r->segment = rd16(s + 6);
	r->base = rd64(s + 8);
	r->limit = rd64(s + 16);
	/* 8.4: base 4 KiB aligned, limit the last byte of a 4 KiB page. */
	if (r->base & PAGE_MASK_4K || (r->limit & PAGE_MASK_4K) != PAGE_MASK_4K)
		return fail(p, -GV_EINVAL,
			    "RMRR base or limit + 1 not 4 KiB aligned");
	if (r->base > r->limit)
		return fail(p, -GV_EINVAL, "RMRR base above its limit");
	return parse_scopes(p, s, slen, GV_DMAR_RMRR_LEN, r->scopes,
			    &r->nr_scopes);
}

static int parse_atsr(struct parser *p, const u8 *s, u32 slen)
{
	struct gv_dmar_atsr *a = &p->out->atsr[p->out->nr_atsr];

	if (p->out->nr_atsr == GV_DMAR_MAX_ATSR)
		return fail(p, -GV_ENOSPC, "more ATSRs than GV_DMAR_MAX_ATSR");
	p->out->nr_atsr++;
	a->flags = s[4];
	a->segment = rd16(s + 6);
	return parse_scopes(p, s, slen, GV_DMAR_ATSR_LEN, a->scopes,
			    &a->nr_scopes);
}

/* Minimum lengths of the structures this parser knows (8.3 - 8.10). */
static const struct {
	u8 min_len;
	const char *too_short;
} known[GV_DMAR_TYPE_SIDP + 1] = {
	[GV_DMAR_TYPE_DRHD] = { GV_DMAR_DRHD_LEN, "DRHD shorter than 16 bytes" },
	[GV_DMAR_TYPE_RMRR] = { GV_DMAR_RMRR_LEN, "RMRR shorter than 24 bytes" },
	[GV_DMAR_TYPE_ATSR] = { GV_DMAR_ATSR_LEN, "ATSR shorter than 8 bytes" },
	[GV_DMAR_TYPE_RHSA] = { GV_DMAR_RHSA_LEN, "RHSA shorter than 20 bytes" },
	/* The ACPI object name is at least its NUL. */
	[GV_DMAR_TYPE_ANDD] = { GV_DMAR_ANDD_LEN + 1,
				"ANDD shorter than 9 bytes" },
	[GV_DMAR_TYPE_SATC] = { GV_DMAR_SATC_LEN, "SATC shorter than 8 bytes" },
	[GV_DMAR_TYPE_SIDP] = { GV_DMAR_SIDP_LEN, "SIDP shorter than 8 bytes" },
};

static int parse_struct(struct parser *p, const u8 *s, u32 slen)
{
	u16 type = rd16(s);

	/* 8.2: software must skip structures of a reserved type. */
	if (type > GV_DMAR_TYPE_SIDP) {
		p->out->nr_unknown++;
		return 0;
	}
	if (slen < known[type].min_len)
		return fail(p, -GV_EINVAL, known[type].too_short);
	switch (type) {
	case GV_DMAR_TYPE_DRHD:
		return parse_drhd(p, s, slen);
	case GV_DMAR_TYPE_RMRR:
		return parse_rmrr(p, s, slen);
	case GV_DMAR_TYPE_ATSR:
		return parse_atsr(p, s, slen);
	default:
		/* RHSA, ANDD, SATC, SIDP: nothing greenvisor needs. */
		p->out->nr_ignored++;
		return 0;
	}
}

static int parse_structs(struct parser *p)
{
	u32 off = GV_DMAR_HDR_LEN, slen;
	int ret;

	while (off < p->len) {
		if (p->len - off < RS_HDR_LEN)
			return fail(p, -GV_EINVAL,
				    "truncated remapping structure header");
		slen = rd16(p->t + off + 2);
		if (slen < RS_HDR_LEN)
			return fail(p, -GV_EINVAL,
				    "remapping structure length below 4");
		if (slen > p->len - off)
			return fail(p, -GV_EINVAL,
				    "remapping structure runs past the table end");
		ret = parse_struct(p, p->t + off, slen);
		if (ret)
			return ret;
		off += slen;
	}
	return 0;
}

/* ---- consistency across structures -------------------------------------- */

static bool same_path(const struct gv_dmar_scope *a,
		      const struct gv_dmar_scope *b, u8 n)
{
	u8 i;

	if (a->start_bus != b->start_bus)
		return false;
	for (i = 0; i < n; i++)
		if (a->path[i].dev != b->path[i].dev ||
		    a->path[i].fn != b->path[i].fn)
			return false;
	return true;
}

/* Is @b the device of @a or below the bridge @a (by path prefix)? */
static bool scope_covers(const struct gv_dmar_scope *a,
			 const struct gv_dmar_scope *b)
{
	if (a->path_len > b->path_len)
		return false;
	if (a->path_len < b->path_len && a->type != GV_DMAR_SCOPE_BRIDGE)
		return false;
	return same_path(a, b, a->path_len);
}

/*
 * Two scopes @a and @b of DRHDs (@same_unit: of one DRHD, @b after @a
 * there; @same_seg: of one segment). Returns an error message or NULL.
 */
static const char *scope_conflict(const struct gv_dmar_scope *a,
				  const struct gv_dmar_scope *b,
				  bool same_unit, bool same_seg)
{
	if (is_pci_scope(a) && is_pci_scope(b)) {
		if (!same_seg)
			return NULL;
		if (a->path_len == b->path_len && same_path(a, b, a->path_len))
			return "the same PCI device is listed twice in DRHD scopes";
		if (!same_unit && (scope_covers(a, b) || scope_covers(b, a)))
			return "a DRHD scope lies below a bridge scope of another DRHD";
		return NULL;
	}
	/* I/O APIC ids and HPET numbers are global, not per segment. */
	if (a->type == b->type && a->enum_id == b->enum_id &&
	    (a->type == GV_DMAR_SCOPE_IOAPIC || a->type == GV_DMAR_SCOPE_HPET))
		return "the same I/O APIC or HPET is listed twice in DRHD scopes";
	return NULL;
}

/* Scopes of @d against those of @e (the same DRHD when @d == @e). */
static const char *units_conflict(const struct gv_dmar_drhd *d,
				  const struct gv_dmar_drhd *e)
{
	const char *why;
	u32 i, j;

	for (i = 0; i < d->nr_scopes; i++) {
		for (j = d == e ? i + 1 : 0; j < e->nr_scopes; j++) {
			why = scope_conflict(&d->scopes[i], &e->scopes[j],
					     d == e, d->segment == e->segment);
			if (why)
				return why;
		}
	}
	return NULL;
}

static int check_units(struct parser *p)
{
	const struct gv_dmar_info *out = p->out;
	const struct gv_dmar_drhd *d, *e;
	const char *why;
	u32 i, j;

	for (i = 0; i < out->nr_drhd; i++) {
		d = &out->drhd[i];
		for (j = i; j < out->nr_drhd; j++) {
			e = &out->drhd[j];
			if (d != e && d->include_pci_all &&
			    e->include_pci_all && d->segment == e->segment)
				return fail(p, -GV_EINVAL,
					    "two INCLUDE_PCI_ALL DRHDs for one segment");
			why = units_conflict(d, e);
			if (why)
				return fail(p, -GV_EINVAL, why);
		}
	}
	return 0;
}

int gv_dmar_parse(const void *table, u64 len, struct gv_dmar_info *out,
		  const char **why)
{
	struct parser p = { .t = table, .out = out, .why = "ok" };
	int ret = -GV_EINVAL;

	if (!table || !out)
		p.why = "no table or no output";
	else
		zero_info(out);
	if (table && out)
		ret = parse_header(&p, len);
	if (!ret)
		ret = parse_structs(&p);
	if (!ret)
		ret = check_units(&p);
	if (why)
		*why = p.why;
	return ret;
}

/* ---- lookups ------------------------------------------------------------ */

bool gv_dmar_scope_is_dev(const struct gv_dmar_scope *s, u8 bus, u8 devfn)
{
	return is_pci_scope(s) && s->path_len == 1 && s->start_bus == bus &&
	       s->path[0].dev == devfn >> 3 && s->path[0].fn == (devfn & 7);
}

/* Does @s's path run down @p from hop @k on (8.3.1)? */
static bool path_runs_from(const struct gv_dmar_scope *s,
			   const struct gv_pci_path *p, u32 k)
{
	u32 j;

	if (p->hop[k].bus != s->start_bus || k + s->path_len > p->len)
		return false;
	for (j = 0; j < s->path_len; j++) {
		u8 devfn = p->hop[k + j].devfn;

		if (s->path[j].dev != devfn >> 3 || s->path[j].fn != (devfn & 7))
			return false;
	}
	/* An endpoint is the device itself; a bridge, it or one above it. */
	return s->type == GV_DMAR_SCOPE_BRIDGE || k + s->path_len == p->len;
}

bool gv_dmar_scope_covers(const struct gv_dmar_scope *s,
			  const struct gv_pci_path *p)
{
	u32 k;

	if (!is_pci_scope(s) || !p || !p->len || p->len > GV_DMAR_MAX_PATH ||
	    !s->path_len || s->path_len > GV_DMAR_MAX_PATH)
		return false;
	for (k = 0; k < p->len; k++)
		if (path_runs_from(s, p, k))
			return true;
	return false;
}

static bool scopes_cover(const struct gv_dmar_scope *sc, u32 n,
			 const struct gv_pci_path *p)
{
	u32 i;

	for (i = 0; i < n && i < GV_DMAR_MAX_SCOPES; i++)
		if (gv_dmar_scope_covers(&sc[i], p))
			return true;
	return false;
}

int gv_dmar_find_drhd_path(const struct gv_dmar_info *info, u16 segment,
			   const struct gv_pci_path *p)
{
	int all = -GV_ENOENT;
	u32 i;

	if (!info || !p)
		return -GV_EINVAL;
	for (i = 0; i < info->nr_drhd && i < GV_DMAR_MAX_DRHD; i++) {
		const struct gv_dmar_drhd *d = &info->drhd[i];

		if (d->segment != segment)
			continue;
		if (scopes_cover(d->scopes, d->nr_scopes, p))
			return i;
		if (d->include_pci_all)
			all = i;
	}
	return all;
}

/* A device on @bus with no bridge above it that the caller knows of. */
static void one_hop(struct gv_pci_path *p, u8 bus, u8 devfn)
{
	p->len = 1;
	p->hop[0].bus = bus;
	p->hop[0].devfn = devfn;
}

int gv_dmar_find_drhd(const struct gv_dmar_info *info, u16 segment, u8 bus,
		      u8 devfn)
{
	struct gv_pci_path p;

	one_hop(&p, bus, devfn);
	return gv_dmar_find_drhd_path(info, segment, &p);
}

int gv_dmar_next_rmrr_path(const struct gv_dmar_info *info, u32 from,
			   u16 segment, const struct gv_pci_path *p)
{
	u32 i;

	if (!info || !p)
		return -GV_EINVAL;
	for (i = from; i < info->nr_rmrr && i < GV_DMAR_MAX_RMRR; i++) {
		const struct gv_dmar_rmrr *r = &info->rmrr[i];

		if (r->segment == segment &&
		    scopes_cover(r->scopes, r->nr_scopes, p))
			return i;
	}
	return -GV_ENOENT;
}

int gv_dmar_next_rmrr(const struct gv_dmar_info *info, u32 from, u16 segment,
		      u8 bus, u8 devfn)
{
	struct gv_pci_path p;

	one_hop(&p, bus, devfn);
	return gv_dmar_next_rmrr_path(info, from, segment, &p);
}
