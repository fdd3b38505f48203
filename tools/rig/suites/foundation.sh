#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the Bochs foundation tests (issue 2). Runs as
# /payload/run.sh in the rig initramfs (tools/rig/mkinitramfs.sh); the host
# side is tools/check.d/30-bochs-foundation.sh.
#
# Payload:  /payload/greenvisor.ko, /payload/bin/{cpuid_leaf,vmcall_user,
#           workload,gv_probe,kvm_hold,gv_bench,hello_user} (selftests/greenvisor),
#           /payload/bin/hvctl (optional), /payload/mode (optional).
# Modes:    "full" (default; 2+ CPUs, haswell): everything below;
#           "quick" (/payload/mode says quick; 1 CPU, any model):
#           load, probe, ring-3 ABI, unload;
#           "tests:NAME NAME..." (debugging): those tests, in order.
#
# One test = one "GVT: PASS|FAIL|SKIP foundation/<name>" line, announced by
# "GVT: PLAN foundation <n>"; the kselftests report as their own suites
# (cpuid_leaf/..., vmcall_user/..., workload/...). "GVT-STEP: <uptime>
# <test>" lines time each test in guest seconds.
#
# The only kernel WARNING allowed is KVM's "VMXON faulted" one, and only
# inside the kvm_create_vm_fails test: it is what KVM prints when its VMXON
# beneath greenvisor raises #UD (arch/x86/kvm/vmx/vmx.c, kvm_cpu_vmxon).
set -eu

P=/payload
BIN=$P/bin
KO=$P/greenvisor.ko
MOD=greenvisor
SUITE=foundation
GVT_SH=/lib/gvt/gvt.sh
[ -f "$GVT_SH" ] || GVT_SH=$P/gvt.sh
# shellcheck source=tools/rig/guest/gvt.sh
. "$GVT_SH"

export PATH="$BIN:$PATH"
# The kselftests fail, not skip, if greenvisor is absent.
export GV_REQUIRE_HV=1

MODE=full
[ -f $P/mode ] && MODE=$(cat $P/mode)
NCPUS=$(grep -c '^processor' /proc/cpuinfo)
CYCLES=10
CPU1=/sys/devices/system/cpu/cpu1/online
KVM_WARN_RE='WARNING: CPU: [0-9]+ PID: [0-9]+ at arch/x86/kvm/vmx/vmx\.c:[0-9]+ '
BAD_RE='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG|soft lockup|hard LOCKUP|self-detected stall|unchecked MSR access|double fault'

log() { echo "# $*"; }
step() {
	_line="$(cut -d' ' -f1 /proc/uptime) $*"
	# With its start time: a repeated test is a new step for heartbeat().
	echo "$_line" >/tmp/gvt-step
	echo "GVT-STEP: $_line"
}

# Heartbeat, for hangs: every 20 guest seconds a GVT-ALIVE line; a step
# that takes over 120 s gets one GVT-STUCK report (CPUs, module, the last
# kernel lines: blocked tasks and every CPU's backtrace, sysrq w and l). A hang with heartbeats is a blocked task; a
# hang without them means no CPU runs Linux any more.
heartbeat() {
	_beats=0
	_last=
	while sleep 20; do
		_now=$(cat /tmp/gvt-step 2>/dev/null || :)
		echo "GVT-ALIVE: $(cut -d' ' -f1 /proc/uptime) $_now"
		if [ "$_now" != "$_last" ]; then
			_last=$_now
			_beats=0
			continue
		fi
		_beats=$((_beats + 1))
		[ "$_beats" = 6 ] || continue
		echo w >/proc/sysrq-trigger 2>/dev/null || :
		echo l >/proc/sysrq-trigger 2>/dev/null || :
		sleep 2
		dmesg | tail -n 80 | sed 's/^/GVT-STUCK-DMESG: /'
		echo "GVT-STUCK: $_now for 120 s; online CPUs $(cat /sys/devices/system/cpu/online); loaded: $(grep -c "^$MOD " /proc/modules || :)"
	done
}

# ---------------------------------------------------------------------------
# Helpers. They return non-zero and set REASON on failure.

# Kernel log marks: mark NAME, then since NAME prints what came after it.
mark() { echo "GVT-MARK $1" >/dev/kmsg; }
since() { dmesg | sed -n "/GVT-MARK $1\$/,\$p"; }

# dmesg_clean MARK [ALLOWED_ERE]: no kernel problem line since MARK.
dmesg_clean() {
	_bad=$(since "$1" | grep -E "$BAD_RE" |
		{ if [ -n "${2:-}" ]; then grep -vE "$2"; else cat; fi; } || :)
	[ -z "$_bad" ] && return 0
	echo "$_bad" | head -n 5 | sed 's/^/# dmesg: /'
	REASON="kernel log: $(echo "$_bad" | head -n 1)"
	return 1
}

# probe ARGS...: gv_probe, its output logged; REASON = its first FAIL line.
probe() {
	if _out=$(gv_probe "$@" 2>&1); then
		echo "$_out" | sed 's/^/# /'
		return 0
	fi
	echo "$_out" | sed 's/^/# /'
	REASON=$(echo "$_out" | grep -m 1 FAIL || echo "gv_probe $* failed")
	return 1
}

# probe_n N ARGS...: probe, and the check must have covered N CPUs.
probe_n() {
	_n=$1
	shift
	probe "$@" || return 1
	echo "$_out" | grep -q " on $_n/$_n CPUs" && return 0
	REASON="expected $_n CPUs, got: $(echo "$_out" | tail -n 1)"
	return 1
}

loaded() { grep -q "^$MOD " /proc/modules; }
HELLO=greenvisor_hello
UNREG=/sys/module/$MOD/parameters/hypapp_unregister
hello_loaded() { grep -q "^$HELLO " /proc/modules; }

# /payload/load-args (debugging, GV_FOUNDATION_LOAD_ARGS on the host side):
# extra insmod arguments, e.g. dyndbg=+p.
LOAD_ARGS=
[ -f $P/load-args ] && LOAD_ARGS=$(cat $P/load-args)

load() {
	# shellcheck disable=SC2086 # word splitting wanted
	if _msg=$(insmod $KO $LOAD_ARGS 2>&1); then
		return 0
	fi
	REASON="insmod: $_msg"
	dmesg | grep -i greenvisor | tail -n 3 | sed 's/^/# dmesg: /'
	return 1
}

unload() {
	if _msg=$(rmmod $MOD 2>&1); then
		return 0
	fi
	REASON="rmmod: $_msg"
	return 1
}

cpu1_set() {
	if echo "$1" >$CPU1 2>/dev/null && [ "$(cat $CPU1)" = "$1" ]; then
		return 0
	fi
	REASON="cpu1 online <- $1 failed (online=$(cat $CPU1))"
	return 1
}

# Bring the machine back to "greenvisor unloaded, all CPUs online" after a
# failed test, so that one failure does not cascade.
reset_state() {
	if [ -f $CPU1 ] && [ "$(cat $CPU1)" = 0 ]; then
		echo 1 >$CPU1 2>/dev/null || :
	fi
	if [ -n "${KVM_PID:-}" ]; then
		kill -TERM "$KVM_PID" 2>/dev/null || :
		wait "$KVM_PID" 2>/dev/null || :
		KVM_PID=
	fi
	if hello_loaded; then
		echo hello >$UNREG 2>/dev/null || :
		rmmod $HELLO 2>/dev/null || :
	fi
	if loaded; then
		rmmod $MOD 2>/dev/null || :
	fi
	return 0
}

need_loaded() {
	loaded && return 0
	REASON="greenvisor is not loaded (an earlier step failed)"
	return 1
}

need_cpu1() {
	[ "$NCPUS" -ge 2 ] && [ -f $CPU1 ] && return 0
	REASON="needs a hotpluggable cpu1 ($NCPUS CPUs)"
	return 1
}

# A busybox shell loop: arithmetic, pipes and forks; prints one digest.
shell_work() {
	_i=0
	_s=1
	while [ $_i -lt 3000 ]; do
		_i=$((_i + 1))
		_s=$(((_s * 31 + _i) % 1000003))
	done
	_j=0
	while [ $_j -lt 20 ]; do
		_j=$((_j + 1))
		echo "$_j $_s" | md5sum
	done | md5sum | cut -d' ' -f1
}

# ---------------------------------------------------------------------------
# Tests: t_<name>; return 0 to pass, non-zero with REASON set to fail.

t_pre_cpus() {
	[ "$NCPUS" -ge "$WANT_CPUS" ] && return 0
	REASON="$NCPUS CPU(s) online, the suite needs $WANT_CPUS"
	return 1
}

t_pre_leaf_absent() { probe_n "$NCPUS" -u absent; }

t_pre_vmx_cpuinfo() {
	_v=$(grep '^flags' /proc/cpuinfo | grep -cw vmx || :)
	[ "$_v" = "$NCPUS" ] && return 0
	REASON="vmx in the flags of $_v of $NCPUS CPUs in /proc/cpuinfo"
	return 1
}

# The kselftests can fail: without greenvisor (and GV_REQUIRE_HV=1) every
# case of cpuid_leaf, vmcall_user, genl_perm and genl_fuzz must report
# "not ok".
t_pre_selftests_fail() {
	for _k in cpuid_leaf vmcall_user genl_perm genl_fuzz; do
		if GV_FUZZ_CALLS=2 GV_FUZZ_MSGS=2 "$BIN/$_k" >/tmp/$_k.pre 2>&1; then
			REASON="$_k passed without greenvisor"
			return 1
		fi
		_tot=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' /tmp/$_k.pre)
		_nok=$(grep -c '^not ok' /tmp/$_k.pre || :)
		if [ -z "$_tot" ] || [ "$_nok" != "$_tot" ]; then
			REASON="$_k without greenvisor: $_nok of '$_tot' cases failed"
			return 1
		fi
		log "$_k without greenvisor: $_nok/$_tot cases failed, as they must"
	done
}

t_load_insmod() {
	mark load
	load || return 1
	since load | grep -i greenvisor | sed 's/^/# dmesg: /'
	loaded || { REASON="insmod ok but $MOD not in /proc/modules"; return 1; }
}

t_load_dmesg_clean() { need_loaded && dmesg_clean load; }

t_probe_present() { need_loaded && probe_n "$NCPUS" -n 100 present; }

# ksft NAME: one kselftest binary, its TAP turned into GVT lines.
ksft() {
	need_loaded || return 1
	if gvt_run_tap -s "$1" "$BIN/$1"; then
		return 0
	fi
	REASON="$1 exited non-zero"
	return 1
}

t_ksft_cpuid_leaf() { ksft cpuid_leaf; }
# vmcall_user includes 10,000 random ring-3 calls: what the control plane
# reports (views, lent memory, CPUs) must be the same afterwards.
t_ksft_vmcall_user() {
	_before=$(hv_state) || return 1
	ksft vmcall_user || return 1
	_after=$(hv_state) || return 1
	[ "$_before" = "$_after" ] && return 0
	REASON="state changed by the ring-3 calls: $_before -> $_after"
	return 1
}

# hv_state: the state vmcalls must not change, as hvctl reports it
# (greenvisor's own view; exit counters excluded, they count the calls).
hv_state() {
	if have_hvctl; then
		echo "ept: $(hvctl -j ept show) mem: $(hvctl -j mem show)"
	else
		echo "no hvctl"
	fi
}

# vmcall_fuzz_kernel: 10,000 random ring-0 vmcalls over every CPU
# (selftests/greenvisor/kmod/gv_fuzz_test.c): documented answers only,
# views, canary, lent memory and every CPU unchanged.
t_vmcall_fuzz_kernel() {
	need_loaded || return 1
	_before=$(hv_state) || return 1
	kmod_tap gv_fuzz_test || return 1
	kmod_suite gv_fuzz_test fuzz 8 || return 1
	_after=$(hv_state) || return 1
	[ "$_before" = "$_after" ] && return 0
	REASON="hvctl state changed: $_before -> $_after"
	return 1
}
t_ksft_workload() { ksft workload; }
# genl_perm: every netlink operation refused with EPERM for uid 65534.
t_ksft_genl_perm() { ksft genl_perm; }
# genl_policy: the family's strict policies, extack messages, header
# checks, dump resumption, the EPT walk, bad input for every command
# (nothing lent or returned by it) and CAP_NET_ADMIN
# (userspace-tool/tests/genl-policy-test.c, libnl).
t_ksft_genl_policy() {
	need_loaded || return 1
	gvt_run_tap -s genl_policy "$BIN/genl-policy-test" && return 0
	REASON="genl-policy-test exited non-zero"
	return 1
}

# genl_fuzz: 10,000 random netlink messages, each answered with a
# documented errno; status, EPT view and lent memory unchanged after.
t_ksft_genl_fuzz() {
	_before=$(hv_state) || return 1
	ksft genl_fuzz || return 1
	_after=$(hv_state) || return 1
	[ "$_before" = "$_after" ] && return 0
	REASON="state changed by the messages: $_before -> $_after"
	return 1
}

t_shell_loop() {
	need_loaded || return 1
	_got=$(shell_work)
	[ "$_got" = "$SHELL_REF" ] && return 0
	REASON="digest $_got under greenvisor, $SHELL_REF before loading"
	return 1
}

t_hvctl_status() {
	need_loaded || return 1
	if ! _out=$(hvctl status 2>&1); then
		REASON="hvctl status failed: $(echo "$_out" | tail -n 1)"
		return 1
	fi
	echo "$_out" | sed 's/^/# /'
	if ! _out=$(hvctl -j status 2>&1); then
		REASON="hvctl -j status failed: $(echo "$_out" | tail -n 1)"
		return 1
	fi
	echo "# $_out"
	_on=$(json_num cpus_online "$_out")
	_virt=$(json_num cpus_virtualized "$_out")
	if [ "$_on" != "$NCPUS" ] || [ "$_virt" != "$NCPUS" ]; then
		REASON="hvctl: $_virt of $_on online CPUs virtualized, $NCPUS expected"
		return 1
	fi
}

# hvctl_check: before loading, "hvctl check" passes VMX (present, firmware
# enabled, EPT and VPID), warns about the missing DMAR table, exits 0.
t_hvctl_check() {
	_rc=0
	_out=$(hvctl -j check 2>&1) || _rc=$?
	hvctl check | sed 's/^/# /'
	[ "$_rc" = 0 ] || { REASON="hvctl check exited $_rc: $_out"; return 1; }
	for _want in '"name":"greenvisor","status":"pass","detail":"not loaded"' \
		'"name":"vmx","status":"pass","detail":"present' \
		'"name":"vmx-caps","status":"pass"' \
		'"name":"dmar","status":"warn"' '"ok":true}'; do
		echo "$_out" | grep -qF "$_want" ||
			{ REASON="no $_want in $_out"; return 1; }
	done
}

# hvctl_check_loaded: while loaded, "hvctl check" reports greenvisor loaded
# and VMX hidden by it (expected, no FAIL), exits 0.
t_hvctl_check_loaded() {
	need_loaded || return 1
	_rc=0
	_out=$(hvctl -j check 2>&1) || _rc=$?
	hvctl check | sed 's/^/# /'
	[ "$_rc" = 0 ] || { REASON="hvctl check exited $_rc: $_out"; return 1; }
	for _want in '"name":"greenvisor","status":"pass","detail":"loaded' \
		'"name":"vmx","status":"pass","detail":"hidden by greenvisor' \
		'"ok":true}'; do
		echo "$_out" | grep -qF "$_want" ||
			{ REASON="no $_want in $_out"; return 1; }
	done
}

# After 500 CPUID(0x40000000) on each CPU, hvctl counts them (reason 10).
t_hvctl_stats_cpuid() {
	need_loaded || return 1
	_before=$(hvctl -j stats 2>&1) ||
		{ REASON="hvctl -j stats: $_before"; return 1; }
	gv_probe -n 500 show >/dev/null
	_after=$(hvctl -j stats 2>&1) ||
		{ REASON="hvctl -j stats: $_after"; return 1; }
	hvctl stats | sed 's/^/# /'
	_cpu=0
	while [ $_cpu -lt "$NCPUS" ]; do
		_b=$(echo "$_before" | hvctl_exits "$_cpu" 10)
		_a=$(echo "$_after" | hvctl_exits "$_cpu" 10)
		log "cpu$_cpu: CPUID exits $_b -> $_a"
		if [ -z "$_a" ] || [ $((_a - ${_b:-0})) -lt 500 ]; then
			REASON="cpu$_cpu: CPUID exit count '${_b}' -> '${_a}' after 500+ CPUIDs"
			return 1
		fi
		_cpu=$((_cpu + 1))
	done
}

# kmod_tap NAME ARGS...: load the test module $P/NAME.ko with ARGS, unload
# it, and leave the TAP it logged in /tmp/NAME.tap.
kmod_tap() {
	_name=$1
	shift
	gvt_dmesg_mark
	if ! _out=$(insmod "$P/$_name.ko" "$@" 2>&1); then
		REASON="insmod $_name.ko: $_out"
		return 1
	fi
	rmmod "$_name"
	gvt_dmesg_since | sed 's/^\[[^]]*\] //' >"/tmp/$_name.tap"
}

# hvctl_mem: the control plane's lend: hvctl mem lend allocates and lends,
# the green view counts it, mem show lists it, mem return gives it back;
# a second return and bad sizes fail with the right exit codes.
t_hvctl_mem() {
	need_loaded || return 1
	_j=$(hvctl -j mem lend 64K) || { REASON="mem lend 64K failed"; return 1; }
	_id=$(echo "$_j" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p')
	[ -n "$_id" ] || { REASON="no id in: $_j"; return 1; }
	echo "$_j" | grep -q '"size":65536' || { REASON="wrong size in: $_j"; return 1; }
	hvctl -j ept show | grep -q '"green_pages_lent":16' ||
		{ REASON="ept show: $(hvctl -j ept show)"; return 1; }
	hvctl -j mem show | grep -q "\"id\":$_id" ||
		{ REASON="mem show: $(hvctl -j mem show)"; return 1; }
	hvctl mem return "$_id" || { REASON="mem return $_id failed"; return 1; }
	hvctl -j ept show | grep -q '"green_pages_lent":0' ||
		{ REASON="after return: $(hvctl -j ept show)"; return 1; }
	_rc=0
	_e=$(hvctl mem return "$_id" 2>&1) || _rc=$?
	[ $_rc = 2 ] && echo "$_e" | grep -q 'no lent memory with that id' ||
		{ REASON="second return: rc $_rc, '$_e'"; return 1; }
	_rc=0
	hvctl mem lend 4097 2>/dev/null || _rc=$?
	[ $_rc = 1 ] || { REASON="mem lend 4097: rc $_rc (want 1)"; return 1; }
	[ "$(hvctl mem show | tail -n 1)" = "0 set(s), 0 MiB lent to the green partition" ] ||
		{ REASON="mem show: $(hvctl mem show | tail -n 1)"; return 1; }
}

# protect_module: the EPT protection test module (selftests/greenvisor/kmod),
# whose TAP in the kernel log becomes the "protect" suite's results.
protect_tap() {
	kmod_tap gv_protect_test "$@" || return 1
	cp /tmp/gv_protect_test.tap /tmp/protect.tap
}

# kmod_suite NAME SUITE N: NAME.tap holds an N-case plan and no failure;
# its cases become the results of SUITE.
kmod_suite() {
	tap2gvt -q -s "$2" <"/tmp/$1.tap" | tee "/tmp/$1.gvt"
	grep -q "^GVT: PLAN $2 $3\$" "/tmp/$1.gvt" ||
		{ REASON="$1 printed no $3-case plan"; return 1; }
	! grep -q '^GVT: FAIL' "/tmp/$1.gvt" ||
		{ REASON="a $2 case failed"; return 1; }
}

# green_module: lend/return, every refusal, continuation, the NMI
# shootdown to a CPU spinning with interrupts off, EPT sync and quiesce
# (selftests/greenvisor/kmod/gv_green_test.c): the "green" suite.
t_green_module() {
	need_loaded || return 1
	kmod_tap gv_green_test \
		root_text="$(cat /sys/module/$MOD/sections/.gv_root_text)" ||
		return 1
	kmod_suite gv_green_test green 24
}

t_protect_module() {
	need_loaded || return 1
	_s=/sys/module/$MOD/sections
	protect_tap root_text="$(cat $_s/.gv_root_text)" \
		root_rodata="$(cat $_s/.gv_root_rodata)" \
		linux_text="$(cat $_s/.text)" || return 1
	kmod_suite protect protect 12
}

# blocked_writes: the protect module's reads and writes of hypervisor
# memory (the pool's canary, root text, root rodata), each blocked by the EPT.
blocked_writes() {
	_s=/sys/module/$MOD/sections
	protect_tap root_text="$(cat $_s/.gv_root_text)" \
		root_rodata="$(cat $_s/.gv_root_rodata)" \
		linux_text="$(cat $_s/.text)"
}

# hvctl_events: a blocked access (the protect module's first: its read of
# the pool's canary) reaches `hvctl events` (the netlink "events" group) as
# an ept_violation with its access bits and the GPA the root log names;
# `hvctl events stats` counts it delivered.
t_hvctl_events() {
	need_loaded || return 1
	mark events
	hvctl -j events --count 1 --timeout 60 >/tmp/events.json 2>/tmp/events.err &
	_pid=$!
	sleep 2
	blocked_writes || { kill $_pid 2>/dev/null; return 1; }
	wait $_pid || { REASON="hvctl events exited $?: $(cat /tmp/events.err)"; return 1; }
	_j=$(cat /tmp/events.json)
	echo "# $_j"
	echo "$_j" | grep -q '"type":"ept_violation"' ||
		{ REASON="not an ept_violation: $_j"; return 1; }
	_gpa=$(echo "$_j" | sed -n 's/.*"gpa":\([0-9]*\).*/\1/p')
	_q=$(echo "$_j" | sed -n 's/.*"qualification":\([0-9]*\).*/\1/p')
	[ -n "$_gpa" ] && [ $((_q & 7)) -ne 0 ] ||
		{ REASON="no gpa or no access bit in: $_j"; return 1; }
	sleep 2	# the root log is drained every second
	since events | grep -q "EPT violation gpa=$(printf %x "$_gpa") " ||
		{ REASON="gpa $(printf %x "$_gpa") is not in the root log"; return 1; }
	_st=$(hvctl -j events stats) || { REASON="events stats failed"; return 1; }
	_d=$(echo "$_st" | sed -n 's/.*"delivered":\([0-9]*\).*/\1/p')
	[ "${_d:-0}" -ge 1 ] || { REASON="events stats: $_st"; return 1; }
}

# trace_gv_event: the same events as the tracepoint greenvisor:gv_event.
have_tracefs() {
	[ -d /sys/kernel/tracing/events ] ||
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	[ -d /sys/kernel/tracing/events ]
}
t_trace_gv_event() {
	need_loaded || return 1
	_t=/sys/kernel/tracing
	[ -d $_t/events/greenvisor/gv_event ] ||
		{ REASON="no greenvisor:gv_event tracepoint"; return 1; }
	echo >$_t/trace
	echo 1 >$_t/events/greenvisor/gv_event/enable
	blocked_writes
	sleep 2
	echo 0 >$_t/events/greenvisor/gv_event/enable
	grep -q 'gv_event: type=ept_violation ' $_t/trace && return 0
	REASON="no ept_violation in the trace: $(grep -c gv_event $_t/trace) gv_event lines"
	return 1
}

# mt_is PA TYPE: the rich EPT view maps PA with memory type TYPE.
mt_is() {
	protect_tap check_pa="$1" check_mt="$2" || return 1
	grep -q "^ok 1 ept_type_$2_at_" /tmp/protect.tap && return 0
	REASON="EPT type at $1 is not $2: $(grep 'ok 1' /tmp/protect.tap)"
	return 1
}

# protect_mtrr: a UC MTRR over RAM (Linux writes it on every CPU) re-types
# the EPT view, and removing it brings WB back.
t_protect_mtrr() {
	need_loaded || return 1
	echo "base=0x10000000 size=0x100000 type=uncachable" >/proc/mtrr ||
		{ REASON="cannot add an MTRR through /proc/mtrr"; return 1; }
	_reg=$(sed -n 's/^reg0*\([0-9][0-9]*\): base=0x010000000 .*uncachable.*/\1/p' /proc/mtrr)
	sed 's/^/# /' /proc/mtrr
	_ok=0
	mt_is 0x10080000 0 && mt_is 0x10100000 6 && _ok=1
	echo "disable=$_reg" >/proc/mtrr
	[ $_ok = 1 ] && mt_is 0x10080000 6
}

# green_unload_scrubs: a page left lent blocks CPU offline (a CPU outside
# VMX could read it), shows in hvctl, and is returned zeroed by rmmod.
t_green_unload_scrubs() {
	need_loaded || return 1
	mark green_unload
	kmod_tap gv_green_test leave_lent=1 || return 1
	kmod_suite gv_green_test green_left 1 || return 1
	_pa=$(sed -n 's/^# GREEN-LEFT pa=//p' /tmp/gv_green_test.tap)
	[ -n "$_pa" ] || { REASON="no GREEN-LEFT line"; return 1; }
	if [ "$NCPUS" -ge 2 ] && echo 0 >$CPU1 2>/dev/null; then
		echo 1 >$CPU1
		REASON="cpu1 went offline while a page was lent"
		return 1
	fi
	if [ "$NCPUS" -ge 2 ] && ! since green_unload | grep -q 'cannot go offline while memory is lent'; then
		REASON="no 'cannot go offline' line for the refused offline"
		return 1
	fi
	if have_hvctl && ! hvctl -j ept show | grep -q '"green_pages_lent":1'; then
		REASON="hvctl ept show does not count the lent page: $(hvctl -j ept show)"
		return 1
	fi
	unload || return 1
	since green_unload | grep -q "returning $_pa+0x1000 from the green partition (scrubbed)" ||
		{ REASON="rmmod did not report returning $_pa"; return 1; }
	kmod_tap gv_green_test check_zero_pa="$_pa" || return 1
	kmod_suite gv_green_test green_unload 1 || return 1
	load
}

# hypapp_hello_load: the hello hypapp registers when its module loads.
t_hypapp_hello_load() {
	need_loaded || return 1
	mark hello_load
	_out=$(insmod $P/greenvisor-hello.ko 2>&1) ||
		{ REASON="insmod greenvisor-hello.ko: $_out"; return 1; }
	since hello_load | grep -q 'greenvisor: hypapp hello registered: id ' ||
		{ REASON="no 'hypapp hello registered' line"; return 1; }
}

need_hello() {
	hello_loaded && return 0
	REASON="greenvisor-hello is not loaded (an earlier step failed)"
	return 1
}

# hypapp_module: hello's calls and CPUID leaf on every CPU, its text R+X,
# conflicting and malformed registrations refused with nothing changed, a
# second hypapp registered and unregistered
# (selftests/greenvisor/kmod/gv_hypapp_test.c): the "hypapp" suite.
t_hypapp_module() {
	need_hello || return 1
	kmod_tap gv_hypapp_test \
		hello_text="$(cat /sys/module/$HELLO/sections/.gv_root_text)" ||
		return 1
	kmod_suite gv_hypapp_test hypapp $((30 + 2 * NCPUS))
}

# jnum KEY JSON: the number KEY has in a one-line JSON object.
jnum() { echo "$2" | sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"; }

# hvctl_top: `hvctl top` (not a terminal: plain blocks) prints per-CPU
# rates with a header per interval; -j one object per interval whose
# rates include this CPUID loop's "CPUID" exits.
t_hvctl_top() {
	need_loaded || return 1
	_t=$(hvctl top -d 1 -n 2) || { REASON="hvctl top failed"; return 1; }
	[ "$(echo "$_t" | grep -c '^REASON')" = 2 ] ||
		{ REASON="not two intervals: $_t"; return 1; }
	( while :; do gv_probe -n 2000 show >/dev/null 2>&1 || break; done ) &
	_p=$!
	_j=$(hvctl -j top -d 1 -n 1) || { kill $_p; REASON="hvctl -j top failed"; return 1; }
	kill $_p 2>/dev/null; wait $_p 2>/dev/null
	echo "# $_j"
	echo "$_j" | grep -q '^{"interval_ms":[0-9]*,"cpus":\[{"cpu":0,"virtualized":true,"rates":{' ||
		{ REASON="unexpected JSON: $_j"; return 1; }
	echo "$_j" | grep -q '"CPUID":[1-9]' ||
		{ REASON="no cpuid rate during a CPUID loop: $_j"; return 1; }
}

# hvctl_mem_map: the map shows the hypervisor's pool, and after a 64 KiB
# lend exactly 64 KiB of green memory (in the picture too); none after the
# return.
t_hvctl_mem_map() {
	need_loaded || return 1
	_j=$(hvctl -j mem map) || { REASON="mem map failed"; return 1; }
	[ "$(jnum hypervisor "$_j")" -gt 0 ] && [ "$(jnum green "$_j")" = 0 ] &&
		[ "$(jnum rich "$_j")" -gt 0 ] || { REASON="before: $_j"; return 1; }
	hvctl mem map | grep -q '^[0-9a-f]\{16\} .*H' ||
		{ REASON="no H in the picture"; return 1; }
	_l=$(hvctl -j mem lend 64K) || { REASON="mem lend 64K failed"; return 1; }
	_id=$(jnum id "$_l")
	_j=$(hvctl -j mem map)
	_pic=$(hvctl mem map --scale 4K)
	hvctl mem return "$_id" || { REASON="mem return $_id failed"; return 1; }
	[ "$(jnum green "$_j")" = 65536 ] || { REASON="green after the lend: $_j"; return 1; }
	echo "$_pic" | grep -q '^[0-9a-f]\{16\} .*G' ||
		{ REASON="no G in the picture at 4K"; return 1; }
	[ "$(jnum green "$(hvctl -j mem map)")" = 0 ] ||
		{ REASON="green memory left after the return"; return 1; }
}

# hvctl_json_human: the human output says what -j says (status, ept show).
t_hvctl_json_human() {
	need_loaded || return 1
	_j=$(hvctl -j status) && _h=$(hvctl status) || { REASON="status failed"; return 1; }
	echo "$_h" | grep -q "^CPUs: *$(jnum cpus_possible "$_j") possible, $(jnum cpus_online "$_j") online, $(jnum cpus_virtualized "$_j") virtualized$" ||
		{ REASON="status: '$_h' vs $_j"; return 1; }
	_j=$(hvctl -j ept show) && _h=$(hvctl ept show) || { REASON="ept show failed"; return 1; }
	for _k in "table pages:table_pages" "1 GiB leaves:leaves_1g" "2 MiB leaves:leaves_2m" \
		"4 KiB leaves:leaves_4k" "leaves total:leaves_total"; do
		echo "$_h" | grep -q "^  ${_k%%:*} *$(jnum "${_k#*:}" "$_j")$" ||
			{ REASON="ept show ${_k%%:*}: '$_h' vs $_j"; return 1; }
	done
}

# hvctl_hypapp_list: `hvctl hypapp list` shows hello with its module, its
# numbers (0x1000, 8 calls), its CPUID leaf and its callbacks.
t_hvctl_hypapp_list() {
	need_hello || return 1
	_j=$(hvctl -j hypapp list) || { REASON="hypapp list failed"; return 1; }
	echo "# $_j"
	echo "$_j" | grep -q '"name":"hello","module":"greenvisor_hello","hc_base":4096,"hc_count":8,"cpuid_base":1073742080,"cpuid_count":1,' ||
		{ REASON="hello not listed as expected: $_j"; return 1; }
	echo "$_j" | grep -q '"events":\["init","hypercall","ept","cpuid","nmi","shutdown"\]' ||
		{ REASON="hello's callbacks not listed: $_j"; return 1; }
	hvctl hypapp list | grep -q '^[0-9]* *hello *0x1000-0x1007 *0x40000100-0x40000100 ' ||
		{ REASON="table: $(hvctl hypapp list | tail -n 1)"; return 1; }
}

# hvctl_hypapp_none: with hello gone, the list is empty.
t_hvctl_hypapp_none() {
	need_loaded || return 1
	[ "$(hvctl -j hypapp list)" = "[]" ] ||
		{ REASON="-j: $(hvctl -j hypapp list)"; return 1; }
	hvctl hypapp list | grep -q '^no hypapps registered$' ||
		{ REASON="table: $(hvctl hypapp list)"; return 1; }
}

# hypapp_events: hello posts an event for each write GUARD traps
# (gv_hypapp_event_post()); `hvctl events` shows it with hello's id as the
# source and hello's code.
t_hypapp_events() {
	need_hello || return 1
	have_hvctl || { REASON="no hvctl in the payload"; return 1; }
	hvctl -j events --timeout 20 >/tmp/hev.json 2>/tmp/hev.err &
	_pid=$!
	sleep 2
	kmod_tap gv_hypapp_test \
		hello_text="$(cat /sys/module/$HELLO/sections/.gv_root_text)" ||
		{ kill $_pid 2>/dev/null; return 1; }
	wait $_pid || { REASON="hvctl events exited $?: $(cat /tmp/hev.err)"; return 1; }
	grep '"type":"hypapp"' /tmp/hev.json | grep '"hypapp":[1-9]' |
		grep -q '"code":1,' && return 0
	REASON="no hello guard event among $(wc -l </tmp/hev.json) events"
	return 1
}

# hypapp_hello_user: hello's calls from ring 3 (it allows them) on every
# CPU: echo and count (selftests/greenvisor/hello_user.c).
t_hypapp_hello_user() {
	need_hello || return 1
	_out=$(hello_user 2>&1) && { echo "$_out" | sed 's/^/# /'; return 0; }
	echo "$_out" | sed 's/^/# /'
	REASON=$(echo "$_out" | grep -m 1 FAIL)
	return 1
}

# hypapp_fuzz: both vmcall fuzzers again with hello loaded, so that its
# calls get random numbers and arguments (ring 3: vmcall_user; ring 0:
# gv_fuzz_test, GUARD only on the fuzzer's own pages): documented answers
# only, the control plane's state unchanged, hello still answering on every
# CPU afterwards.
t_hypapp_fuzz() {
	need_hello || return 1
	_before=$(hv_state) || return 1
	gvt_run_tap -s hypapp_fuzz_user "$BIN/vmcall_user" ||
		{ REASON="vmcall_user with hello loaded exited non-zero"; return 1; }
	kmod_tap gv_fuzz_test || return 1
	kmod_suite gv_fuzz_test hypapp_fuzz_kernel 8 || return 1
	_after=$(hv_state) || return 1
	[ "$_before" = "$_after" ] ||
		{ REASON="state changed by the fuzzers: $_before -> $_after"; return 1; }
	_out=$(hello_user 2>&1) ||
		{ REASON="hello after fuzzing: $(echo "$_out" | grep -m 1 FAIL)"; return 1; }
}

# hypapp_unload_refused: a registered hypapp's module cannot be removed,
# nor greenvisor while a hypapp module is loaded; both keep working.
t_hypapp_unload_refused() {
	need_hello || return 1
	if rmmod $HELLO 2>/dev/null; then
		REASON="rmmod $HELLO went through while it was registered"
		return 1
	fi
	need_hello || return 1
	if rmmod $MOD 2>/dev/null; then
		REASON="rmmod $MOD went through with $HELLO loaded"
		return 1
	fi
	need_loaded || return 1
	kmod_tap gv_hypapp_test quick=1 || return 1
	kmod_suite gv_hypapp_test hypapp_after_refusals "$NCPUS" >/dev/null
}

# hypapp_unregister_unknown: unregistering a name nobody registered fails
# with a message.
t_hypapp_unregister_unknown() {
	need_loaded || return 1
	mark unreg_unknown
	if echo nosuch >$UNREG 2>/dev/null; then
		REASON="unregistering 'nosuch' succeeded"
		return 1
	fi
	since unreg_unknown | grep -q "no registered hypapp 'nosuch'" ||
		{ REASON="no 'no registered hypapp' line"; return 1; }
}

# hello_unregister_rmmod: the documented way out; shutdown ran (root log).
hello_unregister_rmmod() {
	echo hello >$UNREG || { REASON="echo hello > hypapp_unregister failed"; return 1; }
	_msg=$(rmmod $HELLO 2>&1) || { REASON="rmmod $HELLO after unregistering: $_msg"; return 1; }
}

# hypapp_hello_cycles: 5 x (unregister, rmmod, insmod, echo on every CPU).
t_hypapp_hello_cycles() {
	need_hello || return 1
	_i=0
	while [ $_i -lt 5 ]; do
		hello_unregister_rmmod || { REASON="cycle $_i: $REASON"; return 1; }
		_out=$(insmod $P/greenvisor-hello.ko 2>&1) ||
			{ REASON="cycle $_i: insmod: $_out"; return 1; }
		kmod_tap gv_hypapp_test quick=1 || return 1
		kmod_suite gv_hypapp_test "hypapp_cycle$_i" "$NCPUS" >/dev/null ||
			{ REASON="cycle $_i: $REASON"; return 1; }
		_i=$((_i + 1))
	done
}

# hypapp_hello_unload: unregister (its shutdown callback runs, in the root
# log), rmmod; greenvisor stays loaded and can then be unloaded.
t_hypapp_hello_unload() {
	need_hello || return 1
	mark hello_unload
	hello_unregister_rmmod || return 1
	! hello_loaded || { REASON="$HELLO still loaded"; return 1; }
	_out=$(hello_user absent 2>&1) ||
		{ REASON="after unregistering: $(echo "$_out" | grep -m 1 FAIL)"; return 1; }
	since hello_unload | grep -q 'greenvisor: hypapp hello (id [0-9]*) unregistered' ||
		{ REASON="no 'hypapp hello unregistered' line"; return 1; }
	sleep 2
	since hello_unload | grep -q 'greenvisor: root: hello: shutdown on cpu' ||
		{ REASON="no root log line of hello's shutdown callback"; return 1; }
	need_loaded
}

# suspend_refused: suspend would lose VMX state; greenvisor refuses it.
t_suspend_refused() {
	need_loaded || return 1
	mark suspend
	if echo freeze >/sys/power/state 2>/dev/null; then
		REASON="suspend to idle went through with greenvisor loaded"
		return 1
	fi
	since suspend | grep -q 'greenvisor: refusing suspend' && return 0
	REASON="no 'refusing suspend' line in the kernel log"
	return 1
}

# nmi_backtrace: NMIs (sent by Linux to every CPU) reach the guest.
t_nmi_backtrace() {
	need_loaded || return 1
	mark nmi
	echo l >/proc/sysrq-trigger
	sleep 1
	_cpu=0
	while [ $_cpu -lt "$NCPUS" ]; do
		since nmi | grep -qE "NMI backtrace for cpu $_cpu|CPU: $_cpu PID" ||
			{ REASON="no backtrace from cpu $_cpu"; return 1; }
		_cpu=$((_cpu + 1))
	done
}

t_unload_rmmod() {
	need_loaded || return 1
	mark unload
	unload || return 1
	! loaded || { REASON="rmmod ok but $MOD still listed"; return 1; }
	dmesg_clean unload
}

t_unload_restored() { probe_n "$NCPUS" -u absent; }

t_load_unload_cycles() {
	mark cycles
	_c=1
	while [ $_c -le $CYCLES ]; do
		echo "GVT-CYCLE $_c" >/dev/kmsg
		load || { REASON="cycle $_c: $REASON"; return 1; }
		probe_n "$NCPUS" present >/dev/null ||
			{ REASON="cycle $_c loaded: $REASON"; return 1; }
		unload || { REASON="cycle $_c: $REASON"; return 1; }
		probe_n "$NCPUS" -u absent >/dev/null ||
			{ REASON="cycle $_c unloaded: $REASON"; return 1; }
		_c=$((_c + 1))
	done
	log "$CYCLES load/unload cycles, leaf checked on $NCPUS CPUs each time"
	dmesg_clean cycles
}

# Offline cpu1 while loaded, work on cpu0, bring cpu1 back (cpuhp launch).
t_hotplug_loaded() {
	need_cpu1 || return 1
	mark hotplug
	load || return 1
	cpu1_set 0 || return 1
	probe_n 1 present || { REASON="cpu1 offline: $REASON"; return 1; }
	if gv_probe -c 1 show >/dev/null 2>&1; then
		REASON="a probe still runs on offline cpu1"
		return 1
	fi
	if ! GV_FUZZ_CALLS=200 vmcall_user >/tmp/hotplug.tap 2>&1; then
		grep -E '^not ok|^# .*(Expected|FAIL)' /tmp/hotplug.tap | head -n 5 | sed 's/^/# /'
		REASON="vmcall_user failed with cpu1 offline"
		return 1
	fi
	cpu1_set 1 || return 1
	probe_n "$NCPUS" present || { REASON="cpu1 back online: $REASON"; return 1; }
	probe -c 1 present || { REASON="cpu1 relaunched: $REASON"; return 1; }
	unload || return 1
	probe_n "$NCPUS" -u absent || { REASON="after rmmod: $REASON"; return 1; }
	dmesg_clean hotplug
}

# Unload while cpu1 is offline: it must come back native.
t_hotplug_unload_offline() {
	need_cpu1 || return 1
	mark hotplug2
	load || return 1
	cpu1_set 0 || return 1
	unload || return 1
	cpu1_set 1 || return 1
	probe_n "$NCPUS" -u absent || return 1
	dmesg_clean hotplug2
}

# Load while cpu1 is offline: it is launched when it comes online.
t_hotplug_load_offline() {
	need_cpu1 || return 1
	mark hotplug3
	cpu1_set 0 || return 1
	load || return 1
	probe_n 1 present || return 1
	cpu1_set 1 || return 1
	probe_n "$NCPUS" present || { REASON="cpu1 online after load: $REASON"; return 1; }
	unload || return 1
	probe_n "$NCPUS" -u absent || return 1
	dmesg_clean hotplug3
}

t_hotplug_unloaded() {
	need_cpu1 || return 1
	mark hotplug4
	cpu1_set 0 || return 1
	probe_n 1 -u absent || return 1
	cpu1_set 1 || return 1
	probe_n "$NCPUS" -u absent || return 1
	dmesg_clean hotplug4
}

t_kvm_modprobe() {
	if ! _msg=$(modprobe kvm_intel 2>&1); then
		REASON="modprobe kvm_intel: $_msg"
		return 1
	fi
	[ -c /dev/kvm ] || { REASON="no /dev/kvm after modprobe kvm_intel"; return 1; }
}

# wait_file FILE TRIES: poll for FILE every 0.1 s (guest time).
wait_file() {
	_n=0
	while [ ! -e "$1" ]; do
		_n=$((_n + 1))
		[ $_n -gt "$2" ] && return 1
		sleep 0.1
	done
}

# While a KVM VM exists (kvm_intel has VMXON done), loading must fail with
# EBUSY and change nothing.
t_kvm_busy_load() {
	[ -c /dev/kvm ] || { REASON="no /dev/kvm"; return 1; }
	rm -f /tmp/kvm.ready
	kvm_hold hold /tmp/kvm.ready >/tmp/kvm_hold.log 2>&1 &
	KVM_PID=$!
	if ! wait_file /tmp/kvm.ready 300; then
		REASON="kvm_hold did not create a VM: $(tail -n 1 /tmp/kvm_hold.log)"
		return 1
	fi
	mark kvmbusy
	if _msg=$(insmod $KO 2>&1); then
		REASON="insmod succeeded while a KVM VM exists"
		return 1
	fi
	log "insmod: $_msg"
	since kvmbusy | grep -i greenvisor | sed 's/^/# dmesg: /'
	case $_msg in
	*"Device or resource busy"*) ;;
	*)
		REASON="insmod failed, but not with EBUSY: $_msg"
		return 1
		;;
	esac
	if ! since kvmbusy | grep -i greenvisor | grep -qiE 'busy|in use|VMXE|another'; then
		REASON="no greenvisor dmesg line explaining the EBUSY"
		return 1
	fi
	! loaded || { REASON="module listed after the failed insmod"; return 1; }
	# VMX is on (KVM's): no #UD check, only leaf absent and VMX visible.
	probe_n "$NCPUS" absent || return 1
	dmesg_clean kvmbusy
}

t_kvm_release_load() {
	[ -n "${KVM_PID:-}" ] || { REASON="no kvm_hold running"; return 1; }
	kill -TERM "$KVM_PID"
	_rc=0
	wait "$KVM_PID" || _rc=$?
	KVM_PID=
	sed 's/^/# /' /tmp/kvm_hold.log
	[ $_rc = 0 ] || { REASON="kvm_hold exited $_rc"; return 1; }
	mark kvmload
	load || return 1
	probe_n "$NCPUS" present || return 1
	dmesg_clean kvmload
}

# With greenvisor loaded, KVM_CREATE_VM fails cleanly: KVM says so, the
# VMXON #UD gives KVM's one WARN, nothing else goes wrong.
t_kvm_create_vm_fails() {
	need_loaded || return 1
	mark kvmfail
	_rc=0
	_out=$(kvm_hold try 2>&1) || _rc=$?
	log "$_out"
	since kvmfail | grep -iE 'kvm|vmx|greenvisor' | sed 's/^/# dmesg: /'
	if [ $_rc = 0 ]; then
		REASON="KVM_CREATE_VM succeeded beneath greenvisor"
		return 1
	fi
	[ $_rc = 1 ] || { REASON="kvm_hold try: $_out"; return 1; }
	if ! since kvmfail | grep -q 'enabling virtualization on CPU.* failed'; then
		REASON="KVM did not report the failure in dmesg"
		return 1
	fi
	probe_n "$NCPUS" present || { REASON="after KVM's attempt: $REASON"; return 1; }
	dmesg_clean kvmfail "$KVM_WARN_RE" || return 1
	mark kvmfail-end
}

t_kvm_unload_works() {
	need_loaded || return 1
	mark kvmunload
	unload || return 1
	probe_n "$NCPUS" -u absent || return 1
	_rc=0
	_out=$(kvm_hold try 2>&1) || _rc=$?
	log "$_out"
	[ $_rc = 0 ] || { REASON="KVM_CREATE_VM after rmmod: $_out"; return 1; }
	dmesg_clean kvmunload
}

t_final_unloaded() {
	! loaded || { REASON="$MOD still loaded"; return 1; }
	probe_n "$NCPUS" -u absent
}

# The whole run: no problem line except KVM's WARN inside kvm_create_vm_fails.
t_final_dmesg_clean() {
	_bad=$(dmesg | awk -v bad="$BAD_RE" -v ok="$KVM_WARN_RE" '
		/GVT-MARK start$/ { on = 1 }
		/GVT-MARK kvmfail$/ { kvm = 1 }
		/GVT-MARK kvmfail-end$/ { kvm = 0 }
		on && $0 ~ bad && !(kvm && $0 ~ ok) { print }')
	[ -z "$_bad" ] && return 0
	REASON="kernel log: $(echo "$_bad" | head -n 1)"
	return 1
}

# ---------------------------------------------------------------------------
# hvctl output parsing (hvctl is optional in the payload).

# json_num KEY JSON: the number after "KEY": in compact JSON.
json_num() {
	echo "$2" | sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p" | head -n 1
}

# hvctl_exits CPU REASON < `hvctl -j stats`: one CPU's count of one reason.
hvctl_exits() {
	tr -d ' \n\t' | sed 's/{/\n{/g' | awk -v cpu="$1" -v why="$2" '
		function num(k) {
			if (!match($0, "\"" k "\":[0-9]+")) return -1
			return substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0
		}
		/^[{]"cpu":/ { cur = num("cpu"); next }
		cur == cpu && num("reason") == why { print num("count"); exit }'
}

# ---------------------------------------------------------------------------

# run NAME: one test, one result line.
run() {
	REASON=
	step "$1"
	if "t_$1"; then
		gvt_pass "$1"
	else
		gvt_fail "$1" "${REASON:-failed}" || :
		reset_state
	fi
}

# skip_or_run NAME CONDITION REASON
skip_unless() {
	if eval "$2"; then
		run "$1"
	else
		step "$1"
		gvt_skip "$1" "$3"
	fi
}

have_hvctl() { command -v hvctl >/dev/null 2>&1; }

case $MODE in
tests:*)
	# Debugging: the named tests only, in order, repeats allowed
	# (GV_FOUNDATION_TESTS in tools/check.d/30-bochs-foundation.sh).
	WANT_CPUS=2
	TESTS=${MODE#tests:}
	;;
quick)
	WANT_CPUS=1
	TESTS="pre_cpus pre_leaf_absent load_insmod load_dmesg_clean probe_present
	       ksft_cpuid_leaf ksft_vmcall_user unload_rmmod unload_restored
	       final_unloaded final_dmesg_clean"
	;;
*)
	WANT_CPUS=2
	TESTS="pre_cpus pre_leaf_absent pre_vmx_cpuinfo pre_selftests_fail
	       hvctl_check load_insmod
	       load_dmesg_clean probe_present ksft_cpuid_leaf ksft_vmcall_user
	       ksft_workload shell_loop hvctl_status hvctl_check_loaded
	       hvctl_stats_cpuid hvctl_top hvctl_json_human hvctl_mem
	       hvctl_mem_map
	       hvctl_events trace_gv_event
	       ksft_genl_perm ksft_genl_fuzz ksft_genl_policy
	       protect_module protect_mtrr green_module vmcall_fuzz_kernel
	       green_unload_scrubs
	       hypapp_hello_load hvctl_hypapp_list hypapp_module hypapp_events
	       hypapp_hello_user
	       hypapp_fuzz
	       hypapp_unload_refused
	       hypapp_unregister_unknown hypapp_hello_cycles hypapp_hello_unload
	       hvctl_hypapp_none
	       suspend_refused nmi_backtrace
	       unload_rmmod unload_restored load_unload_cycles
	       hotplug_loaded hotplug_unload_offline hotplug_load_offline
	       hotplug_unloaded kvm_modprobe kvm_busy_load kvm_release_load
	       kvm_create_vm_fails kvm_unload_works final_unloaded
	       final_dmesg_clean"
	;;
esac

# shellcheck disable=SC2086 # word splitting wanted
set -- $TESTS
gvt_plan $SUITE $#
log "mode $MODE, $NCPUS CPU(s), $(uname -r), cmdline: $(cat /proc/cmdline)"
[ -f $KO ] || log "WARNING: $KO missing: every load step will fail"
mark start
heartbeat &
HEARTBEAT_PID=$!
SHELL_REF=$(shell_work)
KVM_PID=

for name in $TESTS; do
	case $name in
	hvctl_*)
		skip_unless "$name" have_hvctl "hvctl not in the payload"
		;;
	trace_*)
		skip_unless "$name" have_tracefs "no tracefs in this kernel"
		;;
	*)
		run "$name"
		;;
	esac
done
step end
kill "$HEARTBEAT_PID" 2>/dev/null || :
reset_state
if [ "$MODE" = quick ]; then
	# End loaded: the host side checks that the reboot notifier
	# devirtualizes every CPU before the power-off. Let the power-off's
	# info lines reach the console (quiet hides them).
	load || log "reload before power-off failed: $REASON"
	dmesg -n 7
fi
