#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /payload/run.sh of the KUnit stage (tools/check.d/20-kunit.sh), run by the
# rig's busybox guest. The payload holds kunit.ko, greenvisor_kunit.ko and
# this script. On the console it prints
#   GVT: lines       the harness checks (suite kunit_harness) and, through
#                    the rig's tap2gvt, one line per KUnit leaf result;
#   KTAP: <line>     the suites' raw KTAP, and KTAP-canary: <line> the
#                    canary run's, for people reading the log.
P=$(cd "$(dirname "$0")" && pwd)
H=kunit_harness
KTAP=/tmp/gv-ktap.log
GVT=/tmp/gv-ktap.gvt

TAP2GVT=$(command -v tap2gvt)
for t in /lib/gvt/tap2gvt "$P/tap2gvt"; do
	[ -n "$TAP2GVT" ] || [ ! -f "$t" ] || TAP2GVT="sh $t"
done

pass() { echo "GVT: PASS $H/$1"; }
fail() { echo "GVT: FAIL $H/$1: $2"; }

# What the kernel logged since the last mark, without timestamps. The log
# is never cleared: the rig's /init scans all of it for warnings at the end.
mark() {
	MARK=$(dmesg | wc -l)
}
klog() {
	dmesg | tail -n +"$((MARK + 1))" | sed 's/^\[[^]]*\] //'
}

# KTAP goes to the log, not the console, so that our lines never interleave
# with the kernel's. Errors (and oopses) still reach the console.
dmesg -n 4

echo "GVT: PLAN $H 6"

# 1. The test module links against kunit.ko: without it, it must not load.
if insmod "$P/greenvisor_kunit.ko" 2>/dev/null; then
	rmmod greenvisor_kunit
	fail needs_kunit_ko "greenvisor_kunit.ko loaded without kunit.ko"
else
	pass needs_kunit_ko
fi

# 2. kunit.ko loads on the Debian kernel.
if insmod "$P/kunit.ko"; then
	pass kunit_ko_loads
else
	fail kunit_ko_loads "insmod kunit.ko failed"
	exit 0
fi

# 3. Canary: exactly the deliberate failure is reported as "not ok".
mark
if insmod "$P/greenvisor_kunit.ko" canary=1; then
	klog >/tmp/gv-canary.log
	rmmod greenvisor_kunit
	if grep -qx '    not ok 1 canary_must_fail' /tmp/gv-canary.log &&
	   grep -qx '    ok 2 canary_must_pass' /tmp/gv-canary.log &&
	   grep -qx 'not ok 1 gv_kunit_canary' /tmp/gv-canary.log &&
	   [ "$(grep -c 'not ok' /tmp/gv-canary.log)" = 2 ]; then
		pass canary_failure_reported
	else
		fail canary_failure_reported "deliberate failure not seen"
	fi
	sed 's/^/KTAP-canary: /' /tmp/gv-canary.log
else
	fail canary_failure_reported "insmod canary=1 failed"
fi

# 4. The suites: KTAP from the log, one GVT line per leaf result.
mark
if insmod "$P/greenvisor_kunit.ko"; then
	pass suites_load
else
	fail suites_load "insmod greenvisor_kunit.ko failed"
fi
klog >"$KTAP"
sed 's/^/KTAP: /' "$KTAP"
$TAP2GVT -q <"$KTAP" >"$GVT"
cat "$GVT"

# 5. Every suite produced as many results as its tables hold (the module
#    logs "# gv_kunit: expect <suite> <n>" before running them).
bad=
nexp=0
sed -n 's/^# gv_kunit: expect \([^ ]*\) \([0-9]*\)$/\1 \2/p' "$KTAP" \
	>/tmp/gv-expect
while read -r s n; do
	got=$(grep -c "^GVT: [A-Z]* $s/" "$GVT")
	echo "# $s: $got of $n results"
	[ "$got" = "$n" ] || bad="$bad $s:$got/$n"
	nexp=$((nexp + 1))
done </tmp/gv-expect
if [ "$nexp" = 0 ]; then
	fail results_complete "no '# gv_kunit: expect' lines in the log"
elif [ -n "$bad" ]; then
	fail results_complete "results/expected:$bad"
else
	pass results_complete
fi

# 6. Both modules unload cleanly.
if rmmod greenvisor_kunit && rmmod kunit; then
	pass modules_unload
else
	fail modules_unload "rmmod failed"
fi
