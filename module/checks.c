// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-launch checks. They change nothing: each failure prints one clear
 * line and returns the errno the load fails with.
 */
#define pr_fmt(fmt) "greenvisor: " fmt

#include <linux/kernel.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include "gv_core.h"
#include "../hvcore/hv_vmx.h"
#include "../hvcore/hv_vmx_ctl.h"

struct gv_ctl_name {
	u32 bit;
	const char *name;
};

static const struct gv_ctl_name pin_names[] = {
	{ PIN_EXT_INTR_EXITING, "external-interrupt exiting" },
	{ PIN_NMI_EXITING, "NMI exiting" },
	{ PIN_VIRTUAL_NMIS, "virtual NMIs" },
	{ PIN_PREEMPTION_TIMER, "VMX-preemption timer" },
	{ PIN_POSTED_INTR, "process posted interrupts" },
	{ 0, NULL }
};

static const struct gv_ctl_name proc_names[] = {
	{ PROC_INTR_WINDOW, "interrupt-window exiting" },
	{ PROC_TSC_OFFSETTING, "use TSC offsetting" },
	{ PROC_HLT_EXITING, "HLT exiting" },
	{ PROC_INVLPG_EXITING, "INVLPG exiting" },
	{ PROC_MWAIT_EXITING, "MWAIT exiting" },
	{ PROC_RDPMC_EXITING, "RDPMC exiting" },
	{ PROC_RDTSC_EXITING, "RDTSC exiting" },
	{ PROC_CR3_LOAD_EXITING, "CR3-load exiting" },
	{ PROC_CR3_STORE_EXITING, "CR3-store exiting" },
	{ PROC_TERTIARY_CTLS, "activate tertiary controls" },
	{ PROC_CR8_LOAD_EXITING, "CR8-load exiting" },
	{ PROC_CR8_STORE_EXITING, "CR8-store exiting" },
	{ PROC_TPR_SHADOW, "use TPR shadow" },
	{ PROC_NMI_WINDOW, "NMI-window exiting" },
	{ PROC_MOV_DR_EXITING, "MOV-DR exiting" },
	{ PROC_UNCOND_IO_EXITING, "unconditional I/O exiting" },
	{ PROC_USE_IO_BITMAPS, "use I/O bitmaps" },
	{ PROC_MONITOR_TRAP_FLAG, "monitor trap flag" },
	{ PROC_USE_MSR_BITMAPS, "use MSR bitmaps" },
	{ PROC_MONITOR_EXITING, "MONITOR exiting" },
	{ PROC_PAUSE_EXITING, "PAUSE exiting" },
	{ PROC_SECONDARY_CTLS, "activate secondary controls" },
	{ 0, NULL }
};

static const struct gv_ctl_name proc2_names[] = {
	{ PROC2_EPT, "enable EPT" },
	{ PROC2_RDTSCP, "enable RDTSCP" },
	{ PROC2_VPID, "enable VPID" },
	{ PROC2_INVPCID, "enable INVPCID" },
	{ PROC2_XSAVES, "enable XSAVES/XRSTORS" },
	{ PROC2_USER_WAIT_PAUSE, "enable user wait and pause" },
	{ 0, NULL }
};

static const struct gv_ctl_name exit_names[] = {
	{ EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size" },
	{ EXIT_LOAD_PERF_GLOBAL_CTRL, "load IA32_PERF_GLOBAL_CTRL" },
	{ EXIT_SAVE_PAT, "save IA32_PAT" },
	{ EXIT_LOAD_PAT, "load IA32_PAT" },
	{ EXIT_SAVE_EFER, "save IA32_EFER" },
	{ EXIT_LOAD_EFER, "load IA32_EFER" },
	{ EXIT_SAVE_PREEMPTION_TIMER, "save VMX-preemption timer value" },
	{ 0, NULL }
};

static const struct gv_ctl_name entry_names[] = {
	{ ENTRY_IA32E_MODE, "IA-32e mode guest" },
	{ ENTRY_SMM, "entry to SMM" },
	{ ENTRY_DEACT_DUAL_MONITOR, "deactivate dual-monitor treatment" },
	{ ENTRY_LOAD_PERF_GLOBAL_CTRL, "load IA32_PERF_GLOBAL_CTRL" },
	{ ENTRY_LOAD_PAT, "load IA32_PAT" },
	{ ENTRY_LOAD_EFER, "load IA32_EFER" },
	{ 0, NULL }
};

static void report_missing(const char *kind, const struct gv_ctl_name *names,
			   u32 missing, u32 forbidden)
{
	const struct gv_ctl_name *n;

	for (n = names; n->name; n++) {
		if (!(missing & n->bit))
			continue;
		if (forbidden & n->bit)
			pr_err("CPU forces %s control '%s', which greenvisor does not handle\n",
			       kind, n->name);
		else
			pr_err("CPU lacks required %s control '%s'\n", kind, n->name);
		missing &= ~n->bit;
	}
	if (missing)
		pr_err("CPU lacks %s controls 0x%x\n", kind, missing);
}

static int adjust(const char *kind, const struct gv_ctl_name *names, u32 cap_msr,
		  u32 required, u32 optional, u32 forbidden, u32 *out)
{
	u32 missing;
	u64 cap;

	if (rdmsrl_safe(cap_msr, &cap)) {
		pr_err("cannot read VMX capability MSR 0x%x\n", cap_msr);
		return -EOPNOTSUPP;
	}
	if (gv_adjust_ctl(cap, required, optional, forbidden, out, &missing)) {
		report_missing(kind, names, missing, forbidden);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Controls greenvisor turns on and off at run time must be allowed. */
static int check_allowed1(const char *kind, const struct gv_ctl_name *names,
			  u32 cap_msr, u32 bits)
{
	u64 cap;

	if (rdmsrl_safe(cap_msr, &cap)) {
		pr_err("cannot read VMX capability MSR 0x%x\n", cap_msr);
		return -EOPNOTSUPP;
	}
	if ((cap >> 32) & bits)
		return 0;
	report_missing(kind, names, bits & ~(u32)(cap >> 32), 0);
	return -EOPNOTSUPP;
}

/* Instructions Linux may execute that #UD in a guest unless enabled. */
static u32 required_secondary_controls(void)
{
	u32 req = PROC2_VPID | PROC2_EPT;

	if (boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID))
		req |= PROC2_RDTSCP;
	if (boot_cpu_has(X86_FEATURE_INVPCID))
		req |= PROC2_INVPCID;
	if (boot_cpu_has(X86_FEATURE_XSAVES))
		req |= PROC2_XSAVES;
	if (boot_cpu_has(X86_FEATURE_WAITPKG))
		req |= PROC2_USER_WAIT_PAUSE;
	return req;
}

static int check_controls(struct gv_vmx_config *cfg)
{
	bool true_ctls = cfg->basic & GV_VMX_BASIC_TRUE_CTLS;
	/*
	 * NMI exiting lets the root side reach CPUs running the guest
	 * (shootdown, quiesce: hvcore/hv_smp.c); virtual NMIs give it the
	 * NMI-window exit to deliver the guest's NMIs.
	 */
	u32 pin_required = PIN_NMI_EXITING | PIN_VIRTUAL_NMIS;
	u32 pin_forbidden = PIN_EXT_INTR_EXITING | PIN_PREEMPTION_TIMER |
			    PIN_POSTED_INTR;
	/* Every exit greenvisor does not take (DESIGN.md "Exits"). */
	u32 proc_forbidden = PROC_INTR_WINDOW | PROC_HLT_EXITING |
			     PROC_INVLPG_EXITING | PROC_MWAIT_EXITING |
			     PROC_RDPMC_EXITING | PROC_RDTSC_EXITING |
			     PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING |
			     PROC_TERTIARY_CTLS | PROC_CR8_LOAD_EXITING |
			     PROC_CR8_STORE_EXITING | PROC_TPR_SHADOW |
			     PROC_NMI_WINDOW | PROC_MOV_DR_EXITING |
			     PROC_UNCOND_IO_EXITING | PROC_USE_IO_BITMAPS |
			     PROC_MONITOR_TRAP_FLAG | PROC_MONITOR_EXITING |
			     PROC_PAUSE_EXITING;
	int err;

	err = adjust("pin-based", pin_names,
		     true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS : MSR_VMX_PINBASED_CTLS,
		     pin_required, 0, pin_forbidden, &cfg->pin);
	err = err ?: adjust("processor-based", proc_names,
			    true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS,
			    PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CTLS, 0,
			    proc_forbidden, &cfg->proc);
	/* Off at entry, but hvcore sets it while a guest NMI waits. */
	err = err ?: check_allowed1("processor-based", proc_names,
				    true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS :
						MSR_VMX_PROCBASED_CTLS,
				    PROC_NMI_WINDOW);
	err = err ?: adjust("secondary processor-based", proc2_names,
			    MSR_VMX_PROCBASED_CTLS2, required_secondary_controls(),
			    0, 0, &cfg->proc2);
	err = err ?: adjust("VM-exit", exit_names,
			    true_ctls ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS,
			    EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
			    EXIT_SAVE_EFER | EXIT_LOAD_EFER, EXIT_SAVE_DEBUG_CTLS,
			    EXIT_LOAD_PERF_GLOBAL_CTRL | EXIT_SAVE_PREEMPTION_TIMER |
			    EXIT_ACK_INTR_ON_EXIT, &cfg->exit);
	err = err ?: adjust("VM-entry", entry_names,
			    true_ctls ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS,
			    ENTRY_IA32E_MODE | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER,
			    ENTRY_LOAD_DEBUG_CTLS,
			    ENTRY_SMM | ENTRY_DEACT_DUAL_MONITOR |
			    ENTRY_LOAD_PERF_GLOBAL_CTRL, &cfg->entry);
	return err;
}

static int check_basic(struct gv_vmx_config *cfg)
{
	rdmsrl(MSR_VMX_BASIC, cfg->basic);
	if (((cfg->basic >> VMX_BASIC_MEMTYPE_SHIFT) & 0xf) != VMX_BASIC_MEMTYPE_WB) {
		pr_err("VMCS memory type is not write-back (IA32_VMX_BASIC=0x%llx)\n",
		       cfg->basic);
		return -EOPNOTSUPP;
	}
	if (cfg->basic & VMX_BASIC_32BIT_ADDR) {
		pr_err("VMX structures limited to 32-bit addresses (IA32_VMX_BASIC=0x%llx)\n",
		       cfg->basic);
		return -EOPNOTSUPP;
	}
	if (((cfg->basic >> 32) & 0x1fff) > GV_PAGE_SIZE) {
		pr_err("VMCS region larger than a page (IA32_VMX_BASIC=0x%llx)\n",
		       cfg->basic);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int check_vpid(struct gv_vmx_config *cfg)
{
	rdmsrl(MSR_VMX_EPT_VPID_CAP, cfg->ept_vpid_cap);
	if (!(cfg->ept_vpid_cap & VMX_CAP_INVVPID) ||
	    !(cfg->ept_vpid_cap & VMX_CAP_INVVPID_SINGLE)) {
		pr_err("CPU lacks single-context INVVPID (IA32_VMX_EPT_VPID_CAP=0x%llx)\n",
		       cfg->ept_vpid_cap);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int check_cpu_vmx(void)
{
	u64 fc;

	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL) {
		pr_err("not an Intel CPU: greenvisor needs Intel VT-x\n");
		return -ENODEV;
	}
	if (!(cpuid_ecx(1) & BIT(5))) {
		pr_err("CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0)\n");
		return -ENODEV;
	}
	if (rdmsrl_safe(MSR_FEATURE_CONTROL, &fc)) {
		pr_err("cannot read IA32_FEATURE_CONTROL\n");
		return -EOPNOTSUPP;
	}
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		pr_err("IA32_FEATURE_CONTROL=0x%llx is not locked: firmware left VMX unconfigured\n",
		       fc);
		return -EOPNOTSUPP;
	}
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		pr_err("VMX is disabled by firmware (IA32_FEATURE_CONTROL=0x%llx); enable VT-x in the firmware setup\n",
		       fc);
		return -EOPNOTSUPP;
	}
	return 0;
}

int gv_check_platform(struct gv_vmx_config *cfg)
{
	int err;

	err = check_cpu_vmx();
	err = err ?: check_basic(cfg);
	err = err ?: check_controls(cfg);
	err = err ?: check_vpid(cfg);
	err = err ?: gv_ept_check_caps(cfg);
	if (err)
		return err;
	rdmsrl(MSR_VMX_CR0_FIXED0, cfg->cr0_fixed0);
	rdmsrl(MSR_VMX_CR0_FIXED1, cfg->cr0_fixed1);
	rdmsrl(MSR_VMX_CR4_FIXED0, cfg->cr4_fixed0);
	rdmsrl(MSR_VMX_CR4_FIXED1, cfg->cr4_fixed1);
	return 0;
}

static void note_vmxe(void *busy)
{
	if (gv_read_cr4() & CR4_VMXE)
		cpumask_set_cpu(smp_processor_id(), busy);
}

/*
 * Another VMX user (a KVM VM, another hypervisor module) owns VMX on a CPU
 * when CR4.VMXE is set there; VMXON would fail or break it. Checked on
 * every online CPU before any CPU is touched.
 */
int gv_check_no_other_vmx_user(void)
{
	static struct cpumask busy;

	cpumask_clear(&busy);
	on_each_cpu(note_vmxe, &busy, 1);
	if (!cpumask_empty(&busy)) {
		pr_err("VMX is in use by another hypervisor on CPUs %*pbl (CR4.VMXE=1, e.g. a KVM VM exists)\n",
		       cpumask_pr_args(&busy));
		return -EBUSY;
	}
	return 0;
}
