/* SPDX-License-Identifier: GPL-2.0 */
/* Root-side internal interfaces (hvcore only). */
#ifndef GV_HV_ROOT_H
#define GV_HV_ROOT_H

#include "hv_types.h"
#include "hv_percpu.h"

/* The CPU's own root state: HOST_GS_BASE points at it, self at %gs:0. */
static __always_inline struct gv_cpu *gv_this_cpu(void)
{
	struct gv_cpu *c;

	asm volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Exception frame built by gv_exc_common (hv_entry.S). */
struct gv_exc_frame {
	struct gv_regs regs;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

#define GV_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* hv_entry.S */
struct gv_fixup {
	u64 insn, fixup;
};

extern const struct gv_fixup gv_fixups[];	/* zero-terminated */
int gv_rdmsr_safe(u32 msr, u64 *val);
int gv_wrmsr_safe(u32 msr, u64 val);
int gv_xsetbv_safe(u32 index, u64 val);
void gv_unblock_nmis(void);
extern const char gv_entry_window[], gv_entry_window_end[];

/* hv_exit.c */
struct gv_devirt *gv_handle_exit(struct gv_regs *regs);
void gv_vmresume_failed(void);
void gv_skip_instruction(void);
void gv_inject_exception(u32 vector, bool has_error, u32 error);
u32 gv_guest_cpl(void);
void gv_prepare_devirt(struct gv_cpu *c);

/* hv_ept.c */
void gv_handle_ept_violation(struct gv_cpu *c);
void gv_handle_ept_misconfig(struct gv_cpu *c);
long gv_hc_ept_stats(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_selftest_canary(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_ept_query(struct gv_cpu *c, struct gv_regs *regs);
bool gv_handle_mtrr_write(struct gv_cpu *c, u32 msr, u64 val);
void gv_ept_flush_if_stale(struct gv_cpu *c);

/* hv_smp.c: NMI IPIs, entry re-check, shootdown, quiesce. */
void gv_service_requests(struct gv_cpu *c);
void gv_prepare_entry(void);
void gv_restore_nmi_blocking(u32 info_or_qual);
void gv_handle_nmi_exit(struct gv_cpu *c);
void gv_handle_nmi_window(struct gv_cpu *c);
void gv_ept_shootdown(struct gv_cpu *c);
u32 gv_ept_sync_all(struct gv_cpu *c);
void gv_ept_update_begin(struct gv_cpu *c);
void gv_ept_update_end(struct gv_cpu *c);
void gv_quiesce_begin(struct gv_cpu *c);
void gv_quiesce_end(struct gv_cpu *c);

/* hv_green.c: the green view, lend/return. */
long gv_hc_mem_lend(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_mem_return(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_green_stats(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_smp_stats(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_ept_sync(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_quiesce_ping(struct gv_cpu *c, struct gv_regs *regs);

/* hv_hpt.c: the hypapp EPT API (include/greenvisor/hypapp_ept.h). */
enum gv_ept_verdict gv_ept_dispatch(struct gv_cpu *c,
				    const struct gv_ept_violation *v);

/* hv_hypapp.c: hypapp registration and event dispatch. */
long gv_hc_hypapp_register(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_hypapp_unregister(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_hypapp_info(struct gv_cpu *c, struct gv_regs *regs);
struct gv_hypapp_slot *gv_hypapp_lookup_hc(struct gv_cpu *c, u32 nr,
					   u32 *index);
long gv_hypapp_call(struct gv_cpu *c, struct gv_hypapp_slot *s, u32 index,
		    struct gv_regs *regs);
bool gv_hypapp_cpuid(struct gv_cpu *c, u32 leaf, u32 subleaf,
		     struct gv_hypapp_cpuid *r);
void gv_hypapp_nmi(struct gv_cpu *c);

/* hv_event.c: the per-CPU event ring (GV_HC_EVENT_READ). */
void gv_event_post(struct gv_cpu *c, u32 type, u32 source, u64 d0, u64 d1,
		   u64 d2, u64 d3);
long gv_hc_event_read(struct gv_cpu *c, struct gv_regs *regs);
/* hv_shared.c: the per-CPU shared page (GV_HC_SHARED_PAGE). */
long gv_hc_shared_page(struct gv_cpu *c, struct gv_regs *regs);
long gv_hc_exit_counts_all(struct gv_cpu *c, struct gv_regs *regs);
bool gv_shared_page_in_range(struct gv_hv *hv, u64 start, u64 end);
long gv_rich_ram_check(struct gv_hv *hv, u64 gpa, u32 perm);
void *gv_shared_page_map(struct gv_cpu *c, long *err);
void gv_shared_page_unmap(struct gv_cpu *c);
/* hv_vmcall.c: the CPU a guest-supplied index names (clamped), or NULL. */
struct gv_cpu *gv_cpu_by_index(const struct gv_hv *hv, u64 idx);

/* hv_green.c: the calling CPU's window onto one physical page. */
void *gv_window_map(struct gv_cpu *c, u64 pa);
void gv_window_unmap(struct gv_cpu *c);

/* hv_vmcall.c */
void gv_handle_vmcall(struct gv_cpu *c, struct gv_regs *regs);

/* hv_idt.c */
void gv_root_exception(struct gv_exc_frame *f);

/* hv_lib.c: root-side replacements for the kernel's helpers. */
void *gv_memset(void *dst, int c, size_t n);
void *gv_memcpy(void *dst, const void *src, size_t n);
/* ~0 when idx < size, else 0, without a speculatable branch. */
static __always_inline unsigned long gv_index_mask_nospec(unsigned long idx,
							  unsigned long size)
{
	unsigned long mask;

	asm volatile("cmp %1, %2; sbb %0, %0" : "=r"(mask) : "g"(size), "r"(idx) : "cc");
	return mask;
}

/* hv_log.c: the root-side log ring, drained by GV_HC_LOG_READ. */
__printf(1, 2) void gv_log(const char *fmt, ...);
u32 gv_log_read(struct gv_log_ring *ring, u8 *out, u32 max);
#define GV_LOG_SAMPLE_FIRST	16
#define GV_LOG_SAMPLE_EVERY	4096
bool gv_log_sampled(u64 *count);

#endif /* GV_HV_ROOT_H */
