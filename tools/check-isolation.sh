#!/usr/bin/env bash
# Prove the wall (DESIGN.md "Two worlds, one wall"): the root-side objects
# reference no symbol outside the root side. Lists every undefined symbol of
# the objects named by gv-root-objs in Kbuild and fails on any that no
# root-side object defines. Also fails on instrumentation Linux patches at
# run time (__fentry__ call sites, return thunks, static keys).
set -euo pipefail

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"

objs=$(sed -n '/^gv-root-objs/,/^$/p' Kbuild | tr -d '\\' |
	sed 's/^gv-root-objs[[:space:]]*:=//' | tr -s ' \t\n' '\n' | grep '\.o$')
[ -n "$objs" ] || { echo "check-isolation: no gv-root-objs in Kbuild" >&2; exit 2; }

missing=0
for o in $objs; do
	[ -f "$o" ] || { echo "check-isolation: $o not built (run make modules)" >&2; missing=1; }
done
[ "$missing" = 0 ] || exit 2

defined=$(nm --defined-only $objs | awk 'NF == 3 && $2 ~ /[TtDdBbRr]/ { print $3 }' | sort -u)
undefined=$(nm -u $objs | awk 'NF == 2 { print $2 }' | sort -u)
bad=$(comm -23 <(echo "$undefined") <(echo "$defined") | sed '/^$/d' || true)

status=0
if [ -n "$bad" ]; then
	echo "check-isolation: root-side objects reference Linux symbols:"
	for s in $bad; do
		echo "  $s  (in: $(for o in $objs; do nm -u "$o" | grep -qw "$s" && printf '%s ' "$o"; done))"
	done
	status=1
fi
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
	echo "check-isolation: $(echo "$objs" | wc -w) root-side objects, $(echo "$undefined" | sed '/^$/d' | wc -l) undefined symbols, all root-side"
fi
exit "$status"
