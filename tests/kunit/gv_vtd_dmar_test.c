// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite gv_vtd_dmar: vtd/dmar.c, the ACPI DMAR parser (VT-d
 * specification, chapter 8), on tables built here byte by byte: a table
 * like QEMU's (one DRHD listing its devices), a client platform's
 * (graphics unit plus an INCLUDE_PCI_ALL unit, RMRRs, ATSR, RHSA, ANDD and
 * a reserved type), every cut point of a truncated table, every malformed
 * field the parser must refuse (with its message), capacity overflows,
 * duplicate and overlapping device scopes, the device-to-unit lookup, and
 * 5000 random mutations of a valid table. Tables are parsed from the end
 * of a vmalloc'd page, whose guard page turns any read past the given
 * length into a fault.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <kunit/test.h>

#include "../../vtd/dmar.h"
#include "../../uapi/linux/greenvisor.h"
#include "gv_kunit.h"

#define TB_MAX		8192
#define EP		GV_DMAR_SCOPE_ENDPOINT
#define BR		GV_DMAR_SCOPE_BRIDGE
#define IOAPIC		GV_DMAR_SCOPE_IOAPIC
#define HPET		GV_DMAR_SCOPE_HPET
#define ACPI_DEV	GV_DMAR_SCOPE_ACPI
#define DEVFN(d, f)	((d) << 3 | (f))

/* ---- building tables ---- */

struct tb {
	u8 b[TB_MAX];
	u32 len;
	u32 open;		/* offset of the structure being built */
	u32 ends[64];		/* offsets where a structure ends */
	u32 nr_ends;
};

static void put8(struct tb *t, u8 v)
{
	if (t->len < TB_MAX)
		t->b[t->len] = v;
	t->len++;
}

static void put16(struct tb *t, u16 v)
{
	put8(t, v);
	put8(t, v >> 8);
}

static void put32(struct tb *t, u32 v)
{
	put16(t, v);
	put16(t, v >> 16);
}

static void put64(struct tb *t, u64 v)
{
	put32(t, v);
	put32(t, v >> 32);
}

static void poke16(struct tb *t, u32 off, u16 v)
{
	t->b[off] = v;
	t->b[off + 1] = v >> 8;
}

/* ACPI header and the DMAR fields; length and checksum set by finish(). */
static void tb_start(struct tb *t, u8 haw_field, u8 flags)
{
	static const char oem[] = "GVTESTGVDMAR    ";
	unsigned int i;

	t->len = 0;
	t->nr_ends = 0;
	put32(t, 0x52414d44);		/* "DMAR" */
	put32(t, 0);			/* length */
	put8(t, 1);			/* revision */
	put8(t, 0);			/* checksum */
	for (i = 0; i < 14; i++)	/* OEM id, OEM table id */
		put8(t, oem[i]);
	put32(t, 1);			/* OEM revision */
	put32(t, 0x4c4e5847);		/* creator id */
	put32(t, 1);			/* creator revision */
	put8(t, haw_field);
	put8(t, flags);
	for (i = 0; i < 10; i++)
		put8(t, 0);
}

static void tb_begin(struct tb *t, u16 type)
{
	t->open = t->len;
	put16(t, type);
	put16(t, 0);
}

static void tb_end(struct tb *t)
{
	poke16(t, t->open + 2, t->len - t->open);
	if (t->nr_ends < ARRAY_SIZE(t->ends))
		t->ends[t->nr_ends++] = t->len;
}

static void tb_drhd(struct tb *t, u8 flags, u8 size, u16 seg, u64 base)
{
	tb_begin(t, GV_DMAR_TYPE_DRHD);
	put8(t, flags);
	put8(t, size);
	put16(t, seg);
	put64(t, base);
}

static void tb_rmrr(struct tb *t, u16 seg, u64 base, u64 limit)
{
	tb_begin(t, GV_DMAR_TYPE_RMRR);
	put16(t, 0);
	put16(t, seg);
	put64(t, base);
	put64(t, limit);
}

static void tb_atsr(struct tb *t, u8 flags, u16 seg)
{
	tb_begin(t, GV_DMAR_TYPE_ATSR);
	put8(t, flags);
	put8(t, 0);
	put16(t, seg);
}

/* A device scope; @path holds @n (device, function) pairs. */
static void tb_scope_path(struct tb *t, u8 type, u8 id, u8 bus,
			  const u8 *path, unsigned int n)
{
	unsigned int i;

	put8(t, type);
	put8(t, 6 + 2 * n);
	put16(t, 0);
	put8(t, id);
	put8(t, bus);
	for (i = 0; i < 2 * n; i++)
		put8(t, path[i]);
}

static void tb_scope(struct tb *t, u8 type, u8 id, u8 bus, u8 dev, u8 fn)
{
	const u8 path[] = { dev, fn };

	tb_scope_path(t, type, id, bus, path, 1);
}

/* Set the length field to @len (0: what was built) and fix the checksum. */
static u32 tb_finish_len(struct tb *t, u32 len)
{
	u8 sum = 0;
	u32 i;

	len = len ? len : t->len;
	t->b[4] = len;
	t->b[5] = len >> 8;
	t->b[6] = len >> 16;
	t->b[7] = len >> 24;
	t->b[9] = 0;
	for (i = 0; i < len && i < TB_MAX; i++)
		sum += t->b[i];
	t->b[9] = -sum;
	return len;
}

static u32 tb_finish(struct tb *t)
{
	return tb_finish_len(t, 0);
}

/*
 * QEMU's table (hw/i386/acpi-build.c builds it like this): 39-bit HAW,
 * interrupt remapping and x2APIC opt-out flags, one unit at 0xfed90000
 * with flags 0 listing the devices behind it one by one, and the I/O APIC.
 */
static void build_qemu(struct tb *t)
{
	tb_start(t, 38, GV_DMAR_F_INTR_REMAP | GV_DMAR_F_X2APIC_OPT_OUT);
	tb_drhd(t, 0, 0, 0, 0xfed90000);
	tb_scope(t, EP, 0, 0, 0x03, 0);		/* virtio-blk */
	tb_scope(t, EP, 0, 0, 0x04, 0);		/* edu */
	tb_scope(t, EP, 0, 0, 0x1f, 2);		/* ich9-ahci */
	tb_scope(t, IOAPIC, 0, 0xf0, 0x1f, 0);
	tb_end(t);
	tb_finish(t);
}

/*
 * A client platform: a graphics unit listing 00:02.0, then the
 * INCLUDE_PCI_ALL unit (with the I/O APIC, HPET and an ACPI namespace
 * device), RMRRs for USB and graphics, an ATSR, RHSA, ANDD and two
 * structures of reserved types.
 */
static void build_client(struct tb *t)
{
	static const u8 deep[] = { 0x1c, 0, 0, 0 };
	static const char andd_name[] = "\\_SB.PCI0.I2C0";
	unsigned int i;

	tb_start(t, 45, GV_DMAR_F_INTR_REMAP | GV_DMAR_F_DMA_CTRL_OPT_IN);
	tb_drhd(t, 0, 0, 0, 0xfed90000);
	tb_scope(t, EP, 0, 0, 0x02, 0);
	tb_end(t);
	tb_drhd(t, GV_DRHD_F_INCLUDE_PCI_ALL, 3, 0, 0xfed91000);
	tb_scope(t, IOAPIC, 2, 0, 0x1e, 7);
	tb_scope(t, HPET, 0, 0, 0x1e, 6);
	tb_scope(t, ACPI_DEV, 1, 0, 0x15, 0);
	tb_scope_path(t, BR, 0, 0, deep, 2);
	tb_end(t);
	tb_rmrr(t, 0, 0x7a000000, 0x7a01ffff);
	tb_scope(t, EP, 0, 0, 0x14, 0);
	tb_scope(t, EP, 0, 0, 0x1a, 0);
	tb_end(t);
	tb_rmrr(t, 0, 0x7b800000, 0x7fffffff);
	tb_scope(t, EP, 0, 0, 0x02, 0);
	tb_end(t);
	tb_atsr(t, GV_ATSR_F_ALL_PORTS, 0);
	tb_scope(t, BR, 0, 0, 0x1c, 0);
	tb_end(t);
	tb_begin(t, GV_DMAR_TYPE_RHSA);		/* 20 bytes */
	put32(t, 0);
	put64(t, 0xfed90000);
	put32(t, 0);
	tb_end(t);
	tb_begin(t, GV_DMAR_TYPE_ANDD);		/* ACPI device 1 */
	put16(t, 0);
	put8(t, 0);
	put8(t, 1);
	for (i = 0; i < sizeof(andd_name); i++)	/* with its NUL */
		put8(t, andd_name[i]);
	tb_end(t);
	tb_begin(t, 0x7);
	put32(t, 0xdeadbeef);
	tb_end(t);
	tb_begin(t, 0xffff);
	tb_end(t);
	tb_finish(t);
}

static struct tb *tb_new(struct kunit *test)
{
	struct tb *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	return t;
}

/*
 * The end of a vmalloc'd page (the next page is vmalloc's guard): a table
 * copied there with guarded() ends right before unmapped memory.
 */
static u8 *guard_page(struct kunit *test)
{
	u8 *page = vmalloc(PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, page);
	return page;
}

static const u8 *guarded(u8 *page, const u8 *src, u32 len)
{
	memcpy(page + PAGE_SIZE - len, src, len);
	return page + PAGE_SIZE - len;
}

static struct gv_dmar_info *info_new(struct kunit *test)
{
	struct gv_dmar_info *info = kunit_kzalloc(test, sizeof(*info),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, info);
	return info;
}

static void expect_scope(struct kunit *test, const struct gv_dmar_scope *s,
			 u8 type, u8 id, u8 bus, u8 dev, u8 fn)
{
	KUNIT_EXPECT_EQ(test, s->type, type);
	KUNIT_EXPECT_EQ(test, s->enum_id, id);
	KUNIT_EXPECT_EQ(test, s->start_bus, bus);
	KUNIT_EXPECT_EQ(test, s->path_len, 1);
	KUNIT_EXPECT_EQ(test, s->path[0].dev, dev);
	KUNIT_EXPECT_EQ(test, s->path[0].fn, fn);
}

/* ---- valid tables ---- */

struct counts {
	u8 haw, flags;
	u32 drhd, rmrr, atsr, ignored, unknown, deep;
};

/* Parse @t, which must be valid, and check what was found. */
static void parse_ok(struct kunit *test, struct tb *t,
		     struct gv_dmar_info *info, const struct counts *c)
{
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, &why), 0);
	KUNIT_EXPECT_STREQ(test, why, "ok");
	KUNIT_EXPECT_EQ(test, info->haw, c->haw);
	KUNIT_EXPECT_EQ(test, info->flags, c->flags);
	KUNIT_ASSERT_EQ(test, info->nr_drhd, c->drhd);
	KUNIT_ASSERT_EQ(test, info->nr_rmrr, c->rmrr);
	KUNIT_ASSERT_EQ(test, info->nr_atsr, c->atsr);
	KUNIT_EXPECT_EQ(test, info->nr_ignored, c->ignored);
	KUNIT_EXPECT_EQ(test, info->nr_unknown, c->unknown);
	KUNIT_EXPECT_EQ(test, info->nr_deep_scopes, c->deep);
}

static void qemu_table(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test);
	const struct gv_dmar_drhd *d = &info->drhd[0];
	const struct counts c = { .haw = 39, .flags = 3, .drhd = 1 };

	build_qemu(t);
	KUNIT_ASSERT_EQ(test, t->len, 48u + 16 + 4 * 8);
	parse_ok(test, t, info, &c);
	KUNIT_EXPECT_EQ(test, d->reg_base, 0xfed90000ull);
	KUNIT_EXPECT_EQ(test, d->reg_size, 0x1000u);
	KUNIT_EXPECT_EQ(test, d->segment, 0);
	KUNIT_EXPECT_FALSE(test, d->include_pci_all);
	KUNIT_ASSERT_EQ(test, d->nr_scopes, 4u);
	expect_scope(test, &d->scopes[0], EP, 0, 0, 3, 0);
	expect_scope(test, &d->scopes[1], EP, 0, 0, 4, 0);
	expect_scope(test, &d->scopes[2], EP, 0, 0, 0x1f, 2);
	expect_scope(test, &d->scopes[3], IOAPIC, 0, 0xf0, 0x1f, 0);
	/* Lookups: listed devices only (no INCLUDE_PCI_ALL unit). */
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(3, 0)), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(4, 0)), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(0x1f, 2)),
			0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(3, 1)),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 1, DEVFN(3, 0)),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 1, 0, DEVFN(3, 0)),
			-GV_ENOENT);
	/* The I/O APIC's scope is not a PCI device. */
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0xf0,
						DEVFN(0x1f, 0)), -GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(info, 0, 0, 0, DEVFN(3, 0)),
			-GV_ENOENT);
	/* A NULL @why is fine. */
	KUNIT_EXPECT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
}

static void client_table(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test);
	const struct gv_dmar_drhd *g = &info->drhd[0], *all = &info->drhd[1];
	const struct gv_dmar_rmrr *r = info->rmrr;
	/* Ignored: RHSA, ANDD; unknown: types 7, 0xffff; deep: the bridge */
	const struct counts c = { .haw = 46, .flags = 5, .drhd = 2, .rmrr = 2,
				  .atsr = 1, .ignored = 2, .unknown = 2,
				  .deep = 1 };

	build_client(t);
	parse_ok(test, t, info, &c);
	KUNIT_EXPECT_FALSE(test, g->include_pci_all);
	KUNIT_EXPECT_TRUE(test, all->include_pci_all);
	KUNIT_EXPECT_EQ(test, all->flags, GV_DRHD_F_INCLUDE_PCI_ALL);
	KUNIT_EXPECT_EQ(test, all->reg_base, 0xfed91000ull);
	KUNIT_EXPECT_EQ(test, all->reg_size, 0x8000u);	/* Size = 3 */
	KUNIT_ASSERT_EQ(test, all->nr_scopes, 4u);
	expect_scope(test, &all->scopes[0], IOAPIC, 2, 0, 0x1e, 7);
	expect_scope(test, &all->scopes[1], HPET, 0, 0, 0x1e, 6);
	expect_scope(test, &all->scopes[2], ACPI_DEV, 1, 0, 0x15, 0);
	KUNIT_EXPECT_EQ(test, all->scopes[3].type, BR);
	KUNIT_EXPECT_EQ(test, all->scopes[3].path_len, 2);
	KUNIT_EXPECT_EQ(test, all->scopes[3].path[1].dev, 0);
	/* RMRRs: inclusive limits as in the table. */
	KUNIT_EXPECT_EQ(test, r[0].base, 0x7a000000ull);
	KUNIT_EXPECT_EQ(test, r[0].limit, 0x7a01ffffull);
	KUNIT_EXPECT_EQ(test, r[0].nr_scopes, 2u);
	KUNIT_EXPECT_EQ(test, r[1].limit - r[1].base + 1, 0x4800000ull);
	KUNIT_EXPECT_EQ(test, info->atsr[0].flags, GV_ATSR_F_ALL_PORTS);
	KUNIT_EXPECT_EQ(test, info->atsr[0].nr_scopes, 1u);
	KUNIT_EXPECT_EQ(test, info->atsr[0].scopes[0].type, BR);
	/* Graphics on its unit, everything else on INCLUDE_PCI_ALL. */
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(2, 0)), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(0x14, 0)),
			1);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 3, DEVFN(0, 0)), 1);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 1, 0, DEVFN(2, 0)),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(NULL, 0, 0, 0), -GV_EINVAL);
	/* RMRRs per device. */
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(info, 0, 0, 0, DEVFN(0x1a, 0)),
			0);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(info, 0, 0, 0, DEVFN(2, 0)),
			1);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(info, 1, 0, 0, DEVFN(0x14, 0)),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(info, 2, 0, 0, DEVFN(2, 0)),
			-GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(info, 0, 1, 0, DEVFN(2, 0)),
			-GV_ENOENT);
}

static void scope_is_dev(struct kunit *test)
{
	struct gv_dmar_scope s = { .type = EP, .start_bus = 5, .path_len = 1,
				   .path = { { 0x1f, 7 } } };

	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_is_dev(&s, 5, 0xff));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_is_dev(&s, 4, 0xff));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_is_dev(&s, 5, 0xfe));
	s.type = BR;
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_is_dev(&s, 5, 0xff));
	s.type = IOAPIC;
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_is_dev(&s, 5, 0xff));
	s.type = EP;
	s.path_len = 2;
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_is_dev(&s, 5, 0xff));
}

/*
 * Scopes against devices behind bridges. Root bus 0: root port 00:1c.0
 * (secondary bus 2) with a switch port 02:00.0 (secondary bus 3) and two
 * devices 03:00.0 and 03:01.0 below it; 00:02.0 on the root bus.
 */
static const struct gv_pci_path p_nic = { 3, { { 0, DEVFN(0x1c, 0) }, { 2, 0 }, { 3, 0 } } };
static const struct gv_pci_path p_nic2 = { 3, { { 0, DEVFN(0x1c, 0) }, { 2, 0 },
						{ 3, DEVFN(1, 0) } } };
static const struct gv_pci_path p_switch = { 2, { { 0, DEVFN(0x1c, 0) }, { 2, 0 } } };
static const struct gv_pci_path p_port = { 1, { { 0, DEVFN(0x1c, 0) } } };
static const struct gv_pci_path p_gfx = { 1, { { 0, DEVFN(2, 0) } } };

static void bridge_scopes_cover(struct kunit *test)
{
	struct gv_dmar_scope port = { .type = BR, .start_bus = 0, .path_len = 1,
				      .path = { { 0x1c, 0 } } };
	struct gv_dmar_scope below = { .type = BR, .start_bus = 0, .path_len = 2,
				       .path = { { 0x1c, 0 }, { 0, 0 } } };
	struct gv_dmar_scope nic = { .type = EP, .start_bus = 0, .path_len = 3,
				     .path = { { 0x1c, 0 }, { 0, 0 }, { 0, 0 } } };
	struct gv_dmar_scope own_bus = { .type = EP, .start_bus = 3, .path_len = 1,
					 .path = { { 1, 0 } } };
	struct gv_pci_path empty = { 0 };

	/* A bridge scope: the bridge itself and everything below it. */
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&port, &p_port));
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&port, &p_switch));
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&port, &p_nic));
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&port, &p_nic2));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&port, &p_gfx));
	/* Two hops down: the switch port and below, not the root port. */
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&below, &p_port));
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&below, &p_switch));
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&below, &p_nic2));
	/* An endpoint scope: exactly the device its path ends at. */
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&nic, &p_nic));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&nic, &p_nic2));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&nic, &p_switch));
	/* The same endpoint path as a bridge scope would cover it too. */
	nic.type = BR;
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&nic, &p_nic));
	/* A one-entry path at the device's own bus names the device. */
	KUNIT_EXPECT_TRUE(test, gv_dmar_scope_covers(&own_bus, &p_nic2));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&own_bus, &p_nic));
	/* The start bus counts: the same path from bus 1 is elsewhere. */
	port.start_bus = 1;
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&port, &p_nic));
	/* Not PCI, no path, or a path longer than the device's. */
	port.start_bus = 0;
	port.type = IOAPIC;
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&port, &p_port));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&below, &empty));
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&below, NULL));
	nic.type = EP;
	KUNIT_EXPECT_FALSE(test, gv_dmar_scope_covers(&nic, &p_port));
}

/* DRHD and RMRR lookups follow the bridges when given the path. */
static void bridge_scopes_lookup(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct gv_dmar_scope nic = { .type = EP, .start_bus = 0, .path_len = 3,
				     .path = { { 0x1c, 0 }, { 0, 0 }, { 0, 0 } } };
	struct gv_dmar_scope port = { .type = BR, .start_bus = 0, .path_len = 1,
				      .path = { { 0x1c, 0 } } };

	info->nr_drhd = 2;
	info->drhd[0].nr_scopes = 1;
	info->drhd[0].scopes[0] = nic;
	info->drhd[1].include_pci_all = true;
	info->nr_rmrr = 1;
	info->rmrr[0].nr_scopes = 1;
	info->rmrr[0].scopes[0] = port;

	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd_path(info, 0, &p_nic), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd_path(info, 0, &p_nic2), 1);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd_path(info, 0, &p_gfx), 1);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd_path(info, 1, &p_nic), -GV_ENOENT);
	/* Without the path the NIC falls to INCLUDE_PCI_ALL (documented). */
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 3, 0), 1);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr_path(info, 0, 0, &p_nic2), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr_path(info, 1, 0, &p_nic2), -GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr_path(info, 0, 0, &p_gfx), -GV_ENOENT);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd_path(info, 0, NULL), -GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr_path(NULL, 0, 0, &p_nic), -GV_EINVAL);
}

/*
 * Every prefix of a valid table: given as the buffer length (the length
 * field then lies beyond it) and as the length field itself (the table
 * ends inside a structure or scope): refused, except where the length
 * field ends the table exactly between two structures.
 */
static void truncated(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test), *c = tb_new(test);
	unsigned int bad = 0, accepted = 0, i;
	u8 *page = guard_page(test);
	u32 full, cut;
	int ret;

	build_client(t);
	full = t->len;
	for (cut = 0; cut < full; cut++) {
		ret = gv_dmar_parse(guarded(page, t->b, cut), cut, info, NULL);
		if (ret != -GV_EINVAL && !bad++)
			KUNIT_FAIL(test, "buffer cut at %u: %d", cut, ret);
	}
	for (cut = GV_DMAR_HDR_LEN; cut < full; cut++) {
		bool boundary = cut == GV_DMAR_HDR_LEN;

		for (i = 0; i < t->nr_ends; i++)
			boundary |= t->ends[i] == cut;
		*c = *t;
		tb_finish_len(c, cut);
		ret = gv_dmar_parse(guarded(page, c->b, cut), cut, info, NULL);
		accepted += !ret;
		if (ret != (boundary ? 0 : -GV_EINVAL) && !bad++)
			KUNIT_FAIL(test, "length field %u: %d", cut, ret);
	}
	vfree(page);
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_EQ(test, accepted, t->nr_ends);	/* HDR + all but last */
	KUNIT_EXPECT_GT(test, full, 200u);
}

/* What an accepted table must look like, whatever its bytes were. */
static const char *scopes_insane(const struct gv_dmar_scope *sc, u32 n)
{
	u32 i, k;

	if (n > GV_DMAR_MAX_SCOPES)
		return "too many scopes";
	for (i = 0; i < n; i++) {
		if (!sc[i].path_len || sc[i].path_len > GV_DMAR_MAX_PATH)
			return "path length";
		for (k = 0; k < sc[i].path_len; k++)
			if (sc[i].path[k].dev > 31 || sc[i].path[k].fn > 7)
				return "device or function";
	}
	return NULL;
}

static const char *info_insane(const struct gv_dmar_info *info)
{
	const char *why = NULL;
	u32 i, j;

	if (info->nr_drhd > GV_DMAR_MAX_DRHD ||
	    info->nr_rmrr > GV_DMAR_MAX_RMRR ||
	    info->nr_atsr > GV_DMAR_MAX_ATSR)
		return "counts";
	if (info->haw < 12 || info->haw > 64)
		return "haw";
	for (i = 0; i < info->nr_drhd && !why; i++) {
		const struct gv_dmar_drhd *d = &info->drhd[i];

		if (!d->reg_base || d->reg_base & 0xfff ||
		    d->reg_size < 0x1000 || d->reg_size & (d->reg_size - 1))
			return "register set";
		for (j = i + 1; j < info->nr_drhd; j++)
			if (d->include_pci_all && info->drhd[j].include_pci_all &&
			    d->segment == info->drhd[j].segment)
				return "two INCLUDE_PCI_ALL";
		why = scopes_insane(d->scopes, d->nr_scopes);
	}
	for (i = 0; i < info->nr_rmrr && !why; i++) {
		const struct gv_dmar_rmrr *r = &info->rmrr[i];

		if (r->base & 0xfff || (r->limit & 0xfff) != 0xfff ||
		    r->base > r->limit)
			return "RMRR range";
		why = scopes_insane(r->scopes, r->nr_scopes);
	}
	for (i = 0; i < info->nr_atsr && !why; i++)
		why = scopes_insane(info->atsr[i].scopes, info->atsr[i].nr_scopes);
	return why;
}

static u32 xorshift(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * 5000 copies of the client table with 1 to 4 random bytes changed
 * (mostly after the header, the checksum fixed again in 7 of 8, the
 * length field changed in 1 of 16): every result is 0 with a sane
 * decoding, or -GV_EINVAL/-GV_ENOSPC with a message; no read past the
 * end (guard page).
 */
static void mutations(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test), *c = tb_new(test);
	u32 seed = 0x2545f491, i, k, len, accepted = 0, refused = 0, bad = 0;
	u8 *page = guard_page(test);
	const char *why, *insane;
	int ret;

	build_client(t);
	c->len = t->len;
	for (i = 0; i < 5000; i++) {
		memcpy(c->b, t->b, t->len);
		for (k = xorshift(&seed) % 4; k < 4; k++) {
			u32 pos = xorshift(&seed) % 8 ? GV_DMAR_HDR_LEN +
				  xorshift(&seed) % (t->len - GV_DMAR_HDR_LEN) :
				  xorshift(&seed) % GV_DMAR_HDR_LEN;

			c->b[pos] = xorshift(&seed);
		}
		len = xorshift(&seed) % 16 ? t->len : xorshift(&seed) % t->len;
		if (xorshift(&seed) % 8)
			tb_finish_len(c, len);
		why = NULL;
		ret = gv_dmar_parse(guarded(page, c->b, t->len), t->len, info,
				    &why);
		insane = ret ? NULL : info_insane(info);
		if (!ret && !insane)
			accepted++;
		else if ((ret == -GV_EINVAL || ret == -GV_ENOSPC) && why)
			refused++;
		else if (!bad++)
			KUNIT_FAIL(test, "mutation %u: %d (%s) %s", i, ret,
				   why ? why : "no message",
				   insane ? insane : "");
	}
	vfree(page);
	kunit_info(test, "%u accepted, %u refused\n", accepted, refused);
	KUNIT_EXPECT_EQ(test, bad, 0u);
	KUNIT_EXPECT_GT(test, accepted, 500u);
	KUNIT_EXPECT_GT(test, refused, 500u);
}

/* ---- refused tables ---- */

struct bad_case {
	const char *name;
	void (*build)(struct tb *t, u64 n);
	u64 n;			/* the builder's parameter */
	int ret;
	const char *why;	/* part of the message */
	u32 buf_len;		/* bytes passed (0: the table's) */
};

static void qemu_then(struct tb *t, u64 n)
{
	build_qemu(t);
}

static void bad_signature(struct tb *t, u64 n)
{
	build_qemu(t);
	t->b[3] = 'S';
	tb_finish(t);
}

static void bad_checksum(struct tb *t, u64 n)
{
	build_qemu(t);
	t->b[9]++;
}

static void bad_checksum_tail(struct tb *t, u64 n)
{
	build_qemu(t);
	t->b[t->len - 1] ^= 0x10;	/* checked before anything else */
}

/* Start a table with one DRHD at @base, left open for its scopes. */
static void unit_begin(struct tb *t, u64 base)
{
	tb_start(t, 38, 0);
	tb_drhd(t, 0, 0, 0, base);
}

/* Close the DRHD and the table. */
static void unit_done(struct tb *t)
{
	tb_end(t);
	tb_finish(t);
}

/* A table whose length field says @n. */
static void len_field(struct tb *t, u64 n)
{
	build_qemu(t);
	tb_finish_len(t, n);
}

/* An empty table with the HAW field @n. */
static void haw(struct tb *t, u64 n)
{
	tb_start(t, n, 0);
	tb_finish(t);
}

/* A DRHD (24 bytes) whose length field is patched to @n. */
static void drhd_len(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, EP, 0, 0, 3, 0);
	unit_done(t);
	poke16(t, GV_DMAR_HDR_LEN + 2, n);
	tb_finish(t);
}

static void unknown_len_0(struct tb *t, u64 n)
{
	tb_start(t, 38, 0);
	tb_begin(t, 0x99);
	put32(t, 0);
	tb_end(t);
	poke16(t, GV_DMAR_HDR_LEN + 2, 0);
	tb_finish(t);
}

static void struct_hdr_cut(struct tb *t, u64 n)
{
	build_qemu(t);
	put16(t, GV_DMAR_TYPE_RMRR);	/* 2 bytes of a next header */
	tb_finish(t);
}

/* One structure of type @n >> 16 and @n & 0xffff bytes (zeros). */
#define STRUCT(type, len)	((type) << 16 | (len))
static void short_struct(struct tb *t, u64 n)
{
	unsigned int i;

	tb_start(t, 38, 0);
	tb_begin(t, n >> 16);
	for (i = 4; i < (n & 0xffff); i++)
		put8(t, 0);
	tb_end(t);
	tb_finish(t);
}

/* A DRHD with one endpoint scope whose length byte is @n. */
static void scope_len(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, EP, 0, 0, 3, 0);
	unit_done(t);
	t->b[GV_DMAR_HDR_LEN + 16 + 1] = n;
	tb_finish(t);
}

static void scope_len_odd(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, EP, 0, 0, 3, 0);
	put8(t, 0);
	unit_done(t);
	t->b[GV_DMAR_HDR_LEN + 16 + 1] = 9;
	tb_finish(t);
}

static void scope_hdr_cut(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, EP, 0, 0, 3, 0);
	put32(t, 0x0801);		/* 4 bytes of a next scope */
	unit_done(t);
}

static void scope_dev_32(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, EP, 0, 0, 32, 0);
	unit_done(t);
}

static void scope_fn_8(struct tb *t, u64 n)
{
	static const u8 path[] = { 0x1c, 0, 0, 8 };

	unit_begin(t, 0xfed90000);
	tb_scope_path(t, EP, 0, 0, path, 2);
	unit_done(t);
}

static void drhd_base(struct tb *t, u64 n)
{
	unit_begin(t, n);
	unit_done(t);
}

static void rmrr_at(struct tb *t, u64 base, u64 limit)
{
	tb_start(t, 38, 0);
	tb_rmrr(t, 0, base, limit);
	tb_scope(t, EP, 0, 0, 0x14, 0);
	tb_end(t);
	tb_finish(t);
}

static void rmrr_base_unaligned(struct tb *t, u64 n)
{
	rmrr_at(t, 0x7a000800, 0x7a01ffff);
}

static void rmrr_limit_aligned(struct tb *t, u64 n)
{
	rmrr_at(t, 0x7a000000, 0x7a020000);	/* end-exclusive by mistake */
}

static void rmrr_inverted(struct tb *t, u64 n)
{
	rmrr_at(t, 0x7a020000, 0x7a01ffff);
}

static void rmrr_one_page(struct tb *t, u64 n)
{
	rmrr_at(t, 0x7a000000, 0x7a000fff);
}

/* Two INCLUDE_PCI_ALL units, for segments 0 and @n. */
static void include_all_pair(struct tb *t, u64 n)
{
	tb_start(t, 38, 0);
	tb_drhd(t, GV_DRHD_F_INCLUDE_PCI_ALL, 0, 0, 0xfed90000);
	tb_end(t);
	tb_drhd(t, GV_DRHD_F_INCLUDE_PCI_ALL, 0, n, 0xfed91000);
	tb_end(t);
	tb_finish(t);
}

/* Two DRHDs of segments @s1, @s2 listing (@t1, path1) and (@t2, path2). */
static void two_units(struct tb *t, u16 s1, u8 t1, const u8 *p1,
		      unsigned int n1, u16 s2, u8 t2, const u8 *p2,
		      unsigned int n2)
{
	tb_start(t, 38, 0);
	tb_drhd(t, 0, 0, s1, 0xfed90000);
	tb_scope_path(t, t1, 0, 0, p1, n1);
	tb_end(t);
	tb_drhd(t, 0, 0, s2, 0xfed91000);
	tb_scope_path(t, t2, 0, 0, p2, n2);
	tb_end(t);
	tb_finish(t);
}

static const u8 path_1c0[] = { 0x1c, 0 };
static const u8 path_1c0_00[] = { 0x1c, 0, 0, 0 };

static void dup_endpoint_units(struct tb *t, u64 n)
{
	two_units(t, 0, EP, path_1c0, 1, 0, EP, path_1c0, 1);
}

static void dup_endpoint_segments(struct tb *t, u64 n)
{
	two_units(t, 0, EP, path_1c0, 1, 1, EP, path_1c0, 1);
}

static void endpoint_below_bridge(struct tb *t, u64 n)
{
	two_units(t, 0, BR, path_1c0, 1, 0, EP, path_1c0_00, 2);
}

static void bridge_above_endpoint(struct tb *t, u64 n)
{
	two_units(t, 0, EP, path_1c0_00, 2, 0, BR, path_1c0, 1);
}

static void endpoint_below_endpoint(struct tb *t, u64 n)
{
	/* An endpoint is no bridge: a longer path is another device. */
	two_units(t, 0, EP, path_1c0, 1, 0, EP, path_1c0_00, 2);
}

static void dup_in_one_unit(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, EP, 0, 0, 3, 0);
	tb_scope(t, EP, 0, 0, 4, 0);
	tb_scope(t, EP, 0, 0, 3, 0);
	unit_done(t);
}

static void below_bridge_one_unit(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope_path(t, BR, 0, 0, path_1c0, 1);
	tb_scope_path(t, EP, 0, 0, path_1c0_00, 2);
	unit_done(t);
}

/* I/O APIC 8 under a unit of segment 0 and one of segment 1. */
static void dup_ioapic(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, IOAPIC, 8, 0xf0, 0x1f, 0);
	tb_end(t);
	tb_drhd(t, GV_DRHD_F_INCLUDE_PCI_ALL, 0, 1, 0xfed91000);
	tb_scope(t, IOAPIC, 8, 0xf0, 0x1f, 0);
	unit_done(t);
}

static void ioapic_hpet_same_id(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	t->b[GV_DMAR_HDR_LEN + 4] = GV_DRHD_F_INCLUDE_PCI_ALL;
	tb_scope(t, IOAPIC, 0, 0, 0x1e, 7);
	tb_scope(t, HPET, 0, 0, 0x1e, 6);
	unit_done(t);
}

/*
 * @n & 0xffff structures of type @n >> 16 (DRHD, RMRR or ATSR), each
 * listing a device of its own.
 */
static void many_structs(struct tb *t, u64 n)
{
	unsigned int i;

	tb_start(t, 38, 0);
	for (i = 0; i < (n & 0xffff); i++) {
		if (n >> 16 == GV_DMAR_TYPE_DRHD)
			tb_drhd(t, 0, 0, 0, 0xfed90000 + i * 0x1000ull);
		else if (n >> 16 == GV_DMAR_TYPE_RMRR)
			tb_rmrr(t, 0, i * 0x10000ull, i * 0x10000ull + 0xffff);
		else
			tb_atsr(t, 0, i);
		tb_scope(t, EP, 0, i / 32, i % 32, 0);
		tb_end(t);
	}
	tb_finish(t);
}

static void many_scopes(struct tb *t, u64 n)
{
	unsigned int i;

	unit_begin(t, 0xfed90000);
	for (i = 0; i < n; i++)
		tb_scope(t, EP, 0, 0, i % 32, i / 32);
	unit_done(t);
}

static void path_len(struct tb *t, u64 n)
{
	static const u8 path[] = { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0 };

	unit_begin(t, 0xfed90000);
	tb_scope_path(t, EP, 0, 0, path, n);
	unit_done(t);
}

static void unknown_only(struct tb *t, u64 n)
{
	tb_start(t, 38, 0);
	tb_begin(t, 0x80);
	tb_end(t);
	tb_finish(t);
}

/* Scope types 0 and 200 (reserved) are kept, never matched. */
static void scope_types_reserved(struct tb *t, u64 n)
{
	unit_begin(t, 0xfed90000);
	tb_scope(t, 0, 0, 0, 3, 0);
	tb_scope(t, 200, 0, 0, 3, 0);
	unit_done(t);
}

/* The smallest ANDD (an empty name) and SIDP: checked and counted. */
static void andd_and_sidp(struct tb *t, u64 n)
{
	tb_start(t, 38, 0);
	tb_begin(t, GV_DMAR_TYPE_ANDD);
	put32(t, 0x01000000);		/* reserved, ACPI device number 1 */
	put8(t, 0);
	tb_end(t);
	tb_begin(t, GV_DMAR_TYPE_SIDP);
	put32(t, 0);
	tb_end(t);
	tb_finish(t);
}

#define BAD(f, r, w)		{ #f, f, 0, r, w }
#define BADN(name, f, n, r, w)	{ #name, f, n, r, w }
#define OK(f)			{ #f, f, 0, 0, "ok" }
#define OKN(name, f, n)		{ #name, f, n, 0, "ok" }
/* A structure of a known type, @len bytes: "<TYPE> shorter than ...". */
#define SHORT(name, type, len)	{ #name, short_struct, \
				  STRUCT(GV_DMAR_TYPE_##type, len), \
				  -GV_EINVAL, #type " shorter" }

static const struct bad_case bad_cases[] = {
	{ "buffer_short", qemu_then, 0, -GV_EINVAL, "buffer shorter", 47 },
	{ "buffer_1_byte", qemu_then, 0, -GV_EINVAL, "buffer shorter", 1 },
	{ "len_beyond_buffer", qemu_then, 0, -GV_EINVAL, "truncated table",
	  48 + 16 },
	/* Bytes after the length field's end are never looked at. */
	{ "buffer_longer", qemu_then, 0, 0, "ok", 48 + 16 + 4 * 8 + 100 },
	BAD(bad_signature, -GV_EINVAL, "signature"),
	BAD(bad_checksum, -GV_EINVAL, "checksum"),
	BAD(bad_checksum_tail, -GV_EINVAL, "checksum"),
	BADN(len_field_40, len_field, 40, -GV_EINVAL,
	     "smaller than the DMAR header"),
	BADN(haw_11_bits, haw, 10, -GV_EINVAL, "host address width"),
	BADN(haw_65_bits, haw, 64, -GV_EINVAL, "host address width"),
	BADN(struct_len_0, drhd_len, 0, -GV_EINVAL, "length below 4"),
	BADN(struct_len_2, drhd_len, 2, -GV_EINVAL, "length below 4"),
	BAD(unknown_len_0, -GV_EINVAL, "length below 4"),
	BADN(drhd_len_12, drhd_len, 12, -GV_EINVAL, "DRHD shorter"),
	BADN(struct_past_end, drhd_len, 26, -GV_EINVAL, "past the table end"),
	BAD(struct_hdr_cut, -GV_EINVAL, "truncated remapping structure"),
	SHORT(rmrr_short, RMRR, 20),
	SHORT(atsr_short, ATSR, 6),
	SHORT(rhsa_short, RHSA, 16),
	SHORT(andd_no_name, ANDD, 8),
	SHORT(satc_short, SATC, 4),
	SHORT(sidp_short, SIDP, 7),
	BADN(scope_len_0, scope_len, 0, -GV_EINVAL, "below 8"),
	BADN(scope_len_6, scope_len, 6, -GV_EINVAL, "below 8"),
	BAD(scope_len_odd, -GV_EINVAL, "6 + 2 * path"),
	BADN(scope_past_struct, scope_len, 10, -GV_EINVAL,
	     "past its structure"),
	BAD(scope_hdr_cut, -GV_EINVAL, "truncated device scope"),
	BAD(scope_dev_32, -GV_EINVAL, "device > 31"),
	BAD(scope_fn_8, -GV_EINVAL, "function > 7"),
	BADN(drhd_base_0, drhd_base, 0, -GV_EINVAL, "register base"),
	BADN(drhd_base_unaligned, drhd_base, 0xfed90800, -GV_EINVAL,
	     "register base"),
	BADN(drhd_wraps, drhd_base, 0xfffffffffffff000ull, -GV_EINVAL,
	     "wraps"),
	BAD(rmrr_base_unaligned, -GV_EINVAL, "RMRR base or limit"),
	BAD(rmrr_limit_aligned, -GV_EINVAL, "RMRR base or limit"),
	BAD(rmrr_inverted, -GV_EINVAL, "above its limit"),
	BADN(two_include_all, include_all_pair, 0, -GV_EINVAL,
	     "two INCLUDE_PCI_ALL"),
	BAD(dup_endpoint_units, -GV_EINVAL, "listed twice"),
	BAD(dup_in_one_unit, -GV_EINVAL, "listed twice"),
	BAD(endpoint_below_bridge, -GV_EINVAL, "below a bridge scope"),
	BAD(bridge_above_endpoint, -GV_EINVAL, "below a bridge scope"),
	BAD(dup_ioapic, -GV_EINVAL, "I/O APIC or HPET"),
	BADN(too_many_drhd, many_structs,
	     STRUCT(GV_DMAR_TYPE_DRHD, GV_DMAR_MAX_DRHD + 1), -GV_ENOSPC,
	     "GV_DMAR_MAX_DRHD"),
	BADN(too_many_scopes, many_scopes, GV_DMAR_MAX_SCOPES + 1, -GV_ENOSPC,
	     "GV_DMAR_MAX_SCOPES"),
	BADN(too_long_path, path_len, GV_DMAR_MAX_PATH + 1, -GV_ENOSPC,
	     "GV_DMAR_MAX_PATH"),
	BADN(too_many_rmrr, many_structs,
	     STRUCT(GV_DMAR_TYPE_RMRR, GV_DMAR_MAX_RMRR + 1), -GV_ENOSPC,
	     "GV_DMAR_MAX_RMRR"),
	BADN(too_many_atsr, many_structs,
	     STRUCT(GV_DMAR_TYPE_ATSR, GV_DMAR_MAX_ATSR + 1), -GV_ENOSPC,
	     "GV_DMAR_MAX_ATSR"),
	/* Accepted edge cases. */
	OK(rmrr_one_page),
	OKN(include_all_two_segments, include_all_pair, 1),
	OK(dup_endpoint_segments),
	OK(endpoint_below_endpoint),
	OK(below_bridge_one_unit),
	OK(ioapic_hpet_same_id),
	OKN(max_drhd, many_structs, STRUCT(GV_DMAR_TYPE_DRHD, GV_DMAR_MAX_DRHD)),
	OKN(max_scopes, many_scopes, GV_DMAR_MAX_SCOPES),
	OKN(max_path, path_len, GV_DMAR_MAX_PATH),
	OKN(max_rmrr, many_structs, STRUCT(GV_DMAR_TYPE_RMRR, GV_DMAR_MAX_RMRR)),
	OKN(max_atsr, many_structs, STRUCT(GV_DMAR_TYPE_ATSR, GV_DMAR_MAX_ATSR)),
	OKN(haw_64_bits, haw, 63),
	OKN(header_only, haw, 47),
	OK(unknown_only),
	OK(scope_types_reserved),
	OK(andd_and_sidp),
};

static void bad_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(table, bad_cases, bad_desc);

static void table_rules(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test);
	u32 len = c->buf_len;
	const char *why = NULL;
	u8 *page;
	int ret;

	c->build(t, c->n);
	KUNIT_ASSERT_LE(test, t->len, (u32)PAGE_SIZE);
	len = len ? len : t->len;
	page = guard_page(test);
	ret = gv_dmar_parse(guarded(page, t->b, len), len, info, &why);
	vfree(page);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->why),
				  "message \"%s\", want \"%s\"", why, c->why);
}

/* Counts of the accepted edge cases. */
static void accepted_counts(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test);
	u32 i;

	many_structs(t, STRUCT(GV_DMAR_TYPE_DRHD, GV_DMAR_MAX_DRHD));
	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
	KUNIT_EXPECT_EQ(test, info->nr_drhd, (u32)GV_DMAR_MAX_DRHD);
	for (i = 0; i < info->nr_drhd; i++)
		KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, i / 32,
							DEVFN(i % 32, 0)),
				(int)i);
	path_len(t, GV_DMAR_MAX_PATH);
	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[0].path_len,
			GV_DMAR_MAX_PATH);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[0].path[3].dev, 4);
	KUNIT_EXPECT_EQ(test, info->nr_deep_scopes, 1u);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(1, 0)),
			-GV_ENOENT);
	scope_types_reserved(t, 0);
	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
	KUNIT_EXPECT_EQ(test, info->drhd[0].nr_scopes, 2u);
	KUNIT_EXPECT_EQ(test, info->drhd[0].scopes[1].type, 200);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 0, DEVFN(3, 0)),
			-GV_ENOENT);
	include_all_pair(t, 1);
	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 0, 7, DEVFN(1, 0)), 0);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 1, 7, DEVFN(1, 0)), 1);
	KUNIT_EXPECT_EQ(test, gv_dmar_find_drhd(info, 2, 7, DEVFN(1, 0)),
			-GV_ENOENT);
	unknown_only(t, 0);
	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
	KUNIT_EXPECT_EQ(test, info->nr_unknown, 1u);
	KUNIT_EXPECT_EQ(test, info->nr_drhd, 0u);
	haw(t, 47);
	KUNIT_ASSERT_EQ(test, gv_dmar_parse(t->b, t->len, info, NULL), 0);
	KUNIT_EXPECT_EQ(test, info->haw, 48);
	KUNIT_EXPECT_EQ(test, info->nr_unknown, 0u);	/* zeroed again */
}

static void null_args(struct kunit *test)
{
	struct gv_dmar_info *info = info_new(test);
	struct tb *t = tb_new(test);
	const char *why = NULL;

	build_qemu(t);
	KUNIT_EXPECT_EQ(test, gv_dmar_parse(NULL, t->len, info, &why),
			-GV_EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, gv_dmar_parse(t->b, t->len, NULL, &why),
			-GV_EINVAL);
	KUNIT_EXPECT_EQ(test, gv_dmar_next_rmrr(NULL, 0, 0, 0, 0),
			-GV_EINVAL);
}

static struct kunit_case gv_vtd_dmar_cases[] = {
	KUNIT_CASE(qemu_table),
	KUNIT_CASE(client_table),
	KUNIT_CASE(scope_is_dev),
	KUNIT_CASE(bridge_scopes_cover),
	KUNIT_CASE(bridge_scopes_lookup),
	KUNIT_CASE(truncated),
	KUNIT_CASE(mutations),
	KUNIT_CASE_PARAM(table_rules, table_gen_params),
	KUNIT_CASE(accepted_counts),
	KUNIT_CASE(null_args),
	{}
};

struct kunit_suite gv_vtd_dmar_suite = {
	.name = "gv_vtd_dmar",
	.test_cases = gv_vtd_dmar_cases,
};
