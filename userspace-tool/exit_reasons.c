// SPDX-License-Identifier: GPL-2.0
/*
 * Basic VM-exit reasons, Intel SDM Vol. 3D Appendix C ("VMX Basic Exit
 * Reasons"). The key is a stable identifier printed in JSON output; the
 * second string is the SDM's wording, printed in tables.
 */
#include "hvctl.h"

static const struct hv_exit_reason reasons[] = {
	[0]  = { "EXCEPTION_NMI",	"Exception or NMI" },
	[1]  = { "EXTERNAL_INTERRUPT",	"External interrupt" },
	[2]  = { "TRIPLE_FAULT",	"Triple fault" },
	[3]  = { "INIT",		"INIT signal" },
	[4]  = { "SIPI",		"Start-up IPI (SIPI)" },
	[5]  = { "IO_SMI",		"I/O system-management interrupt" },
	[6]  = { "OTHER_SMI",		"Other SMI" },
	[7]  = { "INTERRUPT_WINDOW",	"Interrupt window" },
	[8]  = { "NMI_WINDOW",		"NMI window" },
	[9]  = { "TASK_SWITCH",		"Task switch" },
	[10] = { "CPUID",		"CPUID" },
	[11] = { "GETSEC",		"GETSEC" },
	[12] = { "HLT",			"HLT" },
	[13] = { "INVD",		"INVD" },
	[14] = { "INVLPG",		"INVLPG" },
	[15] = { "RDPMC",		"RDPMC" },
	[16] = { "RDTSC",		"RDTSC" },
	[17] = { "RSM",			"RSM" },
	[18] = { "VMCALL",		"VMCALL" },
	[19] = { "VMCLEAR",		"VMCLEAR" },
	[20] = { "VMLAUNCH",		"VMLAUNCH" },
	[21] = { "VMPTRLD",		"VMPTRLD" },
	[22] = { "VMPTRST",		"VMPTRST" },
	[23] = { "VMREAD",		"VMREAD" },
	[24] = { "VMRESUME",		"VMRESUME" },
	[25] = { "VMWRITE",		"VMWRITE" },
	[26] = { "VMXOFF",		"VMXOFF" },
	[27] = { "VMXON",		"VMXON" },
	[28] = { "CR_ACCESS",		"Control-register accesses" },
	[29] = { "DR_ACCESS",		"MOV DR" },
	[30] = { "IO_INSTRUCTION",	"I/O instruction" },
	[31] = { "RDMSR",		"RDMSR" },
	[32] = { "WRMSR",		"WRMSR" },
	[33] = { "ENTRY_FAIL_GUEST_STATE",
		 "VM-entry failure due to invalid guest state" },
	[34] = { "ENTRY_FAIL_MSR_LOAD",
		 "VM-entry failure due to MSR loading" },
	[36] = { "MWAIT",		"MWAIT" },
	[37] = { "MONITOR_TRAP_FLAG",	"Monitor trap flag" },
	[39] = { "MONITOR",		"MONITOR" },
	[40] = { "PAUSE",		"PAUSE" },
	[41] = { "ENTRY_FAIL_MACHINE_CHECK",
		 "VM-entry failure due to machine-check event" },
	[43] = { "TPR_BELOW_THRESHOLD",	"TPR below threshold" },
	[44] = { "APIC_ACCESS",		"APIC access" },
	[45] = { "VIRTUALIZED_EOI",	"Virtualized EOI" },
	[46] = { "GDTR_IDTR_ACCESS",	"Access to GDTR or IDTR" },
	[47] = { "LDTR_TR_ACCESS",	"Access to LDTR or TR" },
	[48] = { "EPT_VIOLATION",	"EPT violation" },
	[49] = { "EPT_MISCONFIG",	"EPT misconfiguration" },
	[50] = { "INVEPT",		"INVEPT" },
	[51] = { "RDTSCP",		"RDTSCP" },
	[52] = { "PREEMPTION_TIMER",	"VMX-preemption timer expired" },
	[53] = { "INVVPID",		"INVVPID" },
	[54] = { "WBINVD",		"WBINVD or WBNOINVD" },
	[55] = { "XSETBV",		"XSETBV" },
	[56] = { "APIC_WRITE",		"APIC write" },
	[57] = { "RDRAND",		"RDRAND" },
	[58] = { "INVPCID",		"INVPCID" },
	[59] = { "VMFUNC",		"VMFUNC" },
	[60] = { "ENCLS",		"ENCLS" },
	[61] = { "RDSEED",		"RDSEED" },
	[62] = { "PML_FULL",		"Page-modification log full" },
	[63] = { "XSAVES",		"XSAVES" },
	[64] = { "XRSTORS",		"XRSTORS" },
	[65] = { "PCONFIG",		"PCONFIG" },
	[66] = { "SPP_EVENT",		"SPP-related event" },
	[67] = { "UMWAIT",		"UMWAIT" },
	[68] = { "TPAUSE",		"TPAUSE" },
	[69] = { "LOADIWKEY",		"LOADIWKEY" },
	[70] = { "ENCLV",		"ENCLV" },
	[71] = { "SGX_CONFLICT",	"SGX conflict" },
	[72] = { "ENQCMD_PASID_FAIL",
		 "ENQCMD PASID translation failure" },
	[73] = { "ENQCMDS_PASID_FAIL",
		 "ENQCMDS PASID translation failure" },
	[74] = { "BUS_LOCK",		"Bus lock" },
	[75] = { "INSTRUCTION_TIMEOUT",	"Instruction timeout" },
	[76] = { "SEAMCALL",		"SEAMCALL" },
	[77] = { "TDCALL",		"TDCALL" },
	[78] = { "RDMSRLIST",		"RDMSRLIST" },
	[79] = { "WRMSRLIST",		"WRMSRLIST" },
};

_Static_assert(ARRAY_SIZE(reasons) == GV_EXIT_REASON_MAX,
	       "exit-reason table must cover 0 .. GV_EXIT_REASON_MAX - 1");

/* NULL for a reason the SDM does not define (35, 38, 42, >= 80). */
const struct hv_exit_reason *hv_exit_reason(uint32_t reason)
{
	if (reason >= ARRAY_SIZE(reasons) || !reasons[reason].key)
		return NULL;
	return &reasons[reason];
}
