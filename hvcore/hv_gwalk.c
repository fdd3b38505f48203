// SPDX-License-Identifier: GPL-2.0
/* Guest page walk (hv_gwalk.h; SDM Vol. 3A, 4.5 and 4.6). */
#include "hv_gwalk.h"
#include "../uapi/linux/greenvisor.h"

#define CR0_PG		BIT_ULL(31)
#define CR0_WP		BIT_ULL(16)
#define CR4_PAE		BIT_ULL(5)
#define CR4_LA57	BIT_ULL(12)
#define CR4_SMEP	BIT_ULL(20)
#define CR4_SMAP	BIT_ULL(21)
#define EFER_LMA	BIT_ULL(10)
#define EFER_NXE	BIT_ULL(11)

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_NX		BIT_ULL(63)
#define PTE_ADDR_MASK	0x000ffffffffff000ull

/* Rights accumulated over the levels of one walk (SDM 4.6.1). */
struct rights {
	bool write;		/* every level had R/W set */
	bool user;		/* every level had U/S set */
	bool nx;		/* some level had XD set */
};

static bool is_canonical(u64 va, unsigned int bits)
{
	s64 shifted = (s64)(va << (64 - bits)) >> (64 - bits);

	return (u64)shifted == va;
}

/* Reserved bits of an entry at @level (1 = PTE); @leaf for a PS entry. */
static u64 reserved_bits(const struct gv_gwalk_env *e, unsigned int level,
			 bool leaf, unsigned int levels)
{
	u64 rsvd = e->maxphyaddr < 52 ?
		   (~0ull << e->maxphyaddr) & ~0xfff0000000000000ull : 0;

	if (!(e->efer & EFER_NXE))
		rsvd |= PTE_NX;
	/* PS is reserved in PML5Es and PML4Es (SDM 4.5.4, table 4-15). */
	if (level >= 4 && level <= levels)
		rsvd |= PTE_PS;
	/* A large leaf's address bits below its size, above bit 12 (PAT), must be 0. */
	if (leaf && level == 2)
		rsvd |= 0x1fe000ull;
	if (leaf && level == 3)
		rsvd |= 0x3fffe000ull;
	return rsvd;
}

/* The permission checks of SDM 4.6 once the leaf is known. */
static bool access_allowed(const struct gv_gwalk_env *e,
			   const struct rights *r, u32 access)
{
	bool user = access & GV_PF_USER;

	if (access & GV_PF_FETCH) {
		if (r->nx && (e->efer & EFER_NXE))
			return false;
		if (!user && r->user && (e->cr4 & CR4_SMEP))
			return false;
		return !user || r->user;
	}
	if (user)
		return r->user && (!(access & GV_PF_WRITE) || r->write);
	/* Supervisor data access. */
	if (r->user && (e->cr4 & CR4_SMAP) && !e->rflags_ac)
		return false;
	return !(access & GV_PF_WRITE) || r->write || !(e->cr0 & CR0_WP);
}

/* Offset within the leaf (4 KiB, 2 MiB or 1 GiB; bit 12 of a large one is PAT). */
static u64 leaf_address(u64 entry, unsigned int level, u64 gva)
{
	u64 size = 1ull << (12 + 9 * (level - 1));

	return (entry & PTE_ADDR_MASK & ~(size - 1)) | (gva & (size - 1));
}

static unsigned int index_at(u64 gva, unsigned int level)
{
	return (gva >> (12 + 9 * (level - 1))) & 511;
}

int gv_gwalk(const struct gv_gwalk_env *e, u64 gva, u32 access, u64 *gpa,
	     u32 *pf_err)
{
	unsigned int levels = (e->cr4 & CR4_LA57) ? 5 : 4, level;
	struct rights r = { .write = true, .user = true, .nx = false };
	u64 table = e->cr3 & PTE_ADDR_MASK, entry = 0;
	u32 code = access & (GV_PF_WRITE | GV_PF_USER | GV_PF_FETCH);

	*pf_err = 0;
	if (!(e->cr0 & CR0_PG) || !(e->cr4 & CR4_PAE) || !(e->efer & EFER_LMA))
		return -GV_EINVAL;
	if (!is_canonical(gva, levels == 5 ? 57 : 48))
		return -GV_ERANGE;
	for (level = levels; level >= 1; level--) {
		bool leaf;

		if (e->read_gpa(e->arg, table + 8 * index_at(gva, level), &entry))
			return -GV_EFAULT;
		if (!(entry & PTE_P)) {
			*pf_err = code;
			return -GV_EFAULT;
		}
		leaf = level == 1 || ((entry & PTE_PS) && level <= 3);
		if (entry & reserved_bits(e, level, leaf, levels)) {
			*pf_err = code | GV_PF_PRESENT | GV_PF_RSVD;
			return -GV_EFAULT;
		}
		r.write &= !!(entry & PTE_RW);
		r.user &= !!(entry & PTE_US);
		r.nx |= !!(entry & PTE_NX);
		if (leaf)
			break;
		table = entry & PTE_ADDR_MASK;
	}
	if (!access_allowed(e, &r, access)) {
		*pf_err = code | GV_PF_PRESENT;
		return -GV_EFAULT;
	}
	*gpa = leaf_address(entry, level, gva);
	return 0;
}

static void copy_bytes(u8 *dst, const u8 *src, u64 n)
{
	while (n--)
		*dst++ = *src++;
}

int gv_guest_copy(const struct gv_gwalk_env *e, const struct gv_gcopy_ops *ops,
		  void *arg, u64 gva, void *buf, u64 len, bool to_guest,
		  u32 access, u32 *pf_err)
{
	u8 *b = buf;

	*pf_err = 0;
	if (gva + len < gva)
		return -GV_EINVAL;
	if (to_guest)
		access |= GV_PF_WRITE;
	while (len) {
		u64 off = gva & 0xfff, n = 4096 - off, gpa;
		void *va;
		int err;

		if (n > len)
			n = len;
		err = gv_gwalk(e, gva, access, &gpa, pf_err);
		if (err)
			return err;
		if (ops->map(arg, gpa & ~0xfffull, to_guest, &va))
			return -GV_EFAULT;
		if (to_guest)
			copy_bytes((u8 *)va + off, b, n);
		else
			copy_bytes(b, (const u8 *)va + off, n);
		ops->unmap(arg);
		gva += n;
		b += n;
		len -= n;
	}
	return 0;
}
