#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/bench.d/10-roundtrip.sh, run by `make bench` (tools/rig/bench.sh):
# greenvisor exit round trips in Bochs (figures, not pass/fail).
#
# Boots Debian's 6.1 kernel in Bochs (2 CPUs, haswell, `clock: sync=none`,
# so the guest TSC counts instructions and an exit or entry counts as one)
# with greenvisor.ko, hvctl (if built) and gv_bench, runs
# tools/rig/suites/bench.sh, and prints:
#   - CPUID(0x40000000) and GV_HC_VERSION vmcall round trips in TSC ticks,
#     per CPU, min and median of N repeats, natively (before loading) and
#     under greenvisor, with a non-exiting "nop" sample as the baseline;
#   - EPT shootdown (GV_HC_EPT_SYNC) and quiesce (GV_HC_QUIESCE_PING) cost,
#     and lend/return throughput (selftests/greenvisor/kmod/gv_ept_bench.c);
#   - exits per second per CPU at idle (two `hvctl -j stats` samples);
#   - load (launch on every CPU) and unload times in guest seconds.
# Env: GV_BENCH_CPUS (2), GV_BENCH_MODEL (haswell), GV_BENCH_REPEATS (2000),
# GV_BENCH_IDLE (10 guest seconds), GV_BENCH_APPEND (extra kernel args).
# Artifacts in build/bench/roundtrip/: payload/, bench.cpio, serial.log, results.txt.
# Exit status 0 when the figures were measured, 1 otherwise.
set -euo pipefail

GV_PROG=bench-roundtrip
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

OUT=$GV_BUILD/bench/roundtrip
SELF=$GV_BUILD/selftests
CPUS=${GV_BENCH_CPUS:-2}
MODEL=${GV_BENCH_MODEL:-haswell}
REPEATS=${GV_BENCH_REPEATS:-2000}
IDLE=${GV_BENCH_IDLE:-10}
mkdir -p "$OUT"

make -C "$GV_ROOT/selftests/greenvisor" OUT="$SELF" >"$OUT/build.log" 2>&1 ||
	{ tail -n 20 "$OUT/build.log" >&2; gv_die "selftests build failed"; }
[[ -f $GV_ROOT/greenvisor.ko ]] || gv_die "greenvisor.ko not built: run 'make' first"

make -C "$GV_ROOT/userspace-tool" hvctl hvctl-static >>"$OUT/build.log" 2>&1 ||
	gv_msg "warning: hvctl did not build; idle exit rates will not be measured"
make -C "$GV_ROOT/selftests/greenvisor/kmod" \
	KDIR="/usr/src/linux-headers-$(gv_kabi)" >>"$OUT/build.log" 2>&1 ||
	{ tail -n 20 "$OUT/build.log" >&2; gv_die "test modules build failed"; }
gv_mkpayload "$OUT/payload" "run:$GV_RIG/suites/bench.sh" module hvctl \
	"bin:$SELF/gv_bench" \
	"$GV_ROOT/selftests/greenvisor/kmod/gv_ept_bench.ko"
# The guest suite reads its knobs from the environment of /init's child:
# pass them through a file it sources.
printf 'GV_BENCH_REPEATS=%s\nGV_BENCH_IDLE=%s\n' "$REPEATS" "$IDLE" >"$OUT/payload/bench.env"
sed -i 's|^set -eu$|set -eu\n[ -f /payload/bench.env ] \&\& . /payload/bench.env|' "$OUT/payload/run.sh"
"$GV_RIG/mkinitramfs.sh" -o "$OUT/bench.cpio" -m "" "$OUT/payload" >&2

gv_boot_bochs --initrd "$OUT/bench.cpio" --log "$OUT/serial.log" --name bench \
	--cpus "$CPUS" --model "$MODEL" --timeout 1200 \
	${GV_BENCH_APPEND:+--append "$GV_BENCH_APPEND"} ||
	gv_msg "run-bochs.sh failed; printing what was measured"

grep -a '^GVB: ' "$OUT/serial.log" | tr -d '\r' >"$OUT/results.txt" || true

# Table.
awk '
function kv(s,   n, i, a, p) {
	delete v
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) { p = index(a[i], "="); if (p) v[substr(a[i], 1, p - 1)] = substr(a[i], p + 1) }
}
/^GVB: info/ { sub(/^GVB: info /, ""); print "greenvisor benchmark (Bochs, TSC = instruction count): " $0; print ""; next }
/^GVB: error/ { sub(/^GVB: /, ""); errs = errs "  " $0 "\n"; next }
{
	sub(/^GVB: /, ""); kv($0)
	if (v["test"] != "") {
		k = v["phase"] " " v["cpu"] " " v["test"]
		if (!(k in seen)) { seen[k] = 1; rows[++nr] = k }
		mn[k] = v["min"]; md[k] = v["median"]; net[k] = v["net"]
	} else if (v["phase"] == "idle") {
		idle = idle sprintf("  cpu%-3s %6s exits in %6s s = %5s/s  (CPUID %s, VMCALL %s, other %s); %s more than sampling alone\n", v["cpu"], v["exits"], v["secs"], v["per_sec"], v["cpuid"], v["vmcall"], v["other"], v["net"])
	} else if (v["phase"] == "lend" || v["phase"] == "return") {
		mem = mem sprintf("  %-6s %6s pages in %3s vmcalls (%s pages per vmcall): %s ticks/page\n", v["phase"], v["pages"], v["calls"], v["pages_per_call"], v["ticks_per_page"])
	} else if (v["phase"] == "load" || v["phase"] == "unload") {
		lat = lat sprintf("  %-7s %s s (guest clock)\n", v["phase"], v["secs"])
	}
}
END {
	printf "Round trips in TSC ticks (min / median; net = min - min(nop)):\n"
	printf "  %-7s %-5s %-9s %9s %9s %9s\n", "phase", "cpu", "test", "min", "median", "net"
	for (i = 1; i <= nr; i++) {
		split(rows[i], r, " ")
		printf "  %-7s cpu%-2s %-9s %9s %9s %9s\n", r[1], r[2], r[3], mn[rows[i]], md[rows[i]], net[rows[i]]
	}
	if (mem != "") printf "\nLend / return (return includes the scrub), TSC ticks:\n%s", mem
	if (idle != "") printf "\nExits at idle, per CPU (upper bound: includes the sampling):\n%s", idle
	if (lat != "") printf "\nLoad / unload:\n%s", lat
	if (errs != "") printf "\nNot measured:\n%s", errs
}' "$OUT/results.txt"

grep -q 'phase=loaded .*test=cpuid_hv' "$OUT/results.txt" ||
	gv_die "no figures under greenvisor (see $OUT/serial.log)"
