// SPDX-License-Identifier: GPL-2.0
/*
 * hello, root half: runs in VMX root mode, on greenvisor's stack and page
 * tables, whenever the dispatcher hands it an event. The rules (DESIGN.md
 * "Two worlds, one wall"; docs/hypapps.md):
 *  - call nothing of Linux, only greenvisor's root API (hypapp.h,
 *    hypapp_ept.h); `make check-isolation` lists this object's undefined
 *    symbols and fails on anything else;
 *  - keep no writable data in the module: state lives in the pool page
 *    greenvisor passes as @data (no static variables, no .data/.bss);
 *  - treat every argument as hostile: check ranges, clamp indices
 *    against speculation before using them as array indices;
 *  - return quickly: every other CPU may be waiting (quiesced events).
 * The file name ends in _root.c: hypapps/hypapp.lds puts *_root.o's text
 * and rodata into the module's .gv_root_text section.
 */
#include "hello.h"

/* ~0 when idx < size, else 0, without a branch the CPU could speculate. */
static __always_inline u64 index_mask(u64 idx, u64 size)
{
	u64 mask;

	asm volatile("cmp %1, %2; sbb %0, %0" : "=r"(mask) : "g"(size), "r"(idx) : "cc");
	return mask;
}

/* Counters beyond HELLO_MAX_CPUS share the last one. */
static u64 *counter(struct hello_data *h, u64 cpu)
{
	if (cpu >= HELLO_MAX_CPUS)
		cpu = HELLO_MAX_CPUS - 1;
	return &h->calls[cpu];
}

int hello_init(struct gv_cpu *c, u32 id, void *data)
{
	struct hello_data *h = data;

	h->id = id;
	gv_log("hello: init on cpu%u as hypapp %u", gv_hypapp_cpu(c), id);
	return 0;
}

/* GV_HC_HELLO_ECHO: every argument back, inverted; count the call. */
static long hello_echo(struct gv_hypapp_args *a)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		a->a[i] = ~a->a[i];
	return GV_OK;
}

/* GV_HC_HELLO_COUNT: one CPU's count (arg0 = CPU) and the total. */
static long hello_count(struct gv_cpu *c, struct hello_data *h,
			struct gv_hypapp_args *a)
{
	u64 nr = gv_hypapp_nr_cpus(c), cpu = a->a[0], total = 0, i;

	if (cpu >= nr)
		return -GV_EINVAL;
	cpu &= index_mask(cpu, nr);
	for (i = 0; i < nr && i < HELLO_MAX_CPUS; i++)
		total += READ_ONCE(h->calls[i]);
	a->a[0] = READ_ONCE(*counter(h, cpu));
	a->a[1] = total;
	return GV_OK;
}

#define PAGE		4096ull
#define MODE_BLOCK	1
#define MODE_ONCE	2

/* Give the guarded page its access back and drop the claim. */
static long guard_release(struct gv_cpu *c, struct hello_data *h)
{
	long err = gv_hpt_set_prot(c, GV_VIEW_RICH, h->guard_pa, PAGE,
				   GV_EPT_RWX);

	gv_hpt_release(c, h->id, GV_VIEW_RICH, h->guard_pa, PAGE);
	h->guard_pa = 0;
	return err;
}

/*
 * GV_HC_HELLO_GUARD (CPL0 only: not in hello's hc_user): arg0 = page,
 * arg1 = mode. Claim first (violations on the page come to hello_ept),
 * then take write access away; undo the claim if that fails.
 */
static long hello_guard(struct gv_cpu *c, struct hello_data *h,
			struct gv_hypapp_args *a)
{
	u64 pa = a->a[0], mode = a->a[1];
	long err;

	if (pa & (PAGE - 1) || mode > MODE_ONCE)
		return -GV_EINVAL;
	if (mode == 0) {
		if (!h->guard_pa || pa != h->guard_pa)
			return -GV_ENOENT;
		a->a[0] = h->guard_writes;
		return guard_release(c, h);
	}
	if (h->guard_pa)
		return -GV_EBUSY;
	err = gv_hypapp_ept_claim(c, h->id, GV_VIEW_RICH, pa, PAGE);
	if (err)
		return err;
	err = gv_hpt_set_prot(c, GV_VIEW_RICH, pa, PAGE, GV_EPT_R | GV_EPT_X);
	if (err) {
		gv_hpt_release(c, h->id, GV_VIEW_RICH, pa, PAGE);
		return err;
	}
	h->guard_writes = 0;
	h->guard_mode = mode;
	WRITE_ONCE(h->guard_pa, pa);
	a->a[0] = 0;
	return GV_OK;
}

/*
 * A violation in the claimed page (greenvisor only calls this for ranges
 * hello claimed). Writes are counted; in MODE_ONCE the first one makes the
 * page writable again and restarts (GV_HYPAPP_EPT_RETRY).
 */
int hello_ept(struct gv_cpu *c, u64 gpa, u64 gva, u64 qual, void *data)
{
	struct hello_data *h = data;

	if (!(qual & GV_EPT_W) || (gpa & ~(PAGE - 1)) != READ_ONCE(h->guard_pa))
		return GV_HYPAPP_EPT_BLOCK;
	__atomic_add_fetch(&h->guard_writes, 1, __ATOMIC_RELAXED);
	/* Each trapped write is an event for the control plane too. */
	gv_hypapp_event_post(c, h->id, GV_HELLO_EVENT_GUARD_WRITE, gpa, gva,
			     h->guard_mode);
	if (h->guard_mode != MODE_ONCE)
		return GV_HYPAPP_EPT_BLOCK;
	h->guard_mode = MODE_BLOCK;
	if (gv_hpt_set_prot(c, GV_VIEW_RICH, h->guard_pa, PAGE, GV_EPT_RWX))
		return GV_HYPAPP_EPT_BLOCK;
	return GV_HYPAPP_EPT_RETRY;
}

/* PEEK: up to 40 bytes of the caller's memory at arg0 into results 1..5. */
static long hello_peek(struct gv_cpu *c, struct gv_hypapp_args *a)
{
	u64 gva = a->a[0], len = a->a[1];
	u8 bytes[40] = { };
	u32 pf_err = 0;
	long err;

	if (!len || len > sizeof(bytes))
		return -GV_EINVAL;
	err = gv_hypapp_guest_copy(c, gva, bytes, len, 0, &pf_err);
	a->a[0] = err ? pf_err : len;
	__builtin_memcpy(&a->a[1], bytes, sizeof(bytes));
	return err;
}

/* POKE: arg1 (1..24) bytes of args 2..4 to the caller's memory at arg0. */
static long hello_poke(struct gv_cpu *c, struct gv_hypapp_args *a)
{
	u64 gva = a->a[0], len = a->a[1];
	u32 pf_err = 0;
	long err;

	if (!len || len > 3 * sizeof(u64))
		return -GV_EINVAL;
	err = gv_hypapp_guest_copy(c, gva, &a->a[2], len, GV_GUEST_WRITE, &pf_err);
	a->a[0] = pf_err;
	return err;
}

/* WHOAMI: the caller's RIP (after the VMCALL), RSP, CR3, RFLAGS, CPL, CS. */
static long hello_whoami(struct gv_cpu *c, struct gv_hypapp_args *a)
{
	static const u32 regs[] = {
		GV_VCPU_RIP, GV_VCPU_RSP, GV_VCPU_CR3, GV_VCPU_RFLAGS, GV_VCPU_CPL,
	};
	struct gv_vcpu_seg cs;
	unsigned int i;
	long err = 0;

	for (i = 0; i < 5 && !err; i++)
		err = gv_hypapp_reg_get(c, regs[i], &a->a[i]);
	err = err ?: gv_hypapp_seg_get(c, GV_VCPU_CS, &cs);
	a->a[5] = cs.sel;
	return err;
}

/*
 * Every call in [GV_HC_HELLO_BASE, + GV_HC_HELLO_COUNT_NR): the dispatcher
 * checked the caller and clamped @index to the range.
 */
long hello_hypercall(struct gv_cpu *c, u32 index, struct gv_hypapp_args *a,
		     void *data)
{
	struct hello_data *h = data;
	u64 *mine = counter(h, gv_hypapp_cpu(c));

	/* Only this CPU writes its counter: no atomic needed. */
	WRITE_ONCE(*mine, *mine + 1);
	switch (index) {
	case GV_HC_HELLO_ECHO - GV_HC_HELLO_BASE:
		return hello_echo(a);
	case GV_HC_HELLO_COUNT - GV_HC_HELLO_BASE:
		return hello_count(c, h, a);
	case GV_HC_HELLO_GUARD - GV_HC_HELLO_BASE:
		return hello_guard(c, h, a);
	case GV_HC_HELLO_PEEK - GV_HC_HELLO_BASE:
		return hello_peek(c, a);
	case GV_HC_HELLO_POKE - GV_HC_HELLO_BASE:
		return hello_poke(c, a);
	case GV_HC_HELLO_WHOAMI - GV_HC_HELLO_BASE:
		return hello_whoami(c, a);
	case GV_HC_HELLO_INJECT_UD - GV_HC_HELLO_BASE:
		return gv_hypapp_inject(c, 6, false, 0);
	default:
		return -GV_EINVAL;	/* reserved numbers of the range */
	}
}

/* CPUID GV_CPUID_HELLO: the magic, this CPU's count, hello's id. */
void hello_cpuid(struct gv_cpu *c, u32 index, u32 ecx,
		 struct gv_hypapp_cpuid *out, void *data)
{
	struct hello_data *h = data;

	out->eax = GV_HELLO_MAGIC;
	out->ebx = (u32)READ_ONCE(*counter(h, gv_hypapp_cpu(c)));
	out->ecx = h->id;
	out->edx = ecx;
}

void hello_nmi(struct gv_cpu *c, void *data)
{
	struct hello_data *h = data;

	__atomic_add_fetch(&h->nmis, 1, __ATOMIC_RELAXED);
}

void hello_shutdown(struct gv_cpu *c, void *data)
{
	struct hello_data *h = data;

	if (h->guard_pa)
		guard_release(c, h);
	gv_log("hello: shutdown on cpu%u, %llu NMIs seen", gv_hypapp_cpu(c),
	       h->nmis);
}
