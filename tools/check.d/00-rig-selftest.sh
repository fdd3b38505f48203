#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 00: prove the rigs work before anything is tested on them.
#   QEMU TCG + intel-iommu: the guest sees an ACPI DMAR table and 2 CPUs.
#   Bochs, 2 CPUs:          nproc is 2, both CPUs report vmx, kvm_intel loads
#                           (modules.dep in the initramfs works).
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

work=$GV_BUILD/check/00-rig-selftest
rm -rf "$work"
mkdir -p "$work"

# --- QEMU -------------------------------------------------------------------
cat >"$work/qemu-run.sh" <<'EOF'
. /lib/gvt/gvt.sh
gvt_plan rig-qemu 3
gvt_check dmar_table test -s /sys/firmware/acpi/tables/DMAR
gvt_expect_eq nproc 2 "$(nproc)"
gvt_expect_eq cpus_online 0-1 "$(cat /sys/devices/system/cpu/online)"
EOF
gv_mkpayload "$work/qemu-payload" "run:$work/qemu-run.sh"
"$GV_RIG/mkinitramfs.sh" -o "$work/qemu.cpio" -m '' "$work/qemu-payload"
gv_boot_qemu --initrd "$work/qemu.cpio" --log "$work/qemu-serial.log" \
	--cpus 2 --timeout 300 --name rig-selftest-qemu || true
gv_collect_serial "$work/qemu-serial.log" rig-qemu || true

# --- Bochs ------------------------------------------------------------------
cat >"$work/bochs-run.sh" <<'EOF'
. /lib/gvt/gvt.sh
gvt_plan rig-bochs 4
gvt_expect_eq nproc 2 "$(nproc)"
gvt_expect_eq vmx_cpus 2 "$(grep -E '^flags' /proc/cpuinfo | grep -cE ' vmx( |$)')"
gvt_check modprobe_kvm_intel modprobe kvm_intel
gvt_check dev_kvm test -c /dev/kvm
rmmod kvm_intel kvm irqbypass 2>/dev/null
EOF
gv_mkpayload "$work/bochs-payload" "run:$work/bochs-run.sh"
"$GV_RIG/mkinitramfs.sh" -o "$work/bochs.cpio" "$work/bochs-payload"
gv_boot_bochs --initrd "$work/bochs.cpio" --log "$work/bochs-serial.log" \
	--cpus 2 --timeout 600 --name rig-selftest-bochs || true
gv_collect_serial "$work/bochs-serial.log" rig-bochs || true

# Boot times for docs/rigs.md and CI logs.
for r in qemu bochs; do
	t=$GV_BUILD/rig/$r-rig-selftest-$r/times
	[[ -f $t ]] && printf 'timing %s: %s\n' "$r" "$(<"$t")"
done
exit 0
}
