#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/rig/bench.sh [PATTERN...] — `make bench`: runs every executable
# tools/bench.d/*.sh (those matching a PATTERN, if given) in lexical order.
# Benchmarks print figures (they are not pass/fail); each one's output is kept
# in build/bench/<name>.log.  Exit status 1 if a benchmark script failed.
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=bench
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$GV_ROOT/tools/bench.d
out=$GV_BUILD/bench
mkdir -p "$out"
shopt -s nullglob
scripts=("$dir"/*.sh)
shopt -u nullglob
if ((${#scripts[@]} == 0)); then
	echo "bench: no benchmarks yet (add executable scripts to tools/bench.d/)"
	exit 0
fi
failed=0
for s in "${scripts[@]}"; do
	name=$(basename "$s" .sh)
	if (($#)); then
		m=0
		for p in "$@"; do [[ $name == *"$p"* ]] && m=1; done
		((m)) || continue
	fi
	[[ -x $s ]] || { echo "bench: skipping $name (not executable)"; continue; }
	echo "=== $name"
	t0=$SECONDS
	if ! "$s" </dev/null 2>&1 | tee "$out/$name.log"; then
		echo "bench: $name FAILED (log: ${out#"$GV_ROOT"/}/$name.log)"
		failed=1
	fi
	echo "--- $name: $((SECONDS - t0))s"
done
exit "$failed"
}
