#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 40: the VT-d code in QEMU TCG (emulated Intel IOMMU, no VMX), with
# greenvisor.ko in its test mode (vtd_test_mode=1: no hypervisor, the vtd
# code runs from Linux; NOT a protection mode). See docs/vtd-hw.md.
#
# One boot per unit variant, each with virtio-blk (iommu_platform=on,
# disable-legacy=on) on a disk of known content and two of QEMU's edu
# devices (00:04.0, and 00:05.0 for a second requester) driven by
# gv_edu_test.ko; the guest suite is tools/rig/suites/vtd.sh:
#   vtd-3l      default unit: 39-bit, 3-level tables
#   vtd-4l-cm   aw-bits=48 (4-level), caching-mode=on
#   vtd-3l-cm   caching-mode=on, 3-level
#   vtd-4l      aw-bits=48
#   vtd-refuse  booted without intel_iommu=off intremap=off: Linux uses the
#               unit, the takeover must be refused and change nothing
#   vtd-nodmar  no intel-iommu device (no DMAR table): the load fails cleanly
# Each takeover boot runs the suite twice: queued invalidation (qi/...) and
# register-based (reg/..., vtd_reg_inval=1).
# Every boot first runs "hvctl check" (vtd-<variant>/hvctl/check): VMX
# FAILs (TCG has none), exit 4; DMAR present, IOMMU PASS with intel_iommu=off
# intremap=off, FAIL (with the fix) in vtd-refuse; DMAR WARN in vtd-nodmar.
# Results: vtd-<variant>/<qi|reg|refuse|hvctl>/<test>. Env: GV_VTD_BOOTS (the
# variants to run, default all), GV_VTD_TIMEOUT (s per boot, default 300).
# Artifacts in build/check/vtd/ (serial logs, times.txt, bench.txt: the
# protect/unprotect figures of each suite).
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=40-qemu-vtd
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

OUT=$GV_BUILD/check/vtd
BOOTS=${GV_VTD_BOOTS:-vtd-3l vtd-4l-cm vtd-3l-cm vtd-4l vtd-refuse vtd-nodmar}
TIMEOUT=${GV_VTD_TIMEOUT:-300}
KMOD=$GV_ROOT/selftests/greenvisor/kmod
T0=$SECONDS
mkdir -p "$OUT"
: >"$OUT/times.txt"
: >"$OUT/bench.txt"

build() {
	KVER=$(gv_kabi) make -C "$GV_ROOT" modules || return 1
	make -C "$KMOD" KDIR="/usr/src/linux-headers-$(gv_kabi)" || return 1
	make -C "$GV_ROOT/userspace-tool" hvctl hvctl-static || return 1
}
if ! build >"$OUT/build.log" 2>&1; then
	tail -n 20 "$OUT/build.log" >&2
	gv_result FAIL vtd/build "build failed (log: $OUT/build.log)"
	exit 1
fi
gv_result PASS vtd/build

# A 4 MiB disk of known (pseudo-random) content; the guest checks its md5.
DISK=$OUT/disk.img
head -c $((4 << 20)) /dev/urandom >"$DISK"
MD5=$(md5sum "$DISK" | cut -d' ' -f1)

# boot NAME MODE LEVELS CM RUN-QEMU-ARGS...
boot() {
	local name=$1 mode=$2 levels=$3 cm=$4 log=$OUT/serial-$1.log rc=0
	local pay=$OUT/payload-$1
	shift 4
	gv_mkpayload "$pay" "run:$GV_RIG/suites/vtd.sh" module hvctl \
		"$KMOD/gv_edu_test.ko"
	printf 'mode=%s\nlevels=%s\ncm=%s\nmd5=%s\n' "$mode" "$levels" "$cm" \
		"$MD5" >"$pay/expect"
	"$GV_RIG/mkinitramfs.sh" -o "$OUT/$name.cpio" -m 'virtio_pci virtio_blk' \
		"$pay" >/dev/null || gv_die "mkinitramfs.sh failed"
	if ! gv_boot_qemu --initrd "$OUT/$name.cpio" --log "$log" --name "$name" \
		--timeout "$TIMEOUT" "$@" --extra "-drive file=$DISK,if=none,id=d0,format=raw,snapshot=on -device virtio-blk-pci,drive=d0,addr=03.0,iommu_platform=on,disable-legacy=on -device edu,addr=04.0 -device edu,addr=05.0"; then
		gv_msg "$name: run-qemu.sh failed; results from what the guest reported"
	fi
	gv_collect_serial "$log" "$name" || rc=1
	# Figures (not results): the guest's GVT-BENCH lines.
	sed -n "s/^.*GVT-BENCH: /$name /p" "$log" >>"$OUT/bench.txt"
	printf '%s: %s\n' "$name" \
		"$(cat "$GV_BUILD/rig/qemu-$name/times" 2>/dev/null || echo 'no times')" \
		>>"$OUT/times.txt"
	gv_msg "$name: $(grep -c 'GVT: PASS' "$log" || true) passed," \
		"$(grep -c 'GVT: FAIL' "$log" || true) failed in the guest (log: $log)"
	return "$rc"
}

rc=0
for b in $BOOTS; do
	case $b in
	vtd-3l) boot "$b" takeover 3 0 || rc=1 ;;
	vtd-4l-cm) boot "$b" takeover 4 1 --iommu-opts aw-bits=48,caching-mode=on || rc=1 ;;
	vtd-3l-cm) boot "$b" takeover 3 1 --iommu-opts caching-mode=on || rc=1 ;;
	vtd-4l) boot "$b" takeover 4 0 --iommu-opts aw-bits=48 || rc=1 ;;
	vtd-refuse) boot "$b" refuse 3 0 --no-iommu-off || rc=1 ;;
	vtd-nodmar) boot "$b" nodmar 3 0 --no-iommu || rc=1 ;;
	*) gv_die "GV_VTD_BOOTS: unknown boot '$b'" ;;
	esac
done
sed 's/^/  /' "$OUT/times.txt" >&2
sed 's/^/  bench: /' "$OUT/bench.txt" >&2
# The emulators' own time, apart from any wait for a free emulator slot.
EMU=$(awk -F' end=' 'NF > 1 { split($2, a, " "); s += a[1] } END { print s + 0 }' "$OUT/times.txt")
gv_msg "stage took $((SECONDS - T0)) s (QEMU ${EMU:-?} s, the rest building and waiting for an emulator slot)"
exit "$rc"
}
