# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# GVT result protocol for rig guest scripts (busybox sh).  In the guest:
#   . /lib/gvt/gvt.sh
#   gvt_plan mysuite 3
#   gvt_check   kvm_loads  modprobe kvm_intel
#   gvt_expect_eq cpus 2 "$(nproc)"
#   gvt_skip    pml "needs skylake_x"
# prints
#   GVT: PLAN mysuite 3
#   GVT: PASS mysuite/kvm_loads
#   GVT: FAIL mysuite/cpus: expected '2', got '1'
#   GVT: SKIP mysuite/pml: needs skylake_x
# A NAME without '/' is taken to be in the suite of the last gvt_plan (or
# $GVT_SUITE).  Several PLAN lines for one suite add up.  gvt_fail, and the
# gvt_check/gvt_expect_* helpers on failure, return non-zero: in a `set -e`
# script write `gvt_expect_eq ... || :`.  The host side
# (gv_collect_serial in tools/rig/lib.sh) counts a planned test that never
# reported as failed.

GVT_SUITE=${GVT_SUITE:-payload}
GVT_FAILED=${GVT_FAILED:-0}

_gvt_id() {
	case $1 in
	*/*) echo "$1" | tr ' \t' '__' ;;
	*) echo "$GVT_SUITE/$1" | tr ' \t' '__' ;;
	esac
}

_gvt_oneline() {
	echo "$*" | tr '\n\t\r' '   '  | sed 's/ *$//'
}

# gvt_plan SUITE COUNT
gvt_plan() {
	GVT_SUITE=$1
	echo "GVT: PLAN $1 $2"
}

# gvt_pass NAME
gvt_pass() {
	echo "GVT: PASS $(_gvt_id "$1")"
}

# gvt_fail NAME [REASON]
gvt_fail() {
	echo "GVT: FAIL $(_gvt_id "$1"): $(_gvt_oneline "${2:-failed}")"
	GVT_FAILED=$((GVT_FAILED + 1))
	return 1
}

# gvt_skip NAME [REASON]
gvt_skip() {
	echo "GVT: SKIP $(_gvt_id "$1"): $(_gvt_oneline "${2:-skipped}")"
}

# gvt_check NAME CMD [ARG...]: PASS if CMD exits 0; otherwise FAIL with its
# status and last output line (its last 10 output lines go to the console as
# "# " comments).  Returns CMD's status.
gvt_check() {
	_gvt_name=$1
	shift
	_gvt_rc=0
	_gvt_out=$("$@" 2>&1) || _gvt_rc=$?
	if [ "$_gvt_rc" -eq 0 ]; then
		gvt_pass "$_gvt_name"
		return 0
	fi
	[ -n "$_gvt_out" ] && echo "$_gvt_out" | tail -n 10 | sed 's/^/# /'
	gvt_fail "$_gvt_name" "'$*' exited $_gvt_rc: $(echo "$_gvt_out" | tail -n 1)"
	return "$_gvt_rc"
}

# gvt_check_not NAME CMD [ARG...]: PASS if CMD fails (non-zero exit).
gvt_check_not() {
	_gvt_name=$1
	shift
	if _gvt_out=$("$@" 2>&1); then
		gvt_fail "$_gvt_name" "'$*' succeeded but should have failed: $(echo "$_gvt_out" | tail -n 1)"
		return 1
	fi
	gvt_pass "$_gvt_name"
}

# gvt_expect_eq NAME EXPECTED ACTUAL
gvt_expect_eq() {
	if [ "$2" = "$3" ]; then
		gvt_pass "$1"
	else
		gvt_fail "$1" "expected '$2', got '$3'"
	fi
}

# gvt_expect_ne NAME UNWANTED ACTUAL
gvt_expect_ne() {
	if [ "$2" != "$3" ]; then
		gvt_pass "$1"
	else
		gvt_fail "$1" "got '$3', which it must not be"
	fi
}

# gvt_expect_match NAME ERE TEXT: PASS if TEXT matches the extended regex.
gvt_expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		gvt_pass "$1"
	else
		gvt_fail "$1" "'$(printf '%s' "$3" | head -c 200)' does not match /$2/"
	fi
}

# gvt_run_tap [-s SUITE] CMD [ARG...]: run a kselftest (TAP) program and turn
# its output into GVT lines (the raw TAP is echoed too).  If the program dies
# before printing a plan, a FAIL is reported for it.
gvt_run_tap() {
	_gvt_s=
	if [ "$1" = -s ]; then
		_gvt_s=$2
		shift 2
	fi
	[ -n "$_gvt_s" ] || _gvt_s=$(basename "$1")
	_gvt_tmp=/tmp/gvt-tap.$$
	_gvt_rc=0
	"$@" >"$_gvt_tmp" 2>&1 || _gvt_rc=$?
	tap2gvt -s "$_gvt_s" <"$_gvt_tmp" | tee "$_gvt_tmp.gvt"
	if ! grep -q '^GVT: PLAN ' "$_gvt_tmp.gvt"; then
		gvt_fail "$_gvt_s/run" "'$*' exited $_gvt_rc without a TAP plan"
	fi
	rm -f "$_gvt_tmp" "$_gvt_tmp.gvt"
	return "$_gvt_rc"
}

# gvt_dmesg_mark: remember the current end of the kernel log;
# gvt_dmesg_since: print what the kernel logged after the mark.
gvt_dmesg_mark() {
	GVT_DMESG_MARK=$(dmesg | wc -l)
}
gvt_dmesg_since() {
	dmesg | tail -n +"$((${GVT_DMESG_MARK:-0} + 1))"
}

# gvt_kunit_module [-s SUITE] MODULE.ko [PARAM...]: insmod a KUnit test module
# (its suites run in module_init) and turn the KTAP it leaves in dmesg into
# GVT lines (one per leaf test case).  The module is removed afterwards.
gvt_kunit_module() {
	_gvt_s=
	if [ "$1" = -s ]; then
		_gvt_s=$2
		shift 2
	fi
	_gvt_ko=$1
	gvt_dmesg_mark
	if ! _gvt_out=$(insmod "$@" 2>&1); then
		gvt_fail "${_gvt_s:-kunit}/insmod" "insmod $_gvt_ko: $_gvt_out"
		return 1
	fi
	if [ -n "$_gvt_s" ]; then
		gvt_dmesg_since | tap2gvt -q -s "$_gvt_s"
	else
		gvt_dmesg_since | tap2gvt -q
	fi
	_gvt_mod=$(basename "$_gvt_ko" .ko)
	rmmod "$_gvt_mod" 2>/dev/null || true
}
