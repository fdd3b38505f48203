// SPDX-License-Identifier: GPL-2.0
/*
 * Hypapps, root side (DESIGN.md "Hypapps", docs/hypapps.md): registration
 * and unregistration vmcalls, and the dispatch of events to registered
 * hypapps. The registry (hv->hypapps) changes only with every other CPU
 * quiesced, so lookups on the exit paths need no lock: a CPU parks only in
 * gv_service_requests(), never between a lookup and the call, and a CPU
 * parked inside a hypapp's callback (waiting for a shootdown) is counted
 * in the slot's inflight, which makes unregistration refuse (-GV_EBUSY).
 *
 * The hypapp's text is mapped read+execute into the root side's page
 * tables at the module's own addresses, and made read+execute in the rich
 * EPT view. EXPORT_SYMBOL_GPL only emits symbol-table entries.
 */
#include <linux/export.h>
#include "hv_root.h"
#include "hv_vmx.h"
#include "hv_hc_perm.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_A		BIT_ULL(5)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	0x000ffffffffff000ull
#define SZ_1G_BYTES	BIT_ULL(30)

/* Index of @va in a host page table of @level (1 = PTE .. 5 = PML5). */
static u32 pt_index(u64 va, u32 level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The level-1 entry for @va in the host page tables, allocating missing
 * tables from the pool when @alloc; NULL when out of pages or when a
 * large page maps @va (never ours to split: it is not hypapp space).
 */
static u64 *host_pte(struct gv_hv *hv, u64 va, bool alloc)
{
	u64 *table = gv_palloc_va(&hv->palloc, hv->host_cr3);
	u32 level;

	for (level = hv->host_pt_levels; table && level > 1; level--) {
		u64 *e = &table[pt_index(va, level)];
		u64 pa;

		if (!(*e & PTE_P)) {
			if (!alloc || !gv_palloc_alloc(&hv->palloc, &pa))
				return NULL;
			WRITE_ONCE(*e, pa | PTE_P | PTE_RW | PTE_A);
		}
		if (*e & PTE_PS)
			return NULL;
		table = gv_palloc_va(&hv->palloc, *e & PTE_ADDR);
	}
	return table ? &table[pt_index(va, 1)] : NULL;
}

static void host_unmap(struct gv_hv *hv, const struct gv_hypapp_desc *d,
		       u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u64 *pte = host_pte(hv, d->text_va + i * GV_HYPAPP_PAGE, false);

		if (pte)
			WRITE_ONCE(*pte, 0);
	}
	/* Every CPU reloads CR3 before it next enters hypapp code. */
	WRITE_ONCE(hv->hostpt_gen, hv->hostpt_gen + 1);
}

/* Text pages read+execute (no RW, no NX) at the module's addresses. */
static int host_map(struct gv_hv *hv, const struct gv_hypapp_desc *d)
{
	u32 i;

	for (i = 0; i < d->nr_text; i++) {
		u64 *pte = host_pte(hv, d->text_va + i * GV_HYPAPP_PAGE, true);

		if (!pte || *pte) {
			host_unmap(hv, d, i);
			return pte ? -GV_EBUSY : -GV_ENOSPC;
		}
		WRITE_ONCE(*pte, d->text_pa[i] | PTE_P | PTE_A);
	}
	return 0;
}

/*
 * The host TLB may hold translations of hypapp text that went away (VPID
 * keeps root-mode entries across exits): drop them before running hypapp
 * code. MOV to CR3 flushes the non-global ones (SDM Vol. 3A 4.10.4.1);
 * the host page tables have no global pages.
 */
static void host_tlb_sync(struct gv_cpu *c)
{
	u64 gen = READ_ONCE(c->hv->hostpt_gen);

	if (c->hostpt_gen == gen)
		return;
	c->hostpt_gen = gen;
	asm volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
}

/* Plain rich-OS RAM: identity, RWX in the rich view, not guarded or lent. */
static int rich_owned(struct gv_hv *hv, u64 pa)
{
	struct gv_ept_leaf leaf;
	int err;

	if (!gv_ram_map_covers(&hv->ram, pa, pa + GV_HYPAPP_PAGE))
		return -GV_EPERM;
	err = gv_ept_change_allowed(&hv->guard, &hv->green, false, pa,
				    GV_HYPAPP_PAGE, ~0ull);
	if (err)
		return err;
	if (gv_ept_lookup(&hv->rich, pa, &leaf) ||
	    leaf.hpa + (pa - leaf.gpa) != pa || leaf.perm != GV_EPT_RWX)
		return -GV_EPERM;
	return 0;
}

static void text_release(struct gv_hv *hv, const struct gv_hypapp_desc *d,
			 u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		gv_ept_set_prot(&hv->rich, d->text_pa[i], GV_HYPAPP_PAGE,
				GV_EPT_RWX);
	for (i = 0; i < n; i++) {
		u64 lo = d->text_pa[i] & ~(SZ_1G_BYTES - 1);

		if (!i || lo != (d->text_pa[i - 1] & ~(SZ_1G_BYTES - 1)))
			gv_ept_merge(&hv->rich, lo, SZ_1G_BYTES);
	}
}

/* Make the text read+execute in the rich view; all or nothing. */
static int text_protect_locked(struct gv_hv *hv, const struct gv_hypapp_desc *d)
{
	u32 i;
	int err;

	for (i = 0; i < d->nr_text; i++) {
		err = rich_owned(hv, d->text_pa[i]);
		if (err)
			return err;
	}
	for (i = 0; i < d->nr_text; i++) {
		err = gv_ept_set_prot(&hv->rich, d->text_pa[i], GV_HYPAPP_PAGE,
				      GV_EPT_R | GV_EPT_X);
		if (err) {
			text_release(hv, d, i);
			return err;
		}
	}
	return 0;
}

/* The EPT changes with their shootdown (gv_ept_update_begin/end). */
static int text_protect(struct gv_cpu *c, const struct gv_hypapp_desc *d,
			bool protect)
{
	struct gv_hv *hv = c->hv;
	int err = 0;

	gv_ept_update_begin(c);
	gv_spin_lock(&hv->ept_lock);
	if (protect)
		err = text_protect_locked(hv, d);
	else
		text_release(hv, d, d->nr_text);
	gv_spin_unlock(&hv->ept_lock);
	gv_ept_update_end(c);
	return err;
}

/* Copy the description page at @pa into @d (it must be plain RAM). */
static int desc_copy(struct gv_cpu *c, u64 pa, struct gv_hypapp_desc *d)
{
	int err;

	if (pa & (GV_HYPAPP_PAGE - 1))
		return -GV_EINVAL;
	gv_spin_lock(&c->hv->ept_lock);
	err = rich_owned(c->hv, pa);
	gv_spin_unlock(&c->hv->ept_lock);
	if (err)
		return err;
	gv_memcpy(d, gv_window_map(c, pa), sizeof(*d));
	gv_window_unmap(c);
	return 0;
}

/* Entering and leaving hypapp code: TLB, inflight count, quiesce. */
static bool hypapp_enter(struct gv_cpu *c, struct gv_hypapp_slot *s, u32 ev)
{
	bool quiesce = s->d.quiesce & BIT(ev);

	if (quiesce)
		gv_quiesce_begin(c);
	host_tlb_sync(c);
	__atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
	return quiesce;
}

static void hypapp_leave(struct gv_cpu *c, struct gv_hypapp_slot *s,
			 bool quiesced)
{
	__atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
	if (quiesced)
		gv_quiesce_end(c);
}

static void *op(const struct gv_hypapp_slot *s, u32 ev)
{
	return (void *)s->d.ops[ev];
}

static u32 slot_id(const struct gv_hv *hv, const struct gv_hypapp_slot *s)
{
	return (u32)(s - hv->hypapps.s) + 1;
}

/* Steps of a registration that need undoing when a later one fails. */
static int register_quiesced(struct gv_cpu *c, struct gv_hypapp_slot *s)
{
	struct gv_hv *hv = c->hv;
	int (*init)(struct gv_cpu *c, u32 id, void *data);
	u64 data_pa;
	int err;

	err = gv_hypapp_desc_check(&s->d, &hv->hypapp_va);
	err = err ?: gv_hypapp_conflict(&hv->hypapps, &s->d, s - hv->hypapps.s);
	if (err)
		return err;
	if (s->d.data_pages) {
		s->data = gv_palloc_alloc(&hv->palloc, &data_pa);
		if (!s->data)
			return -GV_ENOSPC;
	}
	err = host_map(hv, &s->d);	/* undoes itself on failure */
	if (err)
		goto free_data;
	err = text_protect(c, &s->d, true);
	if (err)
		goto undo_map;
	init = op(s, GV_HEV_INIT);
	if (init) {
		host_tlb_sync(c);
		err = init(c, slot_id(hv, s), s->data);
		if (err) {
			gv_hpt_release_all(c, slot_id(hv, s));
			text_protect(c, &s->d, false);
			goto undo_map;
		}
	}
	s->used = 1;
	hv->hypapps.nr++;
	return 0;
undo_map:
	host_unmap(hv, &s->d, s->d.nr_text);
free_data:
	if (s->data)
		gv_palloc_free(&hv->palloc, s->data);
	s->data = NULL;
	return err;
}

/* GV_HC_HYPAPP_REGISTER: arg0 = description page; result0 = id. */
long gv_hc_hypapp_register(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_hv *hv = c->hv;
	struct gv_hypapp_slot *s = NULL;
	int idx, err;

	gv_quiesce_begin(c);
	idx = gv_hypapp_free_slot(&hv->hypapps);
	if (idx < 0) {
		err = idx;
		goto out;
	}
	s = &hv->hypapps.s[idx];
	gv_memset(s, 0, sizeof(*s));
	err = desc_copy(c, regs->rdi, &s->d);
	err = err ?: register_quiesced(c, s);
	if (err)
		gv_memset(s, 0, sizeof(*s));
	else
		regs->rdi = idx + 1;
out:
	gv_quiesce_end(c);
	if (!err)
		gv_log("cpu%u: hypapp %s registered as id %d", c->cpu,
		       s->d.name, idx + 1);
	else if (gv_log_sampled(&c->refusals))
		gv_log("cpu%u: hypapp registration refused: %d", c->cpu, err);
	return err;
}

static void unregister_quiesced(struct gv_cpu *c, struct gv_hypapp_slot *s)
{
	struct gv_hv *hv = c->hv;
	void (*shutdown)(struct gv_cpu *c, void *data);

	shutdown = op(s, GV_HEV_SHUTDOWN);
	if (shutdown) {
		host_tlb_sync(c);
		shutdown(c, s->data);
	}
	gv_hpt_release_all(c, slot_id(hv, s));
	s->used = 0;
	hv->hypapps.nr--;
	text_protect(c, &s->d, false);
	host_unmap(hv, &s->d, s->d.nr_text);
	if (s->data) {
		gv_memset(s->data, 0, GV_HYPAPP_PAGE);
		gv_palloc_free(&hv->palloc, s->data);
	}
	gv_memset(s, 0, sizeof(*s));
}

/* GV_HC_HYPAPP_UNREGISTER: arg0 = id. */
long gv_hc_hypapp_unregister(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_hypapp_slot *s;
	u64 id = regs->rdi;
	long err = 0;

	gv_quiesce_begin(c);
	s = gv_hypapp_slot_of(&c->hv->hypapps, id);
	if (!s)
		err = -GV_ENOENT;
	else if (__atomic_load_n(&s->inflight, __ATOMIC_SEQ_CST))
		err = -GV_EBUSY;
	else
		unregister_quiesced(c, s);
	gv_quiesce_end(c);
	if (!err || gv_log_sampled(&c->refusals))
		gv_log("cpu%u: hypapp unregister %llu: %ld", c->cpu, id, err);
	return err;
}

/* GV_HC_HYPAPP_INFO: what the root side holds for hypapp arg0. */
long gv_hc_hypapp_info(struct gv_cpu *c, struct gv_regs *regs)
{
	struct gv_hypapp_slot *s;

	if (!regs->rdi || regs->rdi > GV_HYPAPP_MAX)
		return -GV_EINVAL;
	s = gv_hypapp_slot_of(&c->hv->hypapps, regs->rdi);
	if (!s)
		return -GV_ENOENT;
	regs->rdi = s->d.hc_base | (u64)s->d.hc_count << 32;
	regs->rsi = s->d.cpuid_base;
	regs->rdx = s->d.cpuid_count | (u64)s->d.data_pages << 32;
	regs->r10 = s->d.nr_text;
	regs->r8 = READ_ONCE(s->calls);
	regs->r9 = s->d.quiesce;
	return GV_OK;
}

/*
 * The dispatcher's view of a hypapp number (hv_vmcall.c): the slot and
 * its permission flags for gv_hc_permit(), or NULL (unknown number).
 */
struct gv_hypapp_slot *gv_hypapp_lookup_hc(struct gv_cpu *c, u32 nr,
					   u32 *index)
{
	if (nr < GV_HC_HYPAPP_FIRST || nr >= GV_HC_HYPAPP_END ||
	    !READ_ONCE(c->hv->hypapps.nr))
		return NULL;
	return gv_hypapp_find_hc(&c->hv->hypapps, nr, index);
}

/* Run a permitted hypapp call; its status goes to RAX. */
long gv_hypapp_call(struct gv_cpu *c, struct gv_hypapp_slot *s, u32 index,
		    struct gv_regs *regs)
{
	long (*fn)(struct gv_cpu *c, u32 index, struct gv_hypapp_args *a,
		   void *data);
	struct gv_hypapp_args a = { .a = { regs->rdi, regs->rsi, regs->rdx,
					   regs->r10, regs->r8, regs->r9 } };
	bool q;
	long ret;

	fn = op(s, GV_HEV_HYPERCALL);
	q = hypapp_enter(c, s, GV_HEV_HYPERCALL);
	ret = fn(c, index, &a, s->data);
	hypapp_leave(c, s, q);
	__atomic_add_fetch(&s->calls, 1, __ATOMIC_RELAXED);
	regs->rdi = a.a[0];
	regs->rsi = a.a[1];
	regs->rdx = a.a[2];
	regs->r10 = a.a[3];
	regs->r8 = a.a[4];
	regs->r9 = a.a[5];
	return ret;
}

/* CPUID of a hypapp leaf: true when a hypapp answered into @r. */
bool gv_hypapp_cpuid(struct gv_cpu *c, u32 leaf, u32 subleaf,
		     struct gv_hypapp_cpuid *r)
{
	void (*fn)(struct gv_cpu *c, u32 index, u32 ecx,
		   struct gv_hypapp_cpuid *out, void *data);
	struct gv_hypapp_slot *s;
	u32 index;
	bool q;

	if (leaf < GV_CPUID_HYPAPP_FIRST || leaf >= GV_CPUID_HYPAPP_END ||
	    !READ_ONCE(c->hv->hypapps.nr))
		return false;
	s = gv_hypapp_find_cpuid(&c->hv->hypapps, leaf, &index);
	if (!s)
		return false;
	fn = op(s, GV_HEV_CPUID);
	gv_memset(r, 0, sizeof(*r));
	q = hypapp_enter(c, s, GV_HEV_CPUID);
	fn(c, index, subleaf, r, s->data);
	hypapp_leave(c, s, q);
	return true;
}

/* An NMI of the rich OS: every hypapp with an nmi callback hears of it. */
void gv_hypapp_nmi(struct gv_cpu *c)
{
	struct gv_hv *hv = c->hv;
	u32 i;

	if (!READ_ONCE(hv->hypapps.nr))
		return;
	for (i = 0; i < GV_HYPAPP_MAX; i++) {
		struct gv_hypapp_slot *s = &hv->hypapps.s[i];
		void (*fn)(struct gv_cpu *c, void *data);
		bool q;

		if (!s->used || !s->d.ops[GV_HEV_NMI])
			continue;
		fn = op(s, GV_HEV_NMI);
		q = hypapp_enter(c, s, GV_HEV_NMI);
		fn(c, s->data);
		hypapp_leave(c, s, q);
	}
}

/* gv_hpt_claim()'s handler for hypapp claims: arg is the slot. */
static enum gv_ept_verdict hypapp_ept(struct gv_cpu *c,
				      const struct gv_ept_fault *f, void *arg)
{
	struct gv_hypapp_slot *s = arg;
	int (*fn)(struct gv_cpu *c, u64 gpa, u64 gva, u64 qual, void *data);
	int verdict;
	bool q;

	if (!s->used || !s->d.ops[GV_HEV_EPT])
		return GV_EPT_BLOCK;
	fn = op(s, GV_HEV_EPT);
	q = hypapp_enter(c, s, GV_HEV_EPT);
	verdict = fn(c, f->gpa, f->gva, f->qualification, s->data);
	hypapp_leave(c, s, q);
	return verdict == GV_HYPAPP_EPT_RETRY ? GV_EPT_RETRY : GV_EPT_BLOCK;
}

int gv_hypapp_ept_claim(struct gv_cpu *c, u32 id, u32 view, u64 gpa,
			u64 size)
{
	u64 i = (u64)id - 1;
	struct gv_hypapp_slot *s;

	/* Called from init (slot not yet marked used) or later callbacks. */
	if (!id || i >= GV_HYPAPP_MAX)
		return -GV_EINVAL;
	s = &c->hv->hypapps.s[i & gv_index_mask_nospec(i, GV_HYPAPP_MAX)];
	if (!s->d.ops[GV_HEV_EPT])
		return -GV_EINVAL;
	return gv_hpt_claim(c, id, view, gpa, size, hypapp_ept, s);
}
EXPORT_SYMBOL_GPL(gv_hypapp_ept_claim);

/* For hypapps: the calling CPU's Linux number, and the CPU count. */
u32 gv_hypapp_cpu(const struct gv_cpu *c)
{
	return c->cpu;
}
EXPORT_SYMBOL_GPL(gv_hypapp_cpu);

u32 gv_hypapp_nr_cpus(const struct gv_cpu *c)
{
	return c->hv->nr_cpus;
}
EXPORT_SYMBOL_GPL(gv_hypapp_nr_cpus);
