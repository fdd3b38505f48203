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
#   GVB: phase=idle cpu=N exits=E cpuid=C vmcall=V other=O net=X secs=S per_sec=R
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

# exits CPU REASON|total < `hvctl -j stats`: one CPU's count of one exit
# reason, or its total.
exits() {
	tr -d ' \n\t' | sed 's/{/\n{/g' | awk -v cpu="$1" -v why="$2" '
		function num(k) {
			if (!match($0, "\"" k "\":[0-9]+")) return -1
			return substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0
		}
		/^[{]"cpu":/ {
			cur = num("cpu")
			if (cur == cpu && why == "total") { print num("exits_total"); exit }
			next
		}
		cur == cpu && num("reason") == why { n = num("count") }
		END { if (why != "total") print n + 0 }'
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

# The hello hypapp, for the hypapp-dispatched round trip (hello_echo).
insmod $P/greenvisor-hello.ko || echo "GVB: error insmod greenvisor-hello.ko failed"

# EPT shootdown, quiesce and lend/return (selftests/greenvisor/kmod).
if [ -f $P/gv_ept_bench.ko ]; then
	n0=$(dmesg | wc -l)
	if insmod $P/gv_ept_bench.ko; then
		rmmod gv_ept_bench
		dmesg | tail -n +$((n0 + 1)) | sed -n 's/.*\(GVB: .*\)/\1/p'
	else
		echo "GVB: error insmod gv_ept_bench.ko failed"
	fi
fi

# Idle: three `hvctl -j stats` samples. s0 -> s1 has only the sampling
# itself in between (the uptime reads and hvctl: every static program
# started runs glibc's CPUID probing, and hvctl reads the counters by
# vmcall); s1 -> s2 has the same plus `sleep IDLE_SECS`. "exits" is the raw
# s1 -> s2 delta, "net" that minus the s0 -> s1 one.
# delta FROM TO CPU REASON|total
delta() {
	echo $(($(echo "$2" | exits "$3" "$4") - $(echo "$1" | exits "$3" "$4")))
}

if command -v hvctl >/dev/null 2>&1 && s0=$(hvctl -j stats 2>&1); then
	a=$(uptime_cs)
	b=$(uptime_cs)
	s1=$(hvctl -j stats)
	a=$(uptime_cs)
	sleep "$IDLE_SECS"
	b=$(uptime_cs)
	s2=$(hvctl -j stats)
	d=$((b - a))
	[ $d -gt 0 ] || d=1
	cpu=0
	while [ $cpu -lt "$(nproc)" ]; do
		if [ "$(echo "$s2" | exits $cpu total)" -ge 0 ]; then
			e=$(delta "$s1" "$s2" $cpu total)
			c=$(delta "$s1" "$s2" $cpu 10)
			v=$(delta "$s1" "$s2" $cpu 18)
			n=$((e - $(delta "$s0" "$s1" $cpu total)))
			echo "GVB: phase=idle cpu=$cpu exits=$e cpuid=$c vmcall=$v other=$((e - c - v)) net=$n secs=$(secs $d) per_sec=$((e * 100 / d))"
		else
			echo "GVB: error no exits_total for cpu$cpu in hvctl -j stats"
		fi
		cpu=$((cpu + 1))
	done
	hvctl stats
else
	echo "GVB: error hvctl missing or failing: idle exit rate not measured"
fi

# hello holds greenvisor: unregister it (docs/hypapps.md) and remove it.
if grep -q '^greenvisor_hello ' /proc/modules; then
	echo hello >/sys/module/greenvisor/parameters/hypapp_unregister
	rmmod greenvisor_hello
fi
t0=$(uptime_cs)
rmmod greenvisor
t1=$(uptime_cs)
echo "GVB: phase=unload secs=$(secs $((t1 - t0)))"
