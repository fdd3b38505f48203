#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the DKMS test (issue 7). Runs as /payload/run.sh in the rig
# initramfs; the host side is tools/check.d/15-dkms.sh, which put the module
# that `dkms install` installed on the host at
# /lib/modules/<kver>/updates/dkms/ (and mkinitramfs.sh ran depmod). The
# payload carries no other copy of greenvisor.ko, so only modprobe can load
# it, and only from there.
#
# Payload: /payload/bin/hvctl (optional), /payload/expect (lines
# "modules: NAME..." — every module dkms.conf lists).
set -eu

GVT_SH=/lib/gvt/gvt.sh
# shellcheck source=tools/rig/guest/gvt.sh
. "$GVT_SH"

P=/payload
export PATH="$P/bin:$PATH"
KVER=$(uname -r)
MDIR=/lib/modules/$KVER
SIG=GreenVisorHV
MODULES=$(sed -n 's/^modules: //p' $P/expect 2>/dev/null || echo greenvisor)
NMOD=$(echo "$MODULES" | wc -w)

loaded() { grep -q "^$1 " /proc/modules; }

# cpuid_sig: the hypervisor signature CPUID 0x40000000 reports now.
cpuid_sig() { gv-cpuid 0x40000000 | sed -n 's/.*sig="\([^"]*\)".*/\1/p'; }

gvt_plan dkms $((2 * NMOD + 7))

# Each module DKMS installed is where DKMS puts it, and in modules.dep.
for m in $MODULES; do
	f=updates/dkms/$m.ko
	if [ -f "$MDIR/$f" ]; then
		gvt_pass "file_$m"
	else
		gvt_fail "file_$m" "$MDIR/$f missing: $(find "$MDIR/updates" 2>&1 | tr '\n' ' ')" || :
	fi
	if grep -q "^$f:" "$MDIR/modules.dep"; then
		gvt_pass "modules_dep_$m"
	else
		gvt_fail "modules_dep_$m" "no '$f:' line in modules.dep" || :
	fi
done

if loaded greenvisor; then
	gvt_fail not_loaded_at_boot "greenvisor was loaded before modprobe" || :
else
	gvt_pass not_loaded_at_boot
fi

gvt_check modprobe modprobe greenvisor || :
_sig=$(cpuid_sig)
if loaded greenvisor && [ "$_sig" = "$SIG" ]; then
	gvt_pass loaded
else
	gvt_fail loaded "after modprobe: /proc/modules: $(grep greenvisor /proc/modules || echo none), CPUID 0x40000000 signature '$_sig'" || :
fi
# modinfo names the file modprobe resolved: the DKMS one.
_file=$(modinfo greenvisor 2>/dev/null | sed -n 's/^filename:[[:space:]]*//p')
echo "# modinfo greenvisor: filename $_file"
gvt_expect_match modinfo_filename '(^|/)updates/dkms/greenvisor\.ko$' "$_file" || :

if command -v hvctl >/dev/null; then
	_out=$(hvctl -j status 2>&1) || :
	echo "# hvctl -j status: $_out"
	_n=$(echo "$_out" | sed -n 's/.*"cpus_virtualized":[[:space:]]*\([0-9]*\).*/\1/p')
	gvt_expect_eq hvctl_status "$(grep -c '^processor' /proc/cpuinfo)" "$_n" || :
else
	gvt_skip hvctl_status "no hvctl in the payload"
fi

gvt_check modprobe_r modprobe -r greenvisor || :
_sig=$(cpuid_sig)
if ! loaded greenvisor && [ "$_sig" != "$SIG" ]; then
	gvt_pass unloaded
else
	gvt_fail unloaded "after modprobe -r: /proc/modules: $(grep greenvisor /proc/modules || echo none), CPUID signature '$_sig'" || :
fi
