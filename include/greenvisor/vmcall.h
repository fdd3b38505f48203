/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The VMCALL register convention of uapi/linux/greenvisor.h, written once
 * for every caller: the module's Linux side, test modules, hypapps and
 * user-space tests (CPL3 calls are allowed for some calls).
 */
#ifndef _GREENVISOR_VMCALL_H
#define _GREENVISOR_VMCALL_H

#include "../../uapi/linux/greenvisor.h"

/* Registers of one VMCALL, in the order of the uapi register convention. */
struct gv_vmcall_regs {
	unsigned long long rax;	/* in: signature | call number; out: status */
	unsigned long long rdi;	/* argument / result 0 */
	unsigned long long rsi;	/* argument / result 1 */
	unsigned long long rdx;	/* argument / result 2 */
	unsigned long long r10;	/* argument / result 3 */
	unsigned long long r8;	/* argument / result 4 */
	unsigned long long r9;	/* argument / result 5 */
};

/* Execute VMCALL with @r loaded; @r receives what the call returned. */
static inline void gv_vmcall_regs(struct gv_vmcall_regs *r)
{
	register unsigned long long r10 asm("r10") = r->r10;
	register unsigned long long r8 asm("r8") = r->r8;
	register unsigned long long r9 asm("r9") = r->r9;

	asm volatile("vmcall"
		     : "+a" (r->rax), "+D" (r->rdi), "+S" (r->rsi),
		       "+d" (r->rdx), "+r" (r10), "+r" (r8), "+r" (r9)
		     :
		     : "memory");
	r->r10 = r10;
	r->r8 = r8;
	r->r9 = r9;
}

/*
 * Greenvisor call @nr with arguments io[0..5]; io[0..5] receive the
 * results. Returns the status (RAX): 0, GV_HC_RETRY or -GV_E*.
 */
static inline long gv_vmcall6(unsigned int nr, unsigned long io[6])
{
	struct gv_vmcall_regs r = {
		.rax = GV_HC_RAX(nr),
		.rdi = io[0], .rsi = io[1], .rdx = io[2],
		.r10 = io[3], .r8 = io[4], .r9 = io[5],
	};

	gv_vmcall_regs(&r);
	io[0] = r.rdi;
	io[1] = r.rsi;
	io[2] = r.rdx;
	io[3] = r.r10;
	io[4] = r.r8;
	io[5] = r.r9;
	return (long)r.rax;
}

#endif /* _GREENVISOR_VMCALL_H */
