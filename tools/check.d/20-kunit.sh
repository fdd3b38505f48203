#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 20: the KUnit suites of the pure root-side logic (tests/kunit).
#
# Builds kunit.ko out of tree and greenvisor_kunit.ko (tools/kunit/build.sh),
# boots Debian's 6.1 kernel in QEMU TCG with both in the initramfs, loads
# them (tests/kunit/guest-run.sh) and turns the KTAP into one result per
# KUnit leaf case, kunit/<suite>/<case>[/<parameter>], plus the harness
# checks kunit/kunit_harness/<check>. It fails when a case fails, a planned
# case does not report, a suite produces fewer results than its tables hold,
# the deliberately failing canary is not reported as failing, or the kernel
# logs an oops, BUG or WARNING.
#
# Artifacts in build/check/kunit/: build.log, payload/, initramfs.cpio,
# serial.log (with the raw KTAP as "KTAP: " lines).
set -euo pipefail

GV_PROG=20-kunit
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

S=kunit
OUT=$GV_BUILD/check/kunit
T0=$SECONDS
mkdir -p "$OUT"

if ! KVER=$(gv_kabi) "$GV_ROOT/tools/kunit/build.sh" >"$OUT/build.log" 2>&1
then
	tail -n 20 "$OUT/build.log" >&2
	gv_result FAIL "$S/build" "tools/kunit/build.sh failed (log: $OUT/build.log)"
	exit 1
fi
gv_result PASS "$S/build"

gv_mkpayload "$OUT/payload" "run:$GV_ROOT/tests/kunit/guest-run.sh" \
	"$GV_BUILD/kunit/kunit.ko" \
	"$GV_BUILD/kunit/module/greenvisor_kunit.ko"
# No kernel modules of Debian's: kunit.ko needs none.
"$GV_RIG/mkinitramfs.sh" -o "$OUT/initramfs.cpio" -m "" "$OUT/payload" ||
	gv_die "mkinitramfs.sh failed"

LOG=$OUT/serial.log
rm -f "$LOG"
TB=$SECONDS
if ! gv_boot_qemu --name kunit --initrd "$OUT/initramfs.cpio" --log "$LOG" \
	--cpus 1 --no-iommu --timeout 300; then
	gv_msg "run-qemu.sh failed; results from what the guest reported"
fi
TB=$((SECONDS - TB))

rc=0
gv_collect_serial "$LOG" "$S" || rc=1

# Summary. QEMU's own run time is in run-qemu.sh's times file; the rest of
# the boot step was spent waiting for a free emulator slot.
count() {
	local n
	n=$(grep -c "^GVT: $1 " "$LOG" 2>/dev/null) || true
	echo "${n:-0}"
}
emu=$(sed -n 's/.* end=\([0-9]*\) .*/\1/p' "$GV_BUILD/rig/qemu-kunit/times" \
	2>/dev/null || true)
idle=$((TB - ${emu:-0}))
gv_msg "guest: $(count PASS) passed, $(count FAIL) failed;" \
	"stage $((SECONDS - T0 - idle)) s (QEMU ${emu:-?} s)" \
	"+ ${idle} s waiting for an emulator slot (log: $LOG)"
exit "$rc"
