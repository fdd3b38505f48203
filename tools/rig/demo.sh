#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/rig/demo.sh [--cpus N] [--model haswell|skylake] [--append ARGS]
#
# `make demo` (after `make all`): boot the emulated lab box (Bochs, VMX) with
# greenvisor.ko and hvctl in the initramfs; in the guest: insmod greenvisor,
# show the kernel log, `hvctl version`, `hvctl status`, CPUID 0x40000000,
# rmmod greenvisor.  Prints the guest's console between the rig markers.
# Exit status 0 iff the guest ran the demo to the end.
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=demo
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cpus=2 model=haswell append=''
while (($#)); do
	case $1 in
	--cpus) cpus=${2:?}; shift 2 ;;
	--model) model=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	-h | --help) sed -n '4,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) gv_die "unknown argument '$1' (see --help)" ;;
	esac
done

work=$GV_BUILD/demo
mkdir -p "$work"

[[ -f $GV_ROOT/greenvisor.ko ]] ||
	gv_msg "NOTE: greenvisor.ko is not built yet ('make modules'); the demo boots without it"
[[ -x $GV_ROOT/userspace-tool/hvctl ]] ||
	gv_msg "NOTE: userspace-tool/hvctl is not built yet ('make hvctl')"

cat >"$work/run.sh" <<'EOF'
echo "== greenvisor demo: $(uname -r), $(nproc) CPU(s)"
echo "== CPUID before: $(gv-cpuid 0x40000000)"
if [ ! -f /payload/greenvisor.ko ]; then
	echo "!! greenvisor.ko is not in the payload: the module is not built yet"
	echo "!! (run 'make modules', or 'make demo' which builds everything)"
	exit 0
fi
n=$(dmesg | wc -l)
echo "== insmod /payload/greenvisor.ko"
if insmod /payload/greenvisor.ko; then
	loaded=1
	echo "== loaded"
else
	loaded=0
	echo "!! insmod failed (status $?)"
fi
echo "== kernel log:"
dmesg | tail -n +"$((n + 1))" | tail -n 40
if [ -x /payload/bin/hvctl ]; then
	echo "== hvctl version"; hvctl version
	echo "== hvctl status"; hvctl status
else
	echo "!! hvctl is not in the payload (not built yet: 'make hvctl')"
fi
echo "== CPUID 0x40000000: $(gv-cpuid 0x40000000)"
echo "== CPUID 1: $(gv-cpuid 1) (VMX is ECX bit 5)"
for p in /payload/bin/*probe* /payload/bin/*cpuid*; do
	[ -x "$p" ] && [ "${p##*/}" != gv-cpuid ] && { echo "== $p"; "$p"; }
done
if [ "$loaded" = 1 ]; then
	n=$(dmesg | wc -l)
	echo "== rmmod greenvisor"
	rmmod greenvisor && echo "== unloaded" || echo "!! rmmod failed"
	dmesg | tail -n +"$((n + 1))" | tail -n 20
	echo "== CPUID after: $(gv-cpuid 0x40000000)"
fi
EOF

items=("run:$work/run.sh" module hvctl)
for p in "$GV_ROOT"/selftests/greenvisor/*probe* "$GV_ROOT"/userspace-tool/*probe*; do
	[[ -f $p && -x $p ]] && items+=("bin:$p")
done
gv_mkpayload "$work/payload" "${items[@]}"
"$GV_RIG/mkinitramfs.sh" -o "$work/demo.cpio" "$work/payload"

log=$work/serial.log
rc=0
gv_boot_bochs --initrd "$work/demo.cpio" --log "$log" --cpus "$cpus" --model "$model" \
	--append "$append" --timeout 900 --name demo || rc=$?

echo "------------------------------------------------------------------ guest"
if [[ -f $log ]]; then
	tr -d '\r' <"$log" | awk '
		/GV-RIG: boot ok/ { on = 1 }
		/GV-RIG: dmesg begin/ { on = 0 }
		/GV-DMESG: .*(WARNING:|BUG:|Oops|general protection|Kernel panic)/ { warn[++nw] = $0 }
		on { print }
		/GV-RIG: done/ { print }
		END { if (nw) { print "== kernel problems logged:"; for (i = 1; i <= nw; i++) print warn[i] } }'
fi
echo "------------------------------------------------------------------------"
if ((rc == 0)); then
	gv_msg "demo finished (serial log: ${log#"$GV_ROOT"/})"
else
	gv_msg "the guest did not finish the demo (serial log: $log, Bochs log: $GV_BUILD/rig/bochs-demo/bochs.log)"
fi
exit "$rc"
}
