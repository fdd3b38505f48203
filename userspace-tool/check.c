// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl check: can greenvisor load on this machine? Works without the
 * module, like "jailhouse hardware check". Every file it reads is taken
 * relative to $HVCTL_CHECK_ROOT when that is set (tests only); CPUID is
 * then not executed and the CPU is judged from the fake /proc/cpuinfo.
 */
#include <cpuid.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvctl.h"

#define MSR_IA32_FEATURE_CONTROL	0x3a
#define FC_LOCKED			(1ull << 0)
#define FC_VMX_OUTSIDE_SMX		(1ull << 2)

enum chk_status { CHK_PASS, CHK_WARN, CHK_FAIL };

struct chk_ctx {
	const struct hv_out *o;
	struct json j;
	const char *root;
	bool loaded;
	bool dmar;
	int fails;
};

static const char *const status_name[] = { "pass", "warn", "fail" };
static const char *const status_text[] = { "PASS", "WARN", "FAIL" };

static void path_of(const struct chk_ctx *c, const char *p, char *buf,
		    size_t len)
{
	snprintf(buf, len, "%s%s", c->root ? c->root : "", p);
}

static bool exists(const struct chk_ctx *c, const char *p)
{
	char buf[512];
	struct stat st;

	path_of(c, p, buf, sizeof(buf));
	return stat(buf, &st) == 0;
}

/* Reads the whole (small) file p into buf; false when unreadable. */
static bool read_text(const struct chk_ctx *c, const char *p, char *buf,
		      size_t len)
{
	char path[512];
	size_t n;
	FILE *f;

	path_of(c, p, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return true;
}

/* The value of the first "key<spaces>: value" line of /proc/cpuinfo. */
static bool cpuinfo_field(const struct chk_ctx *c, const char *key,
			  char *out, size_t len)
{
	char path[512], line[4096];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	path_of(c, "/proc/cpuinfo", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *v;

		if (strncmp(line, key, klen) || (line[klen] != ' ' &&
						  line[klen] != '\t' && line[klen] != ':'))
			continue;
		v = strchr(line, ':');
		if (!v)
			continue;
		v += strspn(v + 1, " \t") + 1;
		snprintf(out, len, "%s", v);
		out[strcspn(out, "\n")] = '\0';
		found = true;
	}
	fclose(f);
	return found;
}

/* Whether the space-separated list has the word w. */
static bool has_word(const char *list, const char *w)
{
	size_t wl = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w))) {
		if ((p == list || p[-1] == ' ') && (p[wl] == ' ' || !p[wl]))
			return true;
		p += wl;
	}
	return false;
}

static void report(struct chk_ctx *c, const char *name, enum chk_status s,
		   const char *detail, const char *fix)
{
	if (s == CHK_FAIL)
		c->fails++;
	if (c->o->json) {
		json_begin_object(&c->j);
		json_key(&c->j, "name");
		json_string(&c->j, name);
		json_key(&c->j, "status");
		json_string(&c->j, status_name[s]);
		json_key(&c->j, "detail");
		json_string(&c->j, detail);
		json_key(&c->j, "fix");
		if (fix)
			json_string(&c->j, fix);
		else
			json_null(&c->j);
		json_end_object(&c->j);
		return;
	}
	fprintf(c->o->f, "%-4s  %-14s %s\n", status_text[s], name, detail);
	if (fix && s != CHK_PASS)
		fprintf(c->o->f, "      %-14s fix: %s\n", "", fix);
}

static bool cpuid_signature(const struct chk_ctx *c)
{
	unsigned int a, b, cx, d;

	if (c->root)
		return false;
	__cpuid(GV_CPUID_LEAF_SIGNATURE, a, b, cx, d);
	(void)a;
	return b == GV_CPUID_SIG_EBX && cx == GV_CPUID_SIG_ECX &&
	       d == GV_CPUID_SIG_EDX;
}

static void check_loaded(struct chk_ctx *c)
{
	c->loaded = exists(c, "/sys/module/greenvisor") || cpuid_signature(c);
	report(c, "greenvisor", CHK_PASS,
	       c->loaded ? "loaded (VMX is hidden from Linux by greenvisor)" :
			   "not loaded", NULL);
}

static void check_vendor(struct chk_ctx *c)
{
	char v[64] = "";

	if (!cpuinfo_field(c, "vendor_id", v, sizeof(v)))
		report(c, "cpu-vendor", CHK_WARN, "unknown: /proc/cpuinfo unreadable",
		       "mount /proc");
	else if (strcmp(v, "GenuineIntel"))
		report(c, "cpu-vendor", CHK_FAIL, v,
		       "greenvisor needs an Intel CPU with VT-x");
	else
		report(c, "cpu-vendor", CHK_PASS, v, NULL);
}

static bool cpu_has_vmx(const struct chk_ctx *c)
{
	unsigned int a, b, cx, d;
	char flags[4096] = "";

	if (c->root)
		return cpuinfo_field(c, "flags", flags, sizeof(flags)) &&
		       has_word(flags, "vmx");
	__cpuid(1, a, b, cx, d);
	(void)a; (void)b; (void)d;
	return cx & (1u << 5);
}

static void check_vmx(struct chk_ctx *c)
{
	if (c->loaded)
		report(c, "vmx", CHK_PASS, "hidden by greenvisor (expected)", NULL);
	else if (cpu_has_vmx(c))
		report(c, "vmx", CHK_PASS, "present (CPUID.1:ECX[5])", NULL);
	else
		report(c, "vmx", CHK_FAIL, "absent (CPUID.1:ECX[5] = 0)",
		       "use a CPU with VT-x; in a VM, expose VMX (nested virtualization)");
}

static bool read_feature_control(const struct chk_ctx *c, uint64_t *fc)
{
	char path[512];
	bool ok;
	int fd;

	path_of(c, "/dev/cpu/0/msr", path, sizeof(path));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ok = pread(fd, fc, sizeof(*fc), MSR_IA32_FEATURE_CONTROL) ==
	     (ssize_t)sizeof(*fc);
	close(fd);
	return ok;
}

static void check_feature_control(struct chk_ctx *c)
{
	const char *fix = "enable VT-x (Intel Virtualization Technology) in the firmware setup";
	char d[96];
	uint64_t fc;

	if (c->loaded) {
		report(c, "vmx-firmware", CHK_PASS, "hidden by greenvisor (expected)", NULL);
		return;
	}
	if (!read_feature_control(c, &fc)) {
		report(c, "vmx-firmware", CHK_WARN,
		       "unknown: IA32_FEATURE_CONTROL not readable",
		       "modprobe msr (and run as root)");
		return;
	}
	snprintf(d, sizeof(d), "IA32_FEATURE_CONTROL=0x%llx",
		 (unsigned long long)fc);
	if ((fc & FC_LOCKED) && (fc & FC_VMX_OUTSIDE_SMX))
		report(c, "vmx-firmware", CHK_PASS, d, NULL);
	else
		report(c, "vmx-firmware", CHK_FAIL, d, fix);
}

/* Required and optional names from /proc/cpuinfo's "vmx flags" line. */
static void check_vmx_caps(struct chk_ctx *c)
{
	char f[4096] = "";

	if (c->loaded) {
		report(c, "vmx-caps", CHK_PASS, "hidden by greenvisor (expected)", NULL);
		return;
	}
	if (!cpuinfo_field(c, "vmx flags", f, sizeof(f))) {
		report(c, "vmx-caps", CHK_WARN,
		       "unknown: no 'vmx flags' in /proc/cpuinfo",
		       "enable VT-x in the firmware; needs Linux 5.9 or later");
		return;
	}
	if (!has_word(f, "ept") || !has_word(f, "vpid"))
		report(c, "vmx-caps", CHK_FAIL, "EPT or VPID missing (both required)",
		       "use a CPU with EPT and VPID (Nehalem or later)");
	else if (!has_word(f, "ept_1gb"))
		report(c, "vmx-caps", CHK_WARN, "ept vpid; no ept_1gb (more EPT tables)",
		       NULL);
	else
		report(c, "vmx-caps", CHK_PASS, "ept vpid ept_1gb", NULL);
}

static bool dir_has_entries(const struct chk_ctx *c, const char *p)
{
	char path[512];
	const struct dirent *e;
	bool any = false;
	DIR *d;

	path_of(c, p, path, sizeof(path));
	d = opendir(path);
	if (!d)
		return false;
	while (!any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return any;
}

static void check_dmar(struct chk_ctx *c)
{
	c->dmar = exists(c, "/sys/firmware/acpi/tables/DMAR");
	if (!c->dmar)
		report(c, "dmar", CHK_WARN, "no DMAR table: no DMA protection", NULL);
	else
		report(c, "dmar", CHK_PASS, "DMAR table present", NULL);
}

/* Interrupt remapping on: /proc/interrupts names chips "IR-IO-APIC" etc. */
static bool irq_remapping(const struct chk_ctx *c)
{
	char path[512], line[1024];
	bool ir = false;
	FILE *f;

	path_of(c, "/proc/interrupts", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!ir && fgets(line, sizeof(line), f))
		ir = strstr(line, " IR-") != NULL;
	fclose(f);
	return ir;
}

static void check_iommu(struct chk_ctx *c)
{
	const char *fix = "boot with intel_iommu=off intremap=off";

	if (!c->dmar)
		return;
	if (dir_has_entries(c, "/sys/class/iommu"))
		report(c, "iommu", CHK_FAIL,
		       "Linux uses the IOMMU (/sys/class/iommu has units); "
		       "greenvisor's VT-d takeover refuses them", fix);
	else if (irq_remapping(c))
		report(c, "iommu", CHK_FAIL,
		       "Linux uses the IOMMU for interrupt remapping (IR- in "
		       "/proc/interrupts); greenvisor's VT-d takeover refuses it", fix);
	else
		report(c, "iommu", CHK_PASS, "not used by Linux", NULL);
}

static void check_kvm(struct chk_ctx *c)
{
	if (exists(c, "/sys/module/kvm_intel"))
		report(c, "kvm", CHK_WARN,
		       "kvm_intel loaded: greenvisor refuses to load while a VM runs",
		       "stop VMs or rmmod kvm_intel kvm");
	else
		report(c, "kvm", CHK_PASS, "kvm_intel not loaded", NULL);
}

static void check_cmdline(struct chk_ctx *c)
{
	char cl[4096] = "";

	if (!read_text(c, "/proc/cmdline", cl, sizeof(cl))) {
		report(c, "cmdline", CHK_WARN, "unknown: /proc/cmdline unreadable", NULL);
		return;
	}
	cl[strcspn(cl, "\n")] = '\0';
	if (has_word(cl, "nosmp") || has_word(cl, "maxcpus=0"))
		report(c, "cmdline", CHK_WARN, "nosmp: only the boot CPU runs",
		       "remove nosmp/maxcpus=0 to virtualize every CPU");
	else if (c->dmar && (!has_word(cl, "intel_iommu=off") ||
			     !has_word(cl, "intremap=off")))
		report(c, "cmdline", CHK_WARN,
		       "DMAR present but intel_iommu=off intremap=off not given",
		       "boot with intel_iommu=off intremap=off");
	else
		report(c, "cmdline", CHK_PASS, "nothing to note", NULL);
}

int hv_check(const struct hv_out *o)
{
	struct chk_ctx c = { .o = o };

	c.root = getenv("HVCTL_CHECK_ROOT");
	if (c.root && !*c.root)
		c.root = NULL;
	if (o->json) {
		json_init(&c.j, o->f, o->pretty);
		json_begin_object(&c.j);
		json_key(&c.j, "checks");
		json_begin_array(&c.j);
	}
	check_loaded(&c);
	check_vendor(&c);
	check_vmx(&c);
	check_feature_control(&c);
	check_vmx_caps(&c);
	check_dmar(&c);
	check_iommu(&c);
	check_kvm(&c);
	check_cmdline(&c);
	if (o->json) {
		json_end_array(&c.j);
		json_key(&c.j, "ok");
		json_bool(&c.j, c.fails == 0);
		json_end_object(&c.j);
		json_finish(&c.j);
	}
	return c.fails ? HVCTL_EXIT_CHECK : HVCTL_EXIT_OK;
}
