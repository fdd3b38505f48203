#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 16: kernel builds beyond the lab box's headers (docs/install.md,
# "Supported kernels" and "In-tree build").
#
#  kernels/shims_confined  LINUX_VERSION_CODE/KERNEL_VERSION appear only in
#                          module/gv_compat.h (never in hvcore/, ept/, ...);
#  kernels/<abi>           greenvisor.ko builds with -Werror against the
#                          headers of Debian's newer kernel (6.12 from
#                          bookworm-security, extracted by deps.sh): a
#                          build-only check (objtool's findings on the
#                          root side are counted in the detail, see
#                          docs/install.md);
#  intree/*                the tree dropped into linux-source-6.1 as
#                          drivers/virt/greenvisor: drivers/virt/Kconfig
#                          sources its Kconfig, drivers/virt/Makefile has
#                          obj-$(CONFIG_GREENVISOR); Debian's 6.1 config plus
#                          CONFIG_GREENVISOR=m through `make olddefconfig`
#                          (intree/kconfig), `make modules_prepare`,
#                          `make drivers/virt/` builds greenvisor.o through
#                          the Kconfig symbol (intree/build), and modpost
#                          against Debian's Module.symvers links
#                          greenvisor.ko (intree/modpost). No vmlinux is
#                          built: that would take hours on 2 cores.
#
# Env: GV_KEEP_INTREE=1 keeps the 1.5 GB source tree in build/check/kernels.
# Artifacts in build/check/kernels/: *.log.
# The checks are functions that only step() calls.
# shellcheck disable=SC2317
set -euo pipefail

GV_PROG=16-kernels
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

OUT=$GV_BUILD/check/kernels
KVER=$(gv_kabi)
T0=$SECONDS
rc=0
rm -rf "$OUT"
mkdir -p "$OUT"

# step NAME LOG CMD...: run CMD, record PASS/FAIL with the log's tail; the
# last line of the log that starts with "detail: " becomes the detail.
step() {
	local name=$1 log=$2 t=$SECONDS detail
	shift 2
	if "$@" >"$log" 2>&1; then
		detail=$(sed -n 's/^detail: //p' "$log" | tail -n 1)
		gv_result PASS "$name" "${detail:+$detail, }$((SECONDS - t)) s"
	else
		tail -n 15 "$log" >&2
		gv_result FAIL "$name" "see ${log#"$GV_ROOT"/}"
		rc=1
		return 1
	fi
}

# Sources as DKMS and an in-tree build get them (make dkms-source).
copy_sources() { # DIR
	local d=$1
	make -s -C "$GV_ROOT" DESTDIR="$OUT/stage" dkms-source >/dev/null
	rm -rf "$d"
	mkdir -p "$(dirname "$d")"
	mv "$OUT/stage/usr/src/greenvisor-"* "$d"
	rm -rf "$OUT/stage"
}

# ---------------------------------------------------------------------------
shims_confined() {
	local hits
	hits=$(git -C "$GV_ROOT" grep --untracked -nE 'LINUX_VERSION_CODE|KERNEL_VERSION\(' -- \
		'*.c' '*.h' '*.S' ':!module/gv_compat.h' ':!selftests/' ':!userspace-tool/' \
		':!tools/' ':!tests/') || true
	[[ -z $hits ]] || { echo "version tests outside module/gv_compat.h:"; echo "$hits"; return 1; }
	echo "only module/gv_compat.h tests the kernel version"
}
step kernels/shims_confined "$OUT/shims.log" shims_confined || true

# ---------------------------------------------------------------------------
NABI=$(cat "$GV_CACHE/new-kabi" 2>/dev/null || true)
if [[ -z $NABI ]]; then
	gv_result SKIP kernels/newer "no newer Debian kernel headers (tools/rig/deps.sh found none)"
else
	NKDIR=$GV_CACHE/headers-$NABI/usr/src/linux-headers-$NABI
	build_newer() {
		local src=$OUT/src-$NABI n
		[[ -f $NKDIR/Makefile ]] || { echo "no headers at $NKDIR: run tools/rig/deps.sh"; return 1; }
		copy_sources "$src"
		make -C "$NKDIR" M="$src" KCFLAGS=-Werror modules 2>&1 | tee "$OUT/newer-make.out"
		((PIPESTATUS[0] == 0)) || return 1
		[[ -f $src/greenvisor.ko ]] || { echo "no greenvisor.ko"; return 1; }
		modinfo -F vermagic "$src/greenvisor.ko"
		[[ $(modinfo -F vermagic "$src/greenvisor.ko") == "$NABI "* ]] || return 1
		n=$(grep -c 'warning: objtool:' "$OUT/newer-make.out" || true)
		echo "detail: built, vermagic $NABI, $n objtool warning(s)"
	}
	step "kernels/$NABI" "$OUT/newer.log" build_newer || true
fi

# ---------------------------------------------------------------------------
TARBALL=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.*' | head -n 1)
DEBCONFIG=/usr/src/linux-headers-$KVER/.config
LT=$OUT/linux
intree_kconfig() {
	[[ -n $TARBALL ]] || { echo "no /usr/src/linux-source-6.1.tar.*: run tools/rig/deps.sh"; return 1; }
	[[ -f $DEBCONFIG ]] || { echo "no $DEBCONFIG"; return 1; }
	mkdir -p "$LT"
	tar -xf "$TARBALL" -C "$LT" --strip-components=1
	copy_sources "$LT/drivers/virt/greenvisor"
	# Hook the directory into drivers/virt, inside its "if VIRT_DRIVERS".
	awk '{ l[NR] = $0 } $0 == "endif" { last = NR }
	     END { for (i = 1; i <= NR; i++) {
			if (i == last) print "source \"drivers/virt/greenvisor/Kconfig\"\n"
			print l[i] } }' "$LT/drivers/virt/Kconfig" >"$LT/drivers/virt/Kconfig.new"
	mv "$LT/drivers/virt/Kconfig.new" "$LT/drivers/virt/Kconfig"
	# shellcheck disable=SC2016
	printf 'obj-$(CONFIG_GREENVISOR)\t+= greenvisor/\n' >>"$LT/drivers/virt/Makefile"
	cp "$DEBCONFIG" "$LT/.config"
	echo 'CONFIG_GREENVISOR=m' >>"$LT/.config"
	make -C "$LT" olddefconfig
	# Unknown symbols vanish in olddefconfig: =m proves the Kconfig was read
	# and its dependencies hold with Debian's configuration.
	grep -x 'CONFIG_GREENVISOR=m' "$LT/.config"
}
intree_build() {
	make -C "$LT" -j"$(nproc)" modules_prepare || return 1
	make -C "$LT" -j"$(nproc)" KCFLAGS=-Werror drivers/virt/ || return 1
	[[ -f $LT/drivers/virt/greenvisor/greenvisor.o ]] || { echo "no greenvisor.o"; return 1; }
	grep -x 'drivers/virt/greenvisor/greenvisor.ko' "$LT/drivers/virt/modules.order" ||
		{ echo "greenvisor.ko not in drivers/virt/modules.order"; return 1; }
}
intree_modpost() {
	# modpost resolves Linux's symbols from Debian's Module.symvers (same
	# configuration), since no vmlinux is built.
	cp "/usr/src/linux-headers-$KVER/Module.symvers" "$LT/Module.symvers"
	make -C "$LT" -j"$(nproc)" KCFLAGS=-Werror M=drivers/virt/greenvisor modules || return 1
	modinfo "$LT/drivers/virt/greenvisor/greenvisor.ko" | head -n 8
}
if step intree/kconfig "$OUT/intree-kconfig.log" intree_kconfig &&
	step intree/build "$OUT/intree-build.log" intree_build; then
	step intree/modpost "$OUT/intree-modpost.log" intree_modpost || true
fi
[[ ${GV_KEEP_INTREE:-0} == 1 ]] || rm -rf "$LT"

gv_msg "stage took $((SECONDS - T0)) s"
exit "$rc"
