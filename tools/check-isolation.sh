#!/usr/bin/env bash
# Prove the wall (DESIGN.md "Two worlds, one wall"): the root-side objects
# reference no symbol outside the root side. Lists every undefined symbol of
# the objects named by gv-root-objs in Kbuild and fails on any that no
# root-side object defines. Also fails on instrumentation Linux patches at
# run time (__fentry__ call sites, return thunks, static keys).
set -euo pipefail

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"

# kbuild_list VAR: the objects of a "VAR := ..." list in Kbuild.
kbuild_list() {
	sed -n "/^$1[[:space:]]*:=/,/^\$/p" Kbuild | tr -d '\\' |
		sed "s/^$1[[:space:]]*:=//" | tr -s ' \t\n' '\n' | grep '\.o$' || true
}
core=$(kbuild_list gv-root-objs)
[ -n "$core" ] || { echo "check-isolation: no gv-root-objs in Kbuild" >&2; exit 2; }
# Hypapps' root objects (hypapps/*/*_root.o) may call greenvisor's root
# side (its exported root API) but nothing else, and nothing of each other.
apps=$(kbuild_list gv-hypapp-root-objs)
objs="$core $apps"

missing=0
for o in $objs; do
	[ -f "$o" ] || { echo "check-isolation: $o not built (run make modules)" >&2; missing=1; }
done
[ "$missing" = 0 ] || exit 2

# defined OBJS...: the global and local symbols the objects define.
defined() { nm --defined-only "$@" | awk 'NF == 3 && $2 ~ /[TtDdBbRr]/ { print $3 }' | sort -u; }
core_defined=$(defined $core)
status=0
# check_refs WHAT OBJS...: every undefined symbol of OBJS is defined by
# greenvisor's root objects or by OBJS themselves.
check_refs() {
	local what=$1 undefined bad s o
	shift
	undefined=$(nm -u "$@" | awk 'NF == 2 { print $2 }' | sort -u)
	bad=$(comm -23 <(echo "$undefined") \
		<(printf '%s\n%s\n' "$core_defined" "$(defined "$@")" | sort -u) |
		sed '/^$/d' || true)
	[ -z "$bad" ] && return 0
	echo "check-isolation: $what: references to symbols outside the root side:"
	for s in $bad; do
		echo "  $s  (in: $(for o in "$@"; do nm -u "$o" | grep -qw "$s" && printf '%s ' "$o"; done))"
	done
	status=1
}
check_refs "root-side objects" $core
for o in $apps; do
	[ -f "$o" ] && check_refs "hypapp root object $o" "$o"
done
undefined=$(nm -u $objs | awk 'NF == 2 { print $2 }' | sort -u)
for o in $objs; do
	if readelf -S "$o" | grep -qE '__mcount_loc|__patchable_function_entries|\.return_sites|\.retpoline_sites|__jump_table|\.static_call_sites|\.altinstructions'; then
		echo "check-isolation: $o has sections Linux patches at run time:"
		readelf -S "$o" | grep -oE '__mcount_loc|__patchable_function_entries|\.return_sites|\.retpoline_sites|__jump_table|\.static_call_sites|\.altinstructions' | sort -u | sed 's/^/  /'
		status=1
	fi
done
# All writable root data lives in the pool: no .data/.bss in root objects.
for o in $objs; do
	rw=$(size -A "$o" | awk '$1 ~ /^\.(data|bss)/ && $1 !~ /^\.data\.rel\.ro/ && $2 > 0 { printf "%s(%s) ", $1, $2 }')
	if [ -n "$rw" ]; then
		echo "check-isolation: $o has writable data outside the pool: $rw"
		status=1
	fi
done
if [ "$status" = 0 ]; then
	echo "check-isolation: $(echo "$core" | wc -w) root-side objects and $(echo "$apps" | wc -w) hypapp root objects, $(echo "$undefined" | sed '/^$/d' | wc -l) undefined symbols, all root-side"
fi
exit "$status"
