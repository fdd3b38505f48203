#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh --initrd FILE --log SERIAL_LOG [options]
#
# Boot the lab-box kernel with FILE as initramfs in QEMU TCG (q35, Skylake-
# Server, an emulated Intel IOMMU; no VMX).  Exit status 0 iff the serial log
# shows "GV-RIG: done"; 1 if not; 2 on usage errors.
# Work dir: build/rig/qemu-NAME (qemu.out, cmdline).
#
# Options
#   --initrd FILE          initramfs (cpio, optionally gzipped)
#   --log FILE             serial log to write
#   --cpus N               CPUs (default 2)
#   --megs N               guest RAM in MiB (default 1024)
#   --cpu MODEL            QEMU -cpu (default Skylake-Server)
#   --append "ARGS"        extra kernel command line
#   --timeout SECONDS      wall-clock limit (default 900)
#   --iommu-opts "OPTS"    extra intel-iommu properties, e.g.
#                          "aw-bits=48,caching-mode=on"
#   --no-iommu             no intel-iommu device at all
#   --no-iommu-off         do not add "intel_iommu=off intremap=off" to the
#                          command line (Linux then drives the unit itself)
#   --extra "ARGS"         more QEMU arguments (word-split), e.g.
#                          "-device edu,addr=04.0"
#   --name NAME            work dir name (default: the log's basename)
#   --kernel FILE          kernel image (default: the extracted lab-box vmlinuz)
# The machine has no NIC (-nic none): add one with --extra if needed.
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=run-qemu
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	sed -n '4,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

initrd='' log='' cpus=2 megs=1024 cpu=Skylake-Server append='' timeout=900
iommu_opts='' iommu=1 iommu_off=1 extra='' name='' kernel=''
while (($#)); do
	case $1 in
	--initrd) initrd=${2:?}; shift 2 ;;
	--log) log=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--megs) megs=${2:?}; shift 2 ;;
	--cpu) cpu=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--iommu-opts) iommu_opts=${2?}; shift 2 ;;
	--no-iommu) iommu=0; shift ;;
	--no-iommu-off) iommu_off=0; shift ;;
	--extra) extra=${2?}; shift 2 ;;
	--name) name=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--model) shift 2 ;; # accepted for interface symmetry with run-bochs.sh
	-h | --help) usage ;;
	*) gv_msg "unknown argument '$1'"; usage ;;
	esac
done
[[ -n $initrd && -n $log ]] || { gv_msg "--initrd and --log are required"; usage; }
[[ -f $initrd ]] || gv_die "initrd $initrd not found"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || gv_die "--cpus must be a positive number"
[[ $timeout =~ ^[0-9]+$ ]] || gv_die "--timeout must be seconds"
command -v qemu-system-x86_64 >/dev/null || gv_die "qemu-system-x86_64 not found: run tools/rig/deps.sh"
[[ -n $kernel ]] || kernel=$(gv_vmlinuz)
[[ -f $kernel ]] || gv_die "kernel $kernel not found: run tools/rig/deps.sh"
kernel=$(realpath "$kernel")

log=$(realpath -m "$log")
[[ -n $name ]] || name=$(basename "${log%.log}")
work=$GV_BUILD/rig/qemu-$name
rm -rf "$work"
mkdir -p "$work" "$(dirname "$log")"
rm -f "$log"

cmdline="console=ttyS0,115200 quiet cryptomgr.notests=1 nopti mitigations=off nokaslr panic=-1"
((iommu_off)) && cmdline+=" intel_iommu=off intremap=off"
cmdline+="${append:+ $append}"

args=(-M q35 -accel tcg -cpu "$cpu" -smp "$cpus" -m "$megs"
	-nographic -no-reboot -nic none -monitor none -serial "file:$log"
	-kernel "$kernel" -initrd "$(realpath "$initrd")" -append "$cmdline")
if ((iommu)); then
	args+=(-device "intel-iommu,intremap=off${iommu_opts:+,$iommu_opts}")
fi
if [[ -n $extra ]]; then
	# shellcheck disable=SC2206 # word splitting of --extra is the interface
	args+=($extra)
fi
printf '%q ' qemu-system-x86_64 "${args[@]}" >"$work/cmdline"
echo >>"$work/cmdline"

gv_emu_lock
gv_msg "$name: booting QEMU TCG ($cpu, $cpus cpu(s), timeout ${timeout}s), serial log $log"
(
	cd "$work"
	exec timeout -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null >qemu.out 2>&1
) &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT INT TERM
gv_watch_emulator "$pid" "$log" "$name"
trap - EXIT INT TERM

printf 'boot_ok=%s done=%s end=%s status=%s cpus=%s cpu=%s\n' \
	"$GV_T_BOOT" "$GV_T_DONE" "$GV_T_END" "$GV_EMU_STATUS" "$cpus" "$cpu" >"$work/times"
if grep -q 'GV-RIG: done' "$log" 2>/dev/null; then
	gv_msg "$name: done (boot ok after ${GV_T_BOOT}s, done after ${GV_T_DONE}s, exit after ${GV_T_END}s)"
	exit 0
fi
why="no 'GV-RIG: done' in the serial log"
((GV_EMU_STATUS == 124 || GV_EMU_STATUS == 137)) && why="timed out after ${timeout}s"
gv_msg "$name: FAILED: $why (boot ok after ${GV_T_BOOT}s; qemu status $GV_EMU_STATUS; see $work/qemu.out)"
tail -n 5 "$log" 2>/dev/null | sed 's/^/  serial: /' >&2 || true
tail -n 3 "$work/qemu.out" 2>/dev/null | sed 's/^/  qemu: /' >&2 || true
exit 1
}
