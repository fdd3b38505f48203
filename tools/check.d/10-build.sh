#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 10: build everything with warnings as errors, sparse the module, and
# prove the wall: the root-side objects reference nothing of Linux.
# Results: build/module, build/sparse, build/hvctl, build/isolation.
set -euo pipefail

GV_PROG=10-build
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

OUT=$GV_BUILD/check/build
mkdir -p "$OUT"
KVER=$(gv_kabi)
KDIR=/usr/src/linux-headers-$KVER
export KVER KDIR

# step NAME LOG CMD...: run CMD, record PASS/FAIL with the log's tail.
step() {
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		gv_result PASS "build/$name"
	else
		tail -n 15 "$log" >&2
		gv_result FAIL "build/$name" "see $log"
		return 1
	fi
}

# A clean rebuild, so every object is compiled (and checked) this run.
make -C "$KDIR" M="$GV_ROOT" clean >/dev/null 2>&1 || true
step module "$OUT/module.log" make -C "$KDIR" M="$GV_ROOT" KCFLAGS=-Werror modules ||
	exit 1

# sparse over every C file of the module (C=2 checks without rebuilding).
sparse_check() {
	make -C "$KDIR" M="$GV_ROOT" C=2 modules 2>&1 | tee "$OUT/sparse.out"
	! grep -E '(warning|error):' "$OUT/sparse.out"
}
step sparse "$OUT/sparse.log" sparse_check || true

step hvctl "$OUT/hvctl.log" make -C "$GV_ROOT/userspace-tool" || true
# hvctl's own host-side tests: usage errors, not-loaded path, JSON output.
step hvctl-check "$OUT/hvctl-check.log" make -C "$GV_ROOT/userspace-tool" check || true
step isolation "$OUT/isolation.log" "$GV_ROOT/tools/check-isolation.sh" "$GV_ROOT" || true
cat "$OUT/isolation.log" >&2

# The check itself must be able to fail: a root object calling printk and
# one compiled with -pg must both be caught, and so must a hypapp root
# object calling kmalloc or keeping a counter in .bss (while its call of
# greenvisor's root API, g, is allowed).
isolation_selftest() {
	local t
	t=$(mktemp -d)
	mkdir -p "$t/hvcore" "$t/hypapps/x"
	printf 'gv-root-objs := hvcore/bad.o hvcore/traced.o\n\ngv-hypapp-root-objs := hypapps/x/x_root.o\n\n' >"$t/Kbuild"
	echo 'int printk(const char *f, ...); void f(void) { printk("x"); }' >"$t/bad.c"
	echo 'int g(int x) { return x + 1; }' >"$t/traced.c"
	echo 'void *__kmalloc(unsigned long n, int f); int g(int x); static int n; void *h(void) { n = g(n); return __kmalloc(n, 0); }' >"$t/x_root.c"
	gcc -c -O2 -o "$t/hvcore/bad.o" "$t/bad.c"
	gcc -c -O2 -pg -mfentry -mrecord-mcount -o "$t/hvcore/traced.o" "$t/traced.c"
	gcc -c -O2 -o "$t/hypapps/x/x_root.o" "$t/x_root.c"
	local out rc=0
	out=$("$GV_ROOT/tools/check-isolation.sh" "$t" 2>&1) || rc=$?
	rm -rf "$t"
	echo "$out"
	[[ $rc -ne 0 ]] && grep -q 'printk' <<<"$out" && grep -q '__fentry__' <<<"$out" &&
		grep -q '__mcount_loc' <<<"$out" &&
		grep -q 'hypapp root object hypapps/x/x_root.o: references' <<<"$out" &&
		grep -q '  __kmalloc ' <<<"$out" && ! grep -q '^  g ' <<<"$out" &&
		grep -q 'x_root.o has writable data' <<<"$out"
}
step isolation-selftest "$OUT/isolation-selftest.log" isolation_selftest || true

# Kernel coding style: checkpatch --strict over every kernel-side C file.
checkpatch_all() {
	local cp=$GV_CACHE/linux-source/scripts/checkpatch.pl files out
	[[ -f $cp ]] || { echo "checkpatch.pl missing: run tools/rig/deps.sh"; return 1; }
	files=$(cd "$GV_ROOT" && git ls-files '*.c' '*.h' |
		grep -vE '^(selftests|tools|userspace-tool)/')
	out=$(cd "$GV_ROOT" && perl "$cp" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $(grep -vx module/gv_compat.h <<<"$files") 2>&1) || true
	# The one file allowed to test the kernel version (stage 16-kernels
	# checks that no other does); everything else checkpatch says holds.
	out+=$(cd "$GV_ROOT" && perl "$cp" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		-f module/gv_compat.h 2>&1) || true
	echo "checked $(wc -w <<<"$files") files"
	[[ -z $out ]] || { echo "$out"; return 1; }
}
step checkpatch "$OUT/checkpatch.log" checkpatch_all || true

# hvctl static analysis: cppcheck, every finding an error. "style" minus
# variableScope (kernel style declares variables at the top of a block).
CPPCHECK_ARGS=(--quiet "--enable=warning,style,performance,portability"
	--suppress=variableScope --suppress=missingIncludeSystem --std=c11
	--inline-suppr --error-exitcode=1 -D_GNU_SOURCE)
cppcheck_hvctl() {
	command -v cppcheck >/dev/null || { echo "cppcheck missing: run tools/rig/deps.sh"; return 1; }
	(cd "$GV_ROOT/userspace-tool" &&
		cppcheck "${CPPCHECK_ARGS[@]}" -I../uapi -I. ./*.c tests/*.c)
}
step cppcheck "$OUT/cppcheck.log" cppcheck_hvctl || true
# ... and it can fail: an out-of-bounds write must be reported.
cppcheck_selftest() {
	local t rc=0
	t=$(mktemp -d)
	printf 'int f(void)\n{\n\tint a[4];\n\n\ta[4] = 1;\n\treturn a[0];\n}\n' >"$t/bad.c"
	cppcheck "${CPPCHECK_ARGS[@]}" "$t/bad.c" || rc=$?
	rm -rf "$t"
	((rc != 0))
}
step cppcheck-selftest "$OUT/cppcheck-selftest.log" cppcheck_selftest || true

# Module parameters: MODULE_PARM_DESC, README and packaging/greenvisor.conf.
step params "$OUT/params.log" "$GV_ROOT/tools/check-params.sh" "$GV_ROOT" || true
params_selftest() {
	local t out rc=0
	t=$(mktemp -d)
	mkdir -p "$t/module" "$t/packaging"
	# A file without parameters first: it must not end the scan.
	printf 'static int x;\n' >"$t/module/a.c"
	printf 'static int foo;\nmodule_param(foo, int, 0444);\nstatic bool bar;\nmodule_param_named(bar, bar,\n\t\t   bool, 0444);\nMODULE_PARM_DESC(bar, "b");\n' >"$t/module/p.c"
	# shellcheck disable=SC2016
	printf 'Parameters: `bar`\n' >"$t/README.md"
	printf '#options greenvisor bar=1\n' >"$t/packaging/greenvisor.conf"
	out=$("$GV_ROOT/tools/check-params.sh" "$t" 2>&1) || rc=$?
	rm -rf "$t"
	echo "$out"
	((rc != 0)) && grep -q "^ok .*'bar'" <<<"$out" &&
		grep -q "'foo' missing in: MODULE_PARM_DESC README.md packaging/greenvisor.conf" <<<"$out"
}
step params-selftest "$OUT/params-selftest.log" params_selftest || true
