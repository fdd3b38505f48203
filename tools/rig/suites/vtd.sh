#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the QEMU VT-d tests (issue 4). Runs as /payload/run.sh in
# the rig initramfs; the host side is tools/check.d/40-qemu-vtd.sh, which
# boots QEMU (q35, intel-iommu, virtio-blk with iommu_platform=on and a
# disk of known content, edu at 00:04.0) once per unit variant.
#
# Payload: greenvisor.ko, gv_edu_test.ko, hvctl, /payload/expect with
#   mode=takeover|refuse  levels=3|4  cm=0|1  md5=<md5 of the disk>
# Modes:
#   takeover (booted with intel_iommu=off intremap=off): the whole suite
#     twice, suite "qi" (queued invalidation) and suite "reg"
#     (vtd_reg_inval=1: register-based);
#   refuse (booted without them: Linux uses the unit): suite "refuse";
#   nodmar (no intel-iommu device): suite "nodmar", the load fails cleanly.
# Every mode first runs "hvctl check" (suite "hvctl"): VMX FAILs (TCG), the
# DMAR/IOMMU verdicts follow the mode, exit 4.
# One test = one "GVT: PASS|FAIL <suite>/<name>" line.
set -u

P=/payload
. /lib/gvt/gvt.sh

# shellcheck disable=SC1091
. $P/expect
D=/sys/kernel/debug/gv_edu_test
ST=/sys/kernel/debug/greenvisor-vtd/status
PARAMS=/sys/module/greenvisor/parameters
REASON=
log() { echo "# $*"; }

# Find edu (1234:11e8): its PCI address and source id.
EDU=
for d in /sys/bus/pci/devices/*; do
	if [ -z "$EDU" ] && [ "$(cat "$d/vendor")" = 0x1234 ] &&
	   [ "$(cat "$d/device")" = 0x11e8 ]; then
		EDU=${d##*/}
	fi
done
EDU_BUS=$(echo "$EDU" | cut -d: -f2)
EDU_DEV=$(echo "$EDU" | cut -d: -f3 | cut -d. -f1)
EDU_FN=${EDU##*.}
EDU_SID=$(printf '0x%04x' $(((0x$EDU_BUS << 8) | (0x$EDU_DEV << 3) | EDU_FN)))
log "edu at $EDU, source id $EDU_SID"

# ---- helpers: each returns non-zero and sets REASON on failure ----

# edu CMD...: one command to gv_edu_test; RES = its result line.
edu() {
	if echo "$*" >$D/cmd 2>/dev/null; then
		RES=$(cat $D/result)
		return 0
	fi
	RES=$(cat $D/result 2>/dev/null)
	REASON="'$*': $RES"
	return 1
}

# edu_rc WANT CMD...: the command must fail with errno WANT (or succeed, 0).
edu_rc() {
	_want=$1
	shift
	echo "$*" >$D/cmd 2>/dev/null
	RES=$(cat $D/result)
	[ "$_want" = 0 ] && [ "$RES" != "${RES#error}" ] &&
		{ REASON="'$*': $RES, want success"; return 1; }
	[ "$_want" != 0 ] && [ "$RES" != "error -$_want" ] &&
		{ REASON="'$*': $RES, want error -$_want"; return 1; }
	return 0
}

# page_is I V: page I holds byte V (over the 2 KiB DMA size).
page_is() {
	edu check "$1" "$2" || return 1
	[ "$RES" = match ] && return 0
	REASON="page $1 should hold 0x$2: $RES"
	return 1
}

page_not() {
	edu check "$1" "$2" || return 1
	[ "$RES" != match ] && return 0
	REASON="page $1 holds 0x$2: the DMA went through"
	return 1
}

# field NAME: a field of the last 'faults' result.
field() { echo "$RES" | sed -n "s/.* $1 \([^ ]*\).*/\1/p;s/^$1 \([^ ]*\).*/\1/p" | head -n 1; }

# last_fault REASON WRITE PAGE: the newest fault is edu's, with that
# reason, direction and page; and it is new (fault count grew).
FAULTS_SEEN=0
last_fault() {
	edu faults || return 1
	_n=$(field faults)
	_sid=$(field last_sid)
	_r=$(field last_reason)
	_w=$(field last_write)
	_a=$(field last_addr)
	edu pa "$3" || return 1
	_pa=$RES
	log "fault: count $_n sid $_sid reason $_r write $_w addr $_a (page $3 at $_pa)"
	if [ "$_n" -le "$FAULTS_SEEN" ]; then
		REASON="no new fault recorded (count $_n)"
		return 1
	fi
	FAULTS_SEEN=$_n
	[ "$_sid" = "$EDU_SID" ] || { REASON="source id $_sid, want $EDU_SID"; return 1; }
	[ "$_r" = "$1" ] || { REASON="reason $_r, want $1"; return 1; }
	[ "$_w" = "$2" ] || { REASON="write=$_w, want $2"; return 1; }
	[ "$_a" = "$_pa" ] || { REASON="address $_a, want $_pa"; return 1; }
	return 0
}

hex() { printf '%x' "$1"; }

# st KEY: a value from the status file ("unit 0 ... KEY value ...").
st() { tr ' ' '\n' <$ST | sed -n "/^$1\$/{n;p;q}"; }

disk_ok() {
	echo 3 >/proc/sys/vm/drop_caches
	_m=$(md5sum /dev/vda | cut -d' ' -f1)
	[ "$_m" = "$md5" ] && return 0
	REASON="md5 of /dev/vda is $_m, want $md5"
	return 1
}

# t NAME FUNCTION: run a test function, report it.
t() {
	REASON=
	if "$2"; then gvt_pass "$1"; else gvt_fail "$1" "${REASON:-failed}"; fi
}

# ---- the tests, in order; each depends on the state the previous left ----

t_load() {
	dmesg -c >/dev/null
	# shellcheck disable=SC2086
	insmod $P/greenvisor.ko vtd_test_mode=1 $MODPARAMS ||
		{ REASON="insmod failed"; return 1; }
	dmesg | grep -q 'TEST MODE.*NOT a protection mode' ||
		{ REASON="no TEST MODE banner in dmesg"; return 1; }
}

t_unit_on() {
	[ -r $ST ] || { REASON="no $ST"; return 1; }
	sed 's/^/# /' $ST
	_g=$(st gsts)
	[ $((_g & 0x80000000)) -ne 0 ] || { REASON="GSTS $_g: translation off"; return 1; }
	if [ "$INVAL" = queued ]; then
		[ $((_g & 0x04000000)) -ne 0 ] || { REASON="GSTS $_g: QI off"; return 1; }
	else
		[ $((_g & 0x04000000)) -eq 0 ] || { REASON="GSTS $_g: QI on"; return 1; }
	fi
	[ "$(st inval)" = "$INVAL" ] || { REASON="invalidation $(st inval), want $INVAL"; return 1; }
}

t_unit_config() {
	[ "$(st levels)" = "$levels" ] || { REASON="$(st levels)-level, want $levels"; return 1; }
	[ "$(st cm)" = "$cm" ] || { REASON="caching mode $(st cm), want $cm"; return 1; }
	# QEMU's unit walks incoherently (ECAP.C=0): table writes are flushed.
	[ "$(st coherent)" = 1 ] || [ "$(st flushes)" -gt 0 ] ||
		{ REASON="ECAP.C=0 but no cache flush"; return 1; }
}

t_virtio() { disk_ok; }

t_edu_load() {
	insmod $P/gv_edu_test.ko drhd="$(st base)" || { REASON="insmod gv_edu_test failed"; return 1; }
	[ -w $D/cmd ] || { REASON="no $D/cmd"; return 1; }
	edu faults || return 1
	FAULTS_SEEN=$(field faults)
}

t_dma_baseline() {
	edu fill 0 aa && edu fill 1 11 && edu to_dev 0 && edu from_dev 1 &&
		page_is 1 aa
}

# The IOTLB holds page 1 now (the baseline DMA): protect must invalidate it.
t_protect_blocks_write() {
	edu protect 1 && edu fill 1 22 && edu from_dev 1 && page_is 1 22
}

t_fault_write() { last_fault 5 1 1; }

t_protect_blocks_read() {
	edu fill 2 33 && edu to_dev 2 && edu to_dev 1 && edu from_dev 2 &&
		page_not 2 22
}

t_fault_read() { last_fault 6 0 1; }

# fault_traced: each fault is also an event (module/events.c): the
# tracepoint greenvisor:gv_event shows a dma_fault for a blocked write.
t_fault_traced() {
	_t=/sys/kernel/tracing
	[ -d $_t/events ] || mount -t tracefs nodev $_t 2>/dev/null
	[ -d $_t/events/greenvisor/gv_event ] ||
		{ REASON="no greenvisor:gv_event tracepoint"; return 1; }
	echo >$_t/trace
	echo 1 >$_t/events/greenvisor/gv_event/enable
	edu fill 1 55 && edu from_dev 1 && last_fault 5 1 1 || return 1
	echo 0 >$_t/events/greenvisor/gv_event/enable
	grep -q 'gv_event: type=dma_fault ' $_t/trace && return 0
	REASON="no dma_fault event in the trace ($(grep -c gv_event $_t/trace) gv_event lines)"
	return 1
}

t_unprotect_restores() {
	edu unprotect 1 && edu to_dev 0 && edu from_dev 1 && page_is 1 aa &&
		edu fill 1 44 && edu to_dev 1 && edu from_dev 3 && page_is 3 44
}

t_bad_unaligned() {
	edu pa 1 && _pa=$RES &&
		edu_rc 22 protect_raw "$(hex $((_pa + 0x800)))" 1000 &&
		edu_rc 22 protect_raw "$_pa" 800 &&
		edu_rc 22 protect_raw "$_pa" 0 &&
		edu_rc 22 green_add_raw fffffffffffff000 2000
}

t_bad_overlap() {
	edu pa 1 && _pa=$RES && edu protect 1 &&
		edu_rc 16 protect 1 &&
		edu_rc 16 protect_raw "$(hex $((_pa - 0x1000)))" 2000 &&
		edu_rc 16 green_add 1 &&
		edu_rc 2 unprotect_raw "$_pa" 2000 &&
		[ "$(st protected)" = 1 ] &&
		edu unprotect 1 && edu_rc 2 unprotect 1 &&
		[ "$(st protected)" = 0 ] &&
		edu to_dev 0 && edu from_dev 1 && page_is 1 aa
}

t_bad_device() {
	# No device at 00:1d.7 (or anywhere on bus 0x42): -ENODEV.
	edu_rc 19 assign_raw 0 42 0 && edu_rc 19 assign_raw 0 0 ef &&
		edu_rc 2 release && [ "$(st assigned)" = 0 ]
}

t_green_not_rich() {
	edu fill 2 55 && edu green_add 2 && [ "$(st green)" = 1 ] &&
		edu to_dev 0 && edu from_dev 2 && page_is 2 55
}

t_assign() {
	edu assign || return 1
	[ "$(st assigned)" = 1 ] || { REASON="status says $(st assigned) assigned"; return 1; }
	DOM1=$(dmesg | sed -n 's/.*assigned to green domain \([0-9]*\)$/\1/p' | tail -n 1)
	[ -n "$DOM1" ] || { REASON="no 'assigned to green domain' in dmesg"; return 1; }
}

# Read and write green memory: buffer <- green page (0x55), page cleared,
# buffer -> green page.
t_green_reachable() {
	edu fill 3 66 && edu to_dev 3 && edu to_dev 2 && edu fill 2 00 &&
		edu from_dev 2 && page_is 2 55
}

t_rich_unreachable() {
	edu fill 3 66 && edu from_dev 3 && page_is 3 66 && last_fault 5 1 3
}

t_double_assign() { edu_rc 16 assign; }

t_release() {
	edu release && [ "$(st assigned)" = 0 ] && edu_rc 2 release
}

t_released_rich() { edu from_dev 3 && page_is 3 55; }

t_released_green_blocked() {
	edu fill 2 77 && edu from_dev 2 && page_is 2 77 && last_fault 5 1 2
}

t_domain_id_recycled() {
	edu assign || return 1
	_d=$(dmesg | sed -n 's/.*assigned to green domain \([0-9]*\)$/\1/p' | tail -n 1)
	edu release || return 1
	[ "$_d" = "$DOM1" ] && return 0
	REASON="second assignment got domain $_d, first $DOM1"
	return 1
}

t_green_remove() {
	edu green_remove 2 && [ "$(st green)" = 0 ] && edu_rc 2 green_remove 2 &&
		edu from_dev 2 && page_is 2 55
}

# Figures, not a pass/fail threshold: 256 single-page protects and
# unprotects inside one 2 MiB block (the first splits a 2 MiB leaf), the
# rich domain's table pages before and after. Passes when every call
# succeeded and nothing stays protected.
t_bench() {
	_tb=$(sed -n 's/^rich .* tables \([0-9]*\) .*/\1/p' $ST)
	edu bench 100 || return 1
	_ta=$(sed -n 's/^rich .* tables \([0-9]*\) .*/\1/p' $ST)
	echo "GVT-BENCH: $SUITE levels=$levels cm=$cm $RES rich_tables_before $_tb after $_ta"
	[ "$(st protected)" = 0 ] || { REASON="$(st protected) ranges still protected"; return 1; }
}

# Skipping the IOTLB invalidation must let a stale translation through:
# proof that t_protect_blocks_write would catch a missing invalidation.
t_missing_inval_caught() {
	edu to_dev 0 && edu from_dev 1 && page_is 1 aa || return 1
	echo 1 >$PARAMS/vtd_test_skip_iotlb
	edu protect 1 && edu fill 1 88 && edu from_dev 1
	_rc=$?
	echo 0 >$PARAMS/vtd_test_skip_iotlb
	[ $_rc = 0 ] || return 1
	[ "$(st iotlb_skipped)" -gt 0 ] || { REASON="no invalidation was skipped"; return 1; }
	edu check 1 aa || return 1
	_stale=$RES
	edu unprotect 1 || return 1
	[ "$_stale" = match ] && return 0
	REASON="with IOTLB invalidation skipped the DMA was still blocked ($_stale): the tests cannot tell a missing invalidation"
	return 1
}

# Two faults of two requesters (edu and a second edu at 00:05.0) without
# reading the records: QEMU's unit has one fault recording register, so the
# second is lost and counted as a primary fault overflow (faults of one
# requester would be compressed, 7.3). Afterwards faults are recorded again.
t_fault_overflow() {
	_o=$(st overflows)
	echo 0 >$PARAMS/vtd_fault_poll_ms
	sleep 0.3
	edu protect 1 && edu from_dev 1 && edu dev 1 && edu from_dev 1 &&
		edu dev 0 && edu faults
	_rc=$?
	_res=$RES
	echo 100 >$PARAMS/vtd_fault_poll_ms
	[ $_rc = 0 ] || { edu dev 0; edu unprotect 1; return 1; }
	RES=$_res
	log "after two faults: $RES"
	FAULTS_SEEN=$(field faults)
	if [ "$(field overflows)" -le "$_o" ]; then
		edu unprotect 1
		REASON="overflows $(field overflows), was $_o"
		return 1
	fi
	edu from_dev 1 && last_fault 5 1 1
	_rc=$?
	edu unprotect 1 || return 1
	return $_rc
}

t_unload() {
	rmmod gv_edu_test || { REASON="rmmod gv_edu_test failed"; return 1; }
	_base=$(st base)
	rmmod greenvisor || { REASON="rmmod greenvisor failed"; return 1; }
	dmesg | grep -q 'every unit off, tables freed (0 pages still allocated)' ||
		{ REASON="no clean teardown line in dmesg"; return 1; }
	# gv_edu_test without greenvisor: the unit's GSTS, and DMA untranslated.
	insmod $P/gv_edu_test.ko drhd="$_base" || { REASON="insmod gv_edu_test failed"; return 1; }
	edu gsts || return 1
	_g=$RES
	log "GSTS after unload: $_g"
	[ $((_g & 0x86000000)) -eq 0 ] || { REASON="GSTS $_g: TE/QIE/IRE still on"; return 1; }
	edu fill 0 5a && edu fill 1 00 && edu to_dev 0 && edu from_dev 1 && page_is 1 5a
	_rc=$?
	rmmod gv_edu_test
	return $_rc
}

# Load/unload cycles: every takeover and teardown completes and frees
# every page, and Linux's DMA still works afterwards.
t_reload_cycles() {
	_i=0
	while [ $_i -lt 5 ]; do
		dmesg -c >/dev/null
		# shellcheck disable=SC2086
		insmod $P/greenvisor.ko vtd_test_mode=1 $MODPARAMS ||
			{ REASON="load $_i failed"; return 1; }
		rmmod greenvisor || { REASON="unload $_i failed"; return 1; }
		dmesg | grep -q '(0 pages still allocated)' ||
			{ REASON="cycle $_i: pages left: $(dmesg | grep 'pages still')"; return 1; }
		_i=$((_i + 1))
	done
}

t_linux_works() { disk_ok; }

TESTS="load unit_on unit_config virtio edu_load dma_baseline
protect_blocks_write fault_write protect_blocks_read fault_read
fault_traced unprotect_restores bad_unaligned bad_overlap bad_device green_not_rich assign
green_reachable rich_unreachable double_assign release released_rich
released_green_blocked domain_id_recycled green_remove bench missing_inval_caught
fault_overflow unload reload_cycles linux_works"

run_suite() {
	SUITE=$1 INVAL=$2 MODPARAMS=$3
	gvt_plan "$SUITE" "$(echo $TESTS | wc -w)"
	LOADED=1
	for n in $TESTS; do
		if [ $LOADED = 0 ] && [ "$n" != linux_works ]; then
			gvt_fail "$n" "greenvisor did not load"
			continue
		fi
		echo "GVT-STEP: $(cut -d' ' -f1 /proc/uptime) $SUITE/$n"
		t "$n" "t_$n" || true
		if [ "$n" = load ] && ! lsmod | grep -q '^greenvisor '; then
			LOADED=0
		fi
	done
	# Leave nothing loaded for the next suite.
	rmmod gv_edu_test 2>/dev/null
	rmmod greenvisor 2>/dev/null
}

# ---- refusal: Linux owns the unit ----

t_refused() {
	dmesg -c >/dev/null
	if insmod $P/greenvisor.ko vtd_test_mode=1 2>/dev/null; then
		rmmod greenvisor
		REASON="greenvisor loaded although Linux uses the unit"
		return 1
	fi
	dmesg | sed 's/^/# /'
	dmesg | grep -q "in use (GSTS.*intel_iommu=off intremap=off.*not taking over" ||
		{ REASON="no clear refusal message"; return 1; }
	dmesg | grep -q "nothing was changed" || { REASON="no 'nothing was changed'"; return 1; }
}

t_refused_unchanged() {
	_g=$(cat /tmp/gsts.before)
	insmod $P/gv_edu_test.ko drhd=0xfed90000 && edu gsts || return 1
	rmmod gv_edu_test
	[ "$RES" = "$_g" ] && return 0
	REASON="GSTS $RES after the refused load, $_g before"
	return 1
}

run_refuse() {
	gvt_plan refuse 3
	insmod $P/gv_edu_test.ko drhd=0xfed90000 && edu gsts && echo "$RES" >/tmp/gsts.before
	rmmod gv_edu_test
	log "GSTS with Linux driving the unit: $(cat /tmp/gsts.before)"
	t refused t_refused
	t unit_unchanged t_refused_unchanged
	t linux_works t_linux_works
}

# ---- no DMAR table at all (no intel-iommu device) ----

run_nodmar() {
	gvt_plan nodmar 2
	dmesg -c >/dev/null
	if insmod $P/greenvisor.ko vtd_test_mode=1 2>/dev/null; then
		rmmod greenvisor
		gvt_fail load_refused "greenvisor loaded without a DMAR table"
	else
		gvt_pass load_refused
	fi
	gvt_expect_match message 'no ACPI DMAR table' "$(dmesg)"
}

# ---- hvctl check before any load: no VMX here (TCG), so it must FAIL ----

# has_json STRING: the hvctl -j check output ($_out) has STRING.
has_json() {
	echo "$_out" | grep -qF "$1" && return 0
	REASON="no $1 in $_out"
	return 1
}

t_hvctl_check() {
	_rc=0
	_out=$(hvctl -j check 2>&1) || _rc=$?
	hvctl check | sed 's/^/# /'
	[ "$_rc" = 4 ] || { REASON="exit $_rc, expected 4 (no VMX): $_out"; return 1; }
	has_json '"name":"vmx","status":"fail"' && has_json '"ok":false}' || return 1
	case $mode in
	takeover)
		has_json '"name":"dmar","status":"pass"' &&
			has_json '"name":"iommu","status":"pass"'
		;;
	refuse)
		has_json '"name":"dmar","status":"pass"' || return 1
		echo "$_out" | grep -qE '"name":"iommu","status":"fail","detail":"[^"]*","fix":"boot with intel_iommu=off intremap=off"' ||
			{ REASON="iommu not a FAIL with the fix: $_out"; return 1; }
		;;
	nodmar)
		has_json '"name":"dmar","status":"warn"'
		;;
	esac
}

gvt_plan hvctl 1
if command -v hvctl >/dev/null 2>&1; then
	t check t_hvctl_check
else
	gvt_fail check "hvctl not in the payload"
fi

modprobe virtio_pci && modprobe virtio_blk && sleep 0.5
[ -b /dev/vda ] || log "no /dev/vda"
case $mode in
takeover)
	run_suite qi queued ""
	run_suite reg register "vtd_reg_inval=1"
	;;
refuse)
	run_refuse
	;;
nodmar)
	run_nodmar
	;;
esac
exit 0
