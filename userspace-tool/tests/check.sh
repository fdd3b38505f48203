#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of hvctl that need no hypervisor: exit codes, usage
# errors, the "not loaded" message, and the validity and keys of the JSON
# output (live when greenvisor is loaded, from synthetic replies through
# tests/print-test otherwise). TAP output; ends with "N passed, N failed".
#
# Environment: HVCTL (./hvctl), PRINT_TEST (./tests/print-test), PYTHON.

HVCTL=${HVCTL:-./hvctl}
PRINT_TEST=${PRINT_TEST:-./tests/print-test}
PYTHON=${PYTHON:-python3}
NOT_LOADED='greenvisor is not loaded (genl family not found); run modprobe greenvisor'

pass=0 fail=0 n=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok() {
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n - $1"
	sed 's/^/#   /' "$err" "$out" | head -n 20
}

# expect_rc RC DESCRIPTION CMD...: run CMD, compare its exit status.
expect_rc() {
	want=$1 desc=$2
	shift 2
	"$@" >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$desc (exit $rc)"
	else
		echo "# exit $rc, expected $want" >>"$err"
		not_ok "$desc"
	fi
}

# expect_json DESCRIPTION KEYS CMD...: CMD prints valid JSON, exits 0, and
# every object (or every element of the top-level array) has KEYS.
expect_json() {
	desc=$1 keys=$2
	shift 2
	if ! "$@" >"$out" 2>"$err"; then
		not_ok "$desc: command failed"
		return
	fi
	if "$PYTHON" - "$out" "$keys" >>"$err" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
keys = set(sys.argv[2].split())
items = doc if isinstance(doc, list) else [doc]
for item in items:
    missing = keys - set(item)
    if missing:
        sys.exit("missing keys %s in %r" % (sorted(missing), item))
PY
	then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

echo "TAP version 13"

# Usage errors and help.
expect_rc 1 "no arguments is a usage error" "$HVCTL"
expect_rc 1 "unknown object" "$HVCTL" frobnicate
expect_rc 1 "unknown option" "$HVCTL" -x status
expect_rc 1 "status takes no arguments" "$HVCTL" status extra
expect_rc 1 "version takes no arguments" "$HVCTL" version extra
expect_rc 1 "unknown cpu command" "$HVCTL" cpu frob
expect_rc 1 "cpu show: CPU must be a number" "$HVCTL" cpu show one
expect_rc 1 "cpu show: negative CPU" "$HVCTL" cpu show -1
expect_rc 1 "cpu show: too many arguments" "$HVCTL" cpu show 0 1
expect_rc 1 "stats: CPU must be a number" "$HVCTL" stats 0x1
expect_rc 1 "stats: CPU beyond 32 bits" "$HVCTL" stats 4294967296
expect_rc 0 "-h" "$HVCTL" -h
expect_rc 0 "--help" "$HVCTL" --help
expect_rc 0 "help" "$HVCTL" help
expect_rc 0 "cpu help" "$HVCTL" cpu help
expect_rc 1 "unknown ept command" "$HVCTL" ept frob
expect_rc 1 "ept show takes no arguments" "$HVCTL" ept show extra
expect_rc 1 "ept query needs a GPA" "$HVCTL" ept query
expect_rc 1 "ept query: too many arguments" "$HVCTL" ept query 0x1000 0x2000
expect_rc 1 "ept query: not a number" "$HVCTL" ept query ram
expect_rc 1 "ept query: bare 0x" "$HVCTL" ept query 0x
expect_rc 1 "ept query: junk after hex" "$HVCTL" ept query 0x1000g
expect_rc 1 "ept query: junk after decimal" "$HVCTL" ept query 4096k
expect_rc 1 "ept query: negative" "$HVCTL" ept query -4096
expect_rc 1 "ept query: sign after 0x" "$HVCTL" ept query 0x-1
expect_rc 1 "ept query: beyond 64 bits (hex)" "$HVCTL" ept query 0x10000000000000000
expect_rc 1 "ept query: beyond 64 bits (decimal)" "$HVCTL" ept query 18446744073709551616
expect_rc 0 "ept help" "$HVCTL" ept help
expect_rc 0 "mem help" "$HVCTL" mem help
expect_rc 1 "unknown mem command" "$HVCTL" mem frob
expect_rc 1 "mem lend needs a size" "$HVCTL" mem lend
expect_rc 1 "mem lend: zero" "$HVCTL" mem lend 0
expect_rc 1 "mem lend: not whole pages" "$HVCTL" mem lend 4097
expect_rc 1 "mem lend: bad suffix" "$HVCTL" mem lend 4T
expect_rc 1 "mem lend: negative" "$HVCTL" mem lend -4096
expect_rc 1 "mem lend: overflow with suffix" "$HVCTL" mem lend 18446744073709551615G
expect_rc 1 "mem lend: too many arguments" "$HVCTL" mem lend 4096 8192
expect_rc 1 "mem return needs an id" "$HVCTL" mem return
expect_rc 1 "mem return: id 0" "$HVCTL" mem return 0
expect_rc 1 "mem return: not a number" "$HVCTL" mem return one
expect_rc 1 "mem show takes no arguments" "$HVCTL" mem show extra
expect_rc 1 "events: --count 0" "$HVCTL" events --count 0
expect_rc 1 "events: --count not a number" "$HVCTL" events --count many
expect_rc 1 "events: --timeout missing its value" "$HVCTL" events --timeout
expect_rc 1 "events: unknown argument" "$HVCTL" events --follow
expect_rc 1 "events stats takes no arguments" "$HVCTL" events stats extra
expect_rc 0 "events help" "$HVCTL" events help
expect_rc 1 "hypapp: unknown command" "$HVCTL" hypapp load
expect_rc 1 "hypapp list takes no arguments" "$HVCTL" hypapp list extra
expect_rc 0 "hypapp help" "$HVCTL" hypapp help
expect_rc 1 "top: -d 0" "$HVCTL" top -d 0
expect_rc 1 "top: -n not a number" "$HVCTL" top -n x
expect_rc 1 "top: unknown argument" "$HVCTL" top --batch
expect_rc 0 "top help" "$HVCTL" top help
expect_rc 1 "mem map: scale not a power of two" "$HVCTL" mem map --scale 12K
expect_rc 1 "mem map: scale below 4K" "$HVCTL" mem map --scale 1K
expect_rc 1 "mem map: unknown argument" "$HVCTL" mem map --width 80
expect_rc 0 "version" "$HVCTL" version
expect_rc 0 "-V" "$HVCTL" -V

VKEYS="tool_version loaded module_version abi_version abi_major abi_minor"
SKEYS="module_version abi_version abi_major abi_minor abi_cpu features
       features_raw cpus_possible cpus_online cpus_virtualized"
CKEYS="cpu online virtualized exits_total"
EKEYS="table_pages leaves_1g leaves_2m leaves_4k leaves_total
       green_table_pages green_pages_lent"
MKEYS="gpa gpa_hex hpa hpa_hex leaf_size perm perm_raw memtype memtype_raw
       ignore_pat"

expect_json "version -j is valid JSON" "$VKEYS" "$HVCTL" -j version
expect_json "version -j -p is valid JSON" "$VKEYS" "$HVCTL" -j -p version

loaded=$("$HVCTL" -j version | "$PYTHON" -c \
	'import json, sys; print(int(json.load(sys.stdin)["loaded"]))')
if [ "$loaded" = 1 ]; then
	echo "# greenvisor is loaded: checking live output"
	expect_json "status -j" "$SKEYS" "$HVCTL" -j status
	expect_json "cpu show -j" "$CKEYS" "$HVCTL" -j cpu show
	expect_json "stats -j" "$CKEYS exits" "$HVCTL" -j -p stats
	expect_json "stats -j 0" "$CKEYS exits" "$HVCTL" -j stats 0
	expect_rc 2 "stats: CPU out of range is a kernel error" \
		"$HVCTL" stats 4294967295
	expect_json "ept show -j" "$EKEYS" "$HVCTL" -j ept show
	expect_json "ept query -j 0x1000000" "$MKEYS" \
		"$HVCTL" -j ept query 0x1000000
	expect_rc 2 "ept query: GPA beyond the width is a kernel error" \
		"$HVCTL" ept query 0xfffffffffffff000
else
	echo "# greenvisor is not loaded"
	for cmd in status "cpu show" "cpu show 0" stats "stats 1" "ept show" \
		"ept query 0x1000" "mem show" "mem lend 64K" "mem return 1" \
		"events --count 1" "events stats" "hypapp list" "top -n 1" "mem map"; do
		# shellcheck disable=SC2086
		expect_rc 3 "$cmd: not loaded" "$HVCTL" $cmd
		if grep -qxF "hvctl: $NOT_LOADED" "$err"; then
			ok "$cmd: prints the not-loaded message"
		else
			not_ok "$cmd: prints the not-loaded message"
		fi
	done
	expect_rc 3 "-j status: not loaded" "$HVCTL" -j status
	if [ -s "$out" ]; then
		not_ok "-j status: nothing on stdout when not loaded"
	else
		ok "-j status: nothing on stdout when not loaded"
	fi
	if "$HVCTL" version | grep -qx 'greenvisor: not loaded'; then
		ok "version says not loaded"
	else
		not_ok "version says not loaded"
	fi
fi

# Rendering of synthetic replies (odd strings, unknown reasons, offline CPUs).
for p in "" "-p"; do
	expect_json "render version $p" "$VKEYS" "$PRINT_TEST" -j $p version
	expect_json "render unloaded version $p" "$VKEYS" \
		"$PRINT_TEST" -j $p version-unloaded
	expect_json "render status $p" "$SKEYS" "$PRINT_TEST" -j $p status
	expect_json "render status without ABI $p" "$SKEYS" \
		"$PRINT_TEST" -j $p status-noabi
	expect_json "render cpus $p" "$CKEYS" "$PRINT_TEST" -j $p cpus
	expect_json "render stats $p" "$CKEYS exits" "$PRINT_TEST" -j $p stats
	expect_json "render ept $p" "$EKEYS" "$PRINT_TEST" -j $p ept
	expect_json "render ept-map $p" "$MKEYS" "$PRINT_TEST" -j $p ept-map
	expect_json "render ept-map-odd $p" "$MKEYS" \
		"$PRINT_TEST" -j $p ept-map-odd
done
for m in version version-unloaded status status-noabi cpus stats ept ept-map \
	ept-map-odd; do
	expect_rc 0 "render text $m" "$PRINT_TEST" "$m"
done

# hvctl check against fake roots (HVCTL_CHECK_ROOT): the verdicts, the fixes,
# the exit code (4 on any FAIL) and the JSON.
CHKROOT=$(mktemp -d)
trap 'rm -f "$out" "$err"; rm -rf "$CHKROOT"' EXIT

# mkroot NAME VMX(0|1) MSR(0|1) DMAR(0|1) IOMMU(0|1): a fake root in $CHKROOT/NAME.
mkroot() {
	r=$CHKROOT/$1
	mkdir -p "$r/proc" "$r/sys/module" "$r/sys/class/iommu" \
		"$r/sys/firmware/acpi/tables" "$r/dev/cpu/0"
	flags="fpu msr pae"
	[ "$2" = 1 ] && flags="$flags vmx"
	{
		printf 'vendor_id\t: GenuineIntel\n'
		printf 'flags\t\t: %s\n' "$flags"
		[ "$2" = 1 ] && printf 'vmx flags\t: vnmi ept vpid unrestricted_guest ept_1gb ept_ad\n'
	} >"$r/proc/cpuinfo"
	echo 'console=ttyS0 intel_iommu=off intremap=off' >"$r/proc/cmdline"
	# IA32_FEATURE_CONTROL=0x5 at offset 0x3a, as /dev/cpu/0/msr gives it.
	[ "$3" = 1 ] && "$PYTHON" -c 'import sys
f = open(sys.argv[1], "wb"); f.seek(0x3a); f.write((5).to_bytes(8, "little"))' \
		"$r/dev/cpu/0/msr"
	[ "$4" = 1 ] && : >"$r/sys/firmware/acpi/tables/DMAR"
	[ "$5" = 1 ] && mkdir -p "$r/sys/class/iommu/dmar0"
	echo "$r"
}

# check_item ROOT NAME STATUS [FIX]: "hvctl -j check" in ROOT reports NAME
# with STATUS (and FIX).
check_item() {
	HVCTL_CHECK_ROOT=$1 "$HVCTL" -j check >"$out" 2>"$err"
	if "$PYTHON" - "$out" "$2" "$3" "${4:-}" >>"$err" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
item = [c for c in doc["checks"] if c["name"] == sys.argv[2]]
assert item, "no item %s" % sys.argv[2]
assert item[0]["status"] == sys.argv[3], item[0]
assert not sys.argv[4] or item[0]["fix"] == sys.argv[4], item[0]
assert doc["ok"] == all(c["status"] != "fail" for c in doc["checks"]), doc
PY
	then
		ok "check: $2 is $3"
	else
		not_ok "check: $2 is $3"
	fi
}

good=$(mkroot good 1 1 0 0)
expect_rc 0 "check: all good exits 0" env HVCTL_CHECK_ROOT="$good" "$HVCTL" check
expect_json "check -j: all good is valid JSON" "checks ok" \
	env HVCTL_CHECK_ROOT="$good" "$HVCTL" -j check
check_item "$good" vmx pass
check_item "$good" vmx-firmware pass
check_item "$good" vmx-caps pass
check_item "$good" dmar warn
novmx=$(mkroot novmx 0 1 0 0)
expect_rc 4 "check: no VMX exits 4" env HVCTL_CHECK_ROOT="$novmx" "$HVCTL" check
check_item "$novmx" vmx fail
iommu=$(mkroot iommu 1 1 1 1)
expect_rc 4 "check: IOMMU used by Linux exits 4" \
	env HVCTL_CHECK_ROOT="$iommu" "$HVCTL" check
check_item "$iommu" iommu fail "boot with intel_iommu=off intremap=off"
dmar=$(mkroot dmar 1 1 1 0)
check_item "$dmar" iommu pass
printf '  24:  0  0  IR-PCI-MSI 512000-edge  ahci\n' >"$dmar/proc/interrupts"
check_item "$dmar" iommu fail "boot with intel_iommu=off intremap=off"
nomsr=$(mkroot nomsr 1 0 0 0)
expect_rc 0 "check: unreadable msr is no failure" \
	env HVCTL_CHECK_ROOT="$nomsr" "$HVCTL" check
check_item "$nomsr" vmx-firmware warn "modprobe msr (and run as root)"
mkdir -p "$good/sys/module/greenvisor"
check_item "$good" greenvisor pass
if HVCTL_CHECK_ROOT="$good" "$HVCTL" check | grep -q 'hidden by greenvisor'; then
	ok "check: loaded greenvisor hides VMX"
else
	not_ok "check: loaded greenvisor hides VMX"
fi
expect_rc 1 "check takes no arguments" "$HVCTL" check extra

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
