// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU launch and devirtualization. Both run on the CPU concerned with
 * interrupts off; launch either leaves the CPU a guest or exactly as it was.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/irqflags.h>
#include <linux/smp.h>
#include "gv_core.h"
#include "../hvcore/hv_vmx.h"
#include "../hvcore/hv_vmx_ctl.h"

static int vmx_enter(struct gv_state *s, struct gv_cpu_pages *p)
{
	u64 cr0 = gv_read_cr0(), cr4 = gv_read_cr4();

	if (cr4 & CR4_VMXE) {
		pr_err("CPU %u: VMX is in use by another hypervisor (CR4.VMXE=1)\n",
		       p->cpu.cpu);
		return -EBUSY;
	}
	/* VMXON needs CR0/CR4 within the fixed bits (SDM 24.8). */
	if (!gv_cr_valid(cr0, s->vmx.cr0_fixed0, s->vmx.cr0_fixed1) ||
	    !gv_cr_valid(cr4 | CR4_VMXE, s->vmx.cr4_fixed0, s->vmx.cr4_fixed1)) {
		pr_err("CPU %u: CR0=0x%llx/CR4=0x%llx violate the VMX fixed bits\n",
		       p->cpu.cpu, cr0, cr4);
		return -EOPNOTSUPP;
	}
	/*
	 * Written directly, not through Linux's cr4 shadow: the rich OS keeps
	 * seeing CR4.VMXE = 0 (CR4 read shadow) once launched.
	 */
	gv_write_cr4(cr4 | CR4_VMXE);
	if (gv_vmxon(__pa(p->vmxon))) {
		gv_write_cr4(cr4);
		pr_err("CPU %u: VMXON failed\n", p->cpu.cpu);
		return -EIO;
	}
	return 0;
}

static void vmx_leave(void)
{
	gv_vmxoff();
	gv_write_cr4(gv_read_cr4() & ~CR4_VMXE);
}

static int check_tr_fits(struct gv_cpu_pages *p)
{
	u16 tr;

	asm("str %0" : "=rm"(tr));
	if ((tr >> 3) + 1 >= GV_TMP_GDT_ENTRIES) {
		pr_err("CPU %u: TR selector 0x%x beyond the devirt GDT\n",
		       p->cpu.cpu, tr);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int launch(struct gv_state *s, struct gv_cpu_pages *p)
{
	u64 vmcs = __pa(p->vmcs);
	int err;

	if (gv_vmclear(vmcs) || gv_vmptrld(vmcs)) {
		pr_err("CPU %u: VMCLEAR/VMPTRLD failed\n", p->cpu.cpu);
		return -EIO;
	}
	err = gv_vmcs_setup(s, p);
	if (err)
		return err;
	/*
	 * In VMX operation from here on for shootdowns: a CPU changing a view
	 * now either sees us active and waits for our flush, or changed it
	 * before we read the generation, and the INVEPT below covers it.
	 */
	p->cpu.apic_id = cpu_physical_id(p->cpu.cpu);
	/* Publish "active" before reading the generation (pairs with the
	 * atomic increment in gv_ept_update_end()).
	 */
	smp_store_mb(p->cpu.active, 1);
	p->cpu.ept_gen_seen = READ_ONCE(s->hv->ept_gen);
	/* No stale translations of an earlier load's views (SDM 29.4.3.1). */
	gv_invept(INVEPT_SINGLE_CONTEXT, s->hv->rich_eptp);
	gv_invept(INVEPT_SINGLE_CONTEXT, s->hv->green_eptp);
	switch (gv_vmx_launch()) {
	case 0:
		return 0;
	case 1:
		WRITE_ONCE(p->cpu.active, 0);
		pr_err("CPU %u: VMLAUNCH failed, VM-instruction error %llu\n",
		       p->cpu.cpu, gv_vmread(VMCS_INSN_ERROR));
		return -EIO;
	default:
		/* The CPU never ran as a guest; its root state is ours to read. */
		WRITE_ONCE(p->cpu.active, 0);
		pr_err("CPU %u: VM entry failed, exit reason 0x%x qualification %u (SDM 27.8)\n",
		       p->cpu.cpu, p->cpu.entry_fail_reason, p->cpu.entry_fail_qual);
		return -EIO;
	}
}

/* Launch the current CPU; on any failure it is left exactly as it was. */
int gv_launch_this_cpu(struct gv_state *s)
{
	unsigned int cpu = smp_processor_id();
	struct gv_cpu_pages *p = s->cpu_pages[cpu];
	unsigned long flags;
	u32 abi, who, features;
	int err;

	err = check_tr_fits(p);
	if (err)
		return err;
	pr_debug("CPU %u: launching\n", cpu);
	local_irq_save(flags);
	err = vmx_enter(s, p);
	if (!err) {
		err = launch(s, p);
		if (err)
			vmx_leave();
	}
	local_irq_restore(flags);
	if (err)
		return err;

	/* Prove the root side answers on this CPU before calling it done. */
	err = gv_hc_version(&abi, &who, &features);
	if (err || abi != GV_ABI_VERSION || who != cpu) {
		pr_err("CPU %u: launched but the ping vmcall failed (%d, abi 0x%x, cpu %u)\n",
		       cpu, err, abi, who);
		gv_devirt_this_cpu(s);
		return -EIO;
	}
	cpumask_set_cpu(cpu, &s->virtualized);
	return 0;
}

int gv_devirt_this_cpu(struct gv_state *s)
{
	unsigned int cpu = smp_processor_id();
	unsigned long flags;
	int err;

	pr_debug("CPU %u: devirtualizing\n", cpu);
	local_irq_save(flags);
	err = gv_hc_devirt();
	local_irq_restore(flags);
	if (err) {
		pr_err("CPU %u: devirtualization failed: %d\n", cpu, err);
		return err;
	}
	cpumask_clear_cpu(cpu, &s->virtualized);
	return 0;
}
