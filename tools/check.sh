#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/check.sh [PATTERN...] — the `make check` driver (make runs deps first).
#
# Runs every executable tools/check.d/*.sh in lexical order (only those whose
# name contains one of the PATTERNs, if given).  Stages record results with
# gv_result / gv_collect_serial (tools/rig/lib.sh); each result is printed as
# it comes.  A stage that exits non-zero without recording a FAIL gets one.
# Ends with a summary, the time per stage, and exactly one closing line
#   N passed, N failed[, N skipped]
# Exit status 1 if anything failed.
#
# Env: GV_VERBOSE=1      also stream each stage's output (always in its log)
#      GV_STAGE_TIMEOUT  seconds per stage (default 2400)
# Stage logs: build/results/logs/<stage>.log; results: build/results/results.txt
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=check
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/rig/lib.sh"

stage_dir=${GV_CHECK_DIR:-$GV_ROOT/tools/check.d}
logs=$(dirname "$GV_RESULTS")/logs
stage_timeout=${GV_STAGE_TIMEOUT:-2400}
verbose=${GV_VERBOSE:-0}

# Record into a file of our own (stages run by hand, or another check in the
# same tree, append to build/results/results.txt meanwhile); it becomes
# $GV_RESULTS at the end.
final_results=$GV_RESULTS
GV_RESULTS=$(dirname "$final_results")/.check.$$.txt
export GV_RESULTS
mkdir -p "$logs"
: >"$GV_RESULTS"
trap 'rm -f "$GV_RESULTS"' EXIT

# Stages print their result lines on fd 3 (our stdout); everything else they
# print goes to their log.
exec 3>&1
export GV_RESULT_FD=3

count() { # count STATUS [FROM_LINE]
	tail -n +"${2:-1}" "$GV_RESULTS" | awk -F'\t' -v s="$1" '$1 == s { n++ } END { print n + 0 }'
}

wanted() {
	local base=$1 p
	(($# == 1)) && return 0
	shift
	for p in "$@"; do
		[[ $base == *"$p"* ]] && return 0
	done
	return 1
}

stages=()
shopt -s nullglob
for s in "$stage_dir"/*.sh; do
	wanted "$(basename "$s" .sh)" "$@" || continue
	if [[ ! -x $s ]]; then
		printf 'check: skipping %s (not executable)\n' "${s#"$GV_ROOT"/}"
		continue
	fi
	stages+=("$s")
done
shopt -u nullglob
((${#stages[@]})) || printf 'check: no stages to run in %s\n' "${stage_dir#"$GV_ROOT"/}"

times=()
t_all=$SECONDS
for s in "${stages[@]}"; do
	name=$(basename "$s" .sh)
	log=$logs/$name.log
	first=$(($(wc -l <"$GV_RESULTS") + 1))
	printf '=== %s\n' "$name"
	t0=$SECONDS
	rc=0
	if ((verbose)); then
		GV_STAGE=$name GV_RESULT_FD='' timeout -k 30 "$stage_timeout" "$s" </dev/null 2>&1 |
			tee "$log" || rc=$?
	else
		GV_STAGE=$name timeout -k 30 "$stage_timeout" "$s" </dev/null >"$log" 2>&1 || rc=$?
	fi
	dt=$((SECONDS - t0))
	recorded=$(($(wc -l <"$GV_RESULTS") - first + 1))
	nfail=$(count FAIL "$first")
	if ((rc != 0 && nfail == 0)); then
		if ((rc == 124 || rc == 137)); then
			why="timed out after ${stage_timeout}s"
		elif ((recorded == 0)); then
			why="exited $rc without recording any result"
		else
			why="exited $rc after recording $recorded result(s)"
		fi
		gv_result FAIL "$name" "stage $why (log: ${log#"$GV_ROOT"/})" >/dev/null
		nfail=1
	fi
	if ((nfail > 0 && !verbose)); then
		printf -- '--- last lines of %s:\n' "${log#"$GV_ROOT"/}"
		tail -n "${GV_LOG_TAIL:-$([[ ${CI:-} == true ]] && echo 80 || echo 25)}" "$log" | sed 's/^/    /'
	fi
	printf -- '--- %s: %ds, %d result(s), %d failed\n' "$name" "$dt" "$recorded" "$nfail"
	times+=("$(printf '%6ds  %s' "$dt" "$name")")
done

passed=$(count PASS)
failed=$(count FAIL)
skipped=$(count SKIP)

printf '\n=== summary\n'
if ((${#times[@]})); then
	printf 'stage times:\n'
	printf '  %s\n' "${times[@]}"
	printf '  %6ds  total\n' "$((SECONDS - t_all))"
fi
if ((skipped)); then
	printf 'skipped:\n'
	awk -F'\t' '$1 == "SKIP" { printf "  %s%s\n", $2, ($3 != "" ? ": " $3 : "") }' "$GV_RESULTS"
fi
if ((failed)); then
	printf 'failed:\n'
	awk -F'\t' '$1 == "FAIL" { printf "  %s%s\n", $2, ($3 != "" ? ": " $3 : "") }' "$GV_RESULTS"
fi
cp "$GV_RESULTS" "$final_results"
printf 'results: %s, logs: %s/\n' "${final_results#"$GV_ROOT"/}" "${logs#"$GV_ROOT"/}"
if ((skipped)); then
	printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
else
	printf '%d passed, %d failed\n' "$passed" "$failed"
fi
((failed == 0))
exit
}
