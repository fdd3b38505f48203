// SPDX-License-Identifier: GPL-2.0
/*
 * gv_probe: what each CPU reports about greenvisor, for rig scripts.
 *
 *   gv_probe [-c CPU] [-n N] [-u] show|present|absent
 *
 *   show     print one line per CPU; exit 0
 *   present  exit 0 iff every selected CPU reports the greenvisor leaf
 *            with the ABI version of this build, hides VMX, sets the
 *            hypervisor bit, and answers GV_HC_VERSION with its number
 *   absent   exit 0 iff no selected CPU reports the greenvisor leaf and
 *            every one shows VMX in CPUID.1:ECX
 *   -c CPU   only this CPU (default: every CPU this process may use)
 *   -n N     also execute CPUID(0x40000000) N times on each CPU
 *   -u       with "absent": also require that GV_HC_VERSION raises #UD
 *            (SIGILL), i.e. the CPU is not in VMX non-root operation
 *
 * Exit status: 0 as above, 1 on a mismatch, 2 on a usage or system error.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

#include "gv_test.h"

enum mode { MODE_SHOW, MODE_PRESENT, MODE_ABSENT };

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_env, 1);
}

static __printf(2, 3) int fail(int cpu, const char *fmt, ...)
{
	va_list ap;

	printf("gv_probe: cpu%d: FAIL: ", cpu);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 1;
}

/* GV_HC_VERSION; returns 0 or the signal it raised. */
static int try_version(struct gv_vmcall_regs *r)
{
	fault_sig = 0;
	if (sigsetjmp(fault_env, 1))
		return fault_sig;
	gv_vmcall0(GV_HC_VERSION, r);
	return 0;
}

static int probe_cpu(int cpu, enum mode mode, long repeat, bool want_ud)
{
	struct gv_cpuid sig, feat, l1;
	struct gv_vmcall_regs r = { 0 };
	char name[13], vmcall[64] = "-";
	bool present, vmx, hv;
	int bad = 0, fault = -1;
	long i;

	if (gv_pin_cpu(cpu) || sched_getcpu() != cpu) {
		printf("gv_probe: cpu%d: cannot run there: %s\n", cpu,
		       strerror(errno));
		return 1;
	}
	for (i = 0; i < repeat; i++)
		gv_cpuid(GV_CPUID_LEAF_SIGNATURE, 0, &sig);
	gv_cpuid(GV_CPUID_LEAF_SIGNATURE, 0, &sig);
	gv_cpuid(GV_CPUID_LEAF_FEATURES, 0, &feat);
	gv_cpuid(1, 0, &l1);
	gv_sig_string(&sig, name);
	present = gv_sig_is_greenvisor(&sig);
	vmx = l1.ecx & GV_CPUID1_ECX_VMX;
	hv = l1.ecx & GV_CPUID1_ECX_HV;

	if (present || want_ud) {
		fault = try_version(&r);
		if (fault)
			snprintf(vmcall, sizeof(vmcall), "%s",
				 fault == SIGILL ? "#UD" :
				 fault == SIGSEGV ? "#GP" : "signal");
		else
			snprintf(vmcall, sizeof(vmcall),
				 "status=%lld,abi=%#llx,cpu=%lld",
				 (long long)r.rax, (unsigned long long)r.rdi,
				 (long long)r.rsi);
	}
	printf("gv_probe: cpu%d: leaf=%s sig=\"%s\" max=%#x abi=%#x feat=%#x",
	       cpu, present ? "present" : "absent", name, sig.eax,
	       present ? feat.eax : 0, present ? feat.ebx : 0);
	printf(" vmx=%d hv=%d vmcall=%s\n", vmx, hv, vmcall);

	if (mode == MODE_PRESENT) {
		if (!present)
			bad += fail(cpu, "greenvisor leaf absent");
		else if (feat.eax != GV_ABI_VERSION)
			bad += fail(cpu, "ABI %#x, expected %#x", feat.eax,
				    GV_ABI_VERSION);
		if (vmx)
			bad += fail(cpu, "VMX visible");
		if (!hv)
			bad += fail(cpu, "hypervisor bit clear");
		if (present && (fault || r.rax || r.rdi != GV_ABI_VERSION ||
				r.rsi != (uint64_t)cpu))
			bad += fail(cpu, "GV_HC_VERSION: %s", vmcall);
	} else if (mode == MODE_ABSENT) {
		if (present)
			bad += fail(cpu, "greenvisor leaf present");
		if (!vmx)
			bad += fail(cpu, "VMX not visible");
		if (want_ud && fault != SIGILL)
			bad += fail(cpu, "vmcall did not raise #UD: %s",
				    vmcall);
	}
	return bad ? 1 : 0;
}

static const char usage_text[] =
	"usage: gv_probe [-c CPU] [-n N] [-u] show|present|absent\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_fault };
	int cpus[CPU_SETSIZE], ncpus, i, opt, only = -1, failed = 0;
	bool want_ud = false;
	enum mode mode;
	long repeat = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "c:n:u")) != -1) {
		switch (opt) {
		case 'c':
			only = atoi(optarg);
			break;
		case 'n':
			repeat = atol(optarg);
			break;
		case 'u':
			want_ud = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (!strcmp(argv[optind], "show"))
		mode = MODE_SHOW;
	else if (!strcmp(argv[optind], "present"))
		mode = MODE_PRESENT;
	else if (!strcmp(argv[optind], "absent"))
		mode = MODE_ABSENT;
	else
		usage();

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGILL, &sa, NULL)) {
		perror("gv_probe: sigaction");
		return 2;
	}
	ncpus = gv_cpu_list(cpus, CPU_SETSIZE);
	if (ncpus <= 0) {
		perror("gv_probe: sched_getaffinity");
		return 2;
	}
	if (only >= 0) {
		cpus[0] = only;
		ncpus = 1;
	}
	for (i = 0; i < ncpus; i++)
		failed += probe_cpu(cpus[i], mode, repeat, want_ud);
	if (mode != MODE_SHOW)
		printf("gv_probe: %s: %s on %d/%d CPUs\n", argv[optind],
		       failed ? "FAIL" : "ok", ncpus - failed, ncpus);
	return failed ? 1 : 0;
}
