/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello: the template hypapp. Shared by its Linux half (hello.c) and its
 * root half (hello_root.c); the ABI it offers is in
 * uapi/linux/greenvisor.h (GV_HC_HELLO_*, GV_CPUID_HELLO).
 */
#ifndef GV_HELLO_H
#define GV_HELLO_H

#include "../../include/greenvisor/hypapp.h"
#include "../../include/greenvisor/hypapp_ept.h"

/* CPUs hello counts for; the rest share the last counter. */
#define HELLO_MAX_CPUS		496

/*
 * hello's root data: the one pool page greenvisor gives it (zeroed at
 * registration, scrubbed at unregistration). The rich OS cannot read or
 * write it: it is reachable only through hello's vmcalls.
 */
struct hello_data {
	u64 calls[HELLO_MAX_CPUS];	/* per CPU; only that CPU writes */
	u64 nmis;			/* rich-OS NMIs seen (all CPUs) */
	u64 guard_pa;			/* GV_HC_HELLO_GUARD's page, or 0 */
	u64 guard_writes;		/* writes trapped on it */
	u32 guard_mode;			/* 1 block, 2 let the first through */
	u32 id;				/* hello's hypapp id */
};

/* The root callbacks (hello_root.c, section .gv_root_text). */
int hello_init(struct gv_cpu *c, u32 id, void *data);
long hello_hypercall(struct gv_cpu *c, u32 index, struct gv_hypapp_args *a,
		     void *data);
void hello_cpuid(struct gv_cpu *c, u32 index, u32 ecx,
		 struct gv_hypapp_cpuid *out, void *data);
void hello_nmi(struct gv_cpu *c, void *data);
int hello_ept(struct gv_cpu *c, u64 gpa, u64 gva, u64 qual, void *data);
void hello_shutdown(struct gv_cpu *c, void *data);

#endif /* GV_HELLO_H */
