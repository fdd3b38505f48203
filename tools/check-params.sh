#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/check-params.sh [ROOT]: every module parameter of greenvisor and its
# hypapps (module_param*() in module/ and hypapps/) has a MODULE_PARM_DESC,
# is listed in README.md (as `NAME`) and in packaging/greenvisor.conf (as an
# "options <module> NAME=" line, commented or not). Prints one line per
# parameter; exit status 1 if anything is missing.
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
conf=$root/packaging/greenvisor.conf
readme=$root/README.md
rc=0
n=0

[[ -f $conf ]] || { echo "missing $conf"; exit 1; }
[[ -f $readme ]] || { echo "missing $readme"; exit 1; }

# Parameter names: first argument of module_param(), module_param_named()
# (its first argument is the user-visible name), module_param_array(),
# module_param_string(), module_param_cb() and their _unsafe variants.
params() {
	local f
	for f in "$root"/module/*.c "$root"/hypapps/*.c "$root"/hypapps/*/*.c; do
		[[ -f $f ]] || continue
		# Join continuation lines so that a call split over lines matches.
		tr '\n' ' ' <"$f" |
			grep -oE '\bmodule_param(_named|_array|_string|_cb)?(_unsafe)?[[:space:]]*\([[:space:]]*[A-Za-z_][A-Za-z0-9_]*' |
			sed -E 's/.*\([[:space:]]*//' | sed "s|^|${f#"$root"/} |" || true
	done
}

while read -r file name; do
	[[ -n $name ]] || continue
	n=$((n + 1))
	missing=()
	tr '\n' ' ' <"$root/$file" |
		grep -qE "\bMODULE_PARM_DESC[[:space:]]*\([[:space:]]*${name}[[:space:]]*," ||
		missing+=(MODULE_PARM_DESC)
	grep -q "\`$name\`" "$readme" || missing+=(README.md)
	grep -qE "^#?[[:space:]]*options[[:space:]]+greenvisor[-_a-z0-9]*[[:space:]].*\b$name=" "$conf" ||
		missing+=(packaging/greenvisor.conf)
	if ((${#missing[@]})); then
		echo "FAIL $file: parameter '$name' missing in: ${missing[*]}"
		rc=1
	else
		echo "ok   $file: parameter '$name'"
	fi
done < <(params)
echo "$n module parameter(s) checked"
exit "$rc"
