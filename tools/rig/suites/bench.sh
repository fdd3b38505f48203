#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench` (tools/bench.sh): figures, not pass/fail.
# Runs as /payload/run.sh in the rig initramfs with /payload/greenvisor.ko,
# /payload/bin/gv_bench (selftests/greenvisor) and, optionally,
# /payload/bin/hvctl.
#
# Prints "GVB: <key>=<value> ..." lines that tools/bench.sh turns into a
# table:
#   GVB: phase=native|loaded cpu=N test=nop|cpuid_hv|vmcall n=.. min=.. median=.. net=..
#   GVB: phase=load secs=S          insmod (launch on every CPU), guest seconds
#   GVB: phase=unload secs=S        rmmod (devirtualize every CPU)
#   GVB: phase=idle cpu=N exits=E secs=S per_sec=R
# Guest seconds are the guest's own clock (/proc/uptime, 10 ms resolution).
set -eu

P=/payload
KO=$P/greenvisor.ko
REPEATS=${GV_BENCH_REPEATS:-2000}
IDLE_SECS=${GV_BENCH_IDLE:-10}
export PATH="$P/bin:$PATH"

uptime_cs() { tr -d . </proc/uptime | cut -d' ' -f1; }
secs() { echo "$1" | awk '{ printf "%d.%02d", $1 / 100, $1 % 100 }'; }

bench() {
	gv_bench -r "$REPEATS" | sed -n "s/^GVB: /GVB: phase=$1 /p"
}

# exits_total CPU < JSON: one CPU's total exit count in `hvctl -j cpu show`.
exits_total() {
	tr -d ' \n\t' | sed 's/{/\n{/g' | awk -v cpu="$1" '
		function num(k) {
			if (!match($0, "\"" k "\":[0-9]+")) return -1
			return substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0
		}
		/^[{]"cpu":/ && num("cpu") == cpu { print num("exits_total"); exit }'
}

echo "GVB: info kernel=$(uname -r) cpus=$(nproc) repeats=$REPEATS"
bench native

t0=$(uptime_cs)
if ! insmod $KO; then
	echo "GVB: error insmod failed"
	exit 1
fi
t1=$(uptime_cs)
echo "GVB: phase=load secs=$(secs $((t1 - t0)))"

bench loaded

if command -v hvctl >/dev/null 2>&1 && s0=$(hvctl -j cpu show 2>&1); then
	a=$(uptime_cs)
	sleep "$IDLE_SECS"
	s1=$(hvctl -j cpu show)
	b=$(uptime_cs)
	cpu=0
	while [ $cpu -lt "$(nproc)" ]; do
		e0=$(echo "$s0" | exits_total $cpu)
		e1=$(echo "$s1" | exits_total $cpu)
		if [ "${e0:--1}" -ge 0 ] && [ "${e1:--1}" -ge 0 ]; then
			echo "GVB: phase=idle cpu=$cpu exits=$((e1 - e0)) secs=$(secs $((b - a))) per_sec=$(((e1 - e0) * 100 / (b - a)))"
		else
			echo "GVB: error no exits_total for cpu$cpu in hvctl -j cpu show"
		fi
		cpu=$((cpu + 1))
	done
	echo "$s1" | head -c 3000
	echo
else
	echo "GVB: error hvctl missing or failing: idle exit rate not measured"
fi

t0=$(uptime_cs)
rmmod greenvisor
t1=$(uptime_cs)
echo "GVB: phase=unload secs=$(secs $((t1 - t0)))"
