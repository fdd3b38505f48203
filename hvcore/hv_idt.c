// SPDX-License-Identifier: GPL-2.0
/* Exceptions taken in VMX root mode (host IDT, see hv_entry.S). */
#include "hv_root.h"
#include "hv_vmx.h"

static bool apply_fixup(struct gv_exc_frame *f)
{
	const struct gv_fixup *fx;

	for (fx = gv_fixups; fx->insn; fx++) {
		if (fx->insn == f->rip) {
			f->rip = fx->fixup;
			return true;
		}
	}
	return false;
}

/*
 * A #GP or #UD on one of the fault-tolerant accessors resumes at its
 * fixup; anything else is a hypervisor bug: log it and stop this CPU
 * rather than run on in an unknown state.
 */
void gv_root_exception(struct gv_exc_frame *f)
{
	struct gv_cpu *c = gv_this_cpu();

	if ((f->vector == VECTOR_GP || f->vector == VECTOR_UD) && apply_fixup(f))
		return;
	gv_log("cpu%u: root-mode exception %llu error %llx at rip=%llx rsp=%llx; CPU halted",
	       c->cpu, f->vector, f->error, f->rip, f->rsp);
	for (;;)
		asm volatile("cli; hlt");
}
