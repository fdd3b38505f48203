#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything greenvisor's build and rigs need on a Debian 12 machine,
# unattended and idempotent (run as root; a second run only checks):
#   - Debian packages (one `apt-get update`, only if something is missing);
#   - linux-headers-<ABI>, ABI being what linux-image-amd64 depends on;
#   - linux-image-<ABI>.deb, downloaded (never installed on the host) and
#     extracted to build/cache/kernel-<ABI>/ with a modules.dep;
#   - the parts of linux-source-6.1 the project uses, in build/cache/linux-source/;
#   - the headers of the newest Debian 6.12 kernel of bookworm(-security),
#     downloaded and extracted to build/cache/headers-<ABI>/ (never installed:
#     the package depends on its linux-image), for the build-only check of
#     stage 16-kernels.
# One line per step.  Env: GV_KABI=<abi> pins the ABI; GV_NEW_KABI=<abi>
# pins the newer kernel's ABI (e.g. 6.12.117+deb12-amd64), GV_NEW_KABI=none
# skips it.
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=deps
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
	gcc make libc6-dev bc bison flex kmod cpio xz-utils
	busybox-static xorriso isolinux syslinux-common
	bochs bochs-term bochsbios vgabios
	qemu-system-x86 sparse libnl-genl-3-dev libnl-3-dev pkg-config
	dkms python3 linux-source-6.1
	cppcheck groff-base openssl libelf-dev libssl-dev pahole
)

# Members of linux-source-6.1.tar.xz extracted into build/cache/linux-source.
SOURCE_MEMBERS=(
	'tools/testing/selftests/kselftest*.h'
	tools/testing/kunit
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	lib/kunit
	include/kunit
)

mkdir -p "$GV_CACHE"
APT_LOG=$GV_CACHE/deps-apt.log
UPDATED=0

step() { printf 'deps: %s\n' "$*"; }

# Serialise concurrent runs (several `make check`s in one tree).
exec {lockfd}>"$GV_CACHE/.deps.lock"
flock "$lockfd"

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

need_root() {
	((EUID == 0)) || gv_die "$* — run 'sudo $0' (or make deps as root) once"
}

apt_run() {
	need_root "need to $*"
	if ! DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 \
		-o DPkg::Lock::Timeout=600 "$@" >>"$APT_LOG" 2>&1; then
		tail -n 20 "$APT_LOG" >&2
		gv_die "apt-get $* failed (full log: $APT_LOG)"
	fi
}

apt_update_once() {
	((UPDATED)) && return 0
	step "apt-get update"
	apt_run update
	UPDATED=1
}

install_missing() {
	local p missing=()
	for p in "$@"; do
		installed "$p" || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		return 1
	fi
	apt_update_once
	step "installing ${missing[*]}"
	# One command: with bochs-term in the same transaction apt does not pick
	# the wx GUI build to satisfy bochs's bochs-gui dependency.
	apt_run install --no-install-recommends "${missing[@]}"
}

# 1. Packages.
if install_missing "${PACKAGES[@]}"; then
	step "packages installed (${#PACKAGES[@]})"
else
	step "packages ok (${#PACKAGES[@]})"
fi

# 2. Kernel ABI of linux-image-amd64.
resolve_abi() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { sub(/^linux-image-/, "", $2); print $2; exit }'
}
ABI=${GV_KABI:-}
if [[ -z $ABI ]]; then
	ABI=$(resolve_abi || true)
	if [[ -z $ABI ]]; then
		apt_update_once
		ABI=$(resolve_abi || true)
	fi
fi
[[ -n $ABI ]] || gv_die "cannot resolve the ABI of linux-image-amd64 (apt-cache depends linux-image-amd64)"
printf '%s\n' "$ABI" >"$GV_CACHE/kabi.tmp"
mv -f "$GV_CACHE/kabi.tmp" "$GV_CACHE/kabi"
step "kernel ABI $ABI (linux-image-amd64)"

# 3. Headers for building the module.
if install_missing "linux-headers-$ABI"; then
	step "linux-headers-$ABI installed"
else
	step "linux-headers-$ABI ok"
fi

# 4. The kernel image for the emulators, extracted, never installed.
# `make -C $KDIR M=<repo> clean` deletes every *.ko, *.ko.* and modules.order
# below the repo, build/cache included: check the files, not just the stamp.
KDIR=$GV_CACHE/kernel-$ABI
kernel_ok() {
	local m=$KDIR/lib/modules/$ABI
	[[ -f $KDIR/.gv-stamp && -f $KDIR/boot/vmlinuz-$ABI && -f $m/modules.dep &&
		-f $m/modules.order ]] || return 1
	[[ -n $(find "$m/kernel/arch/x86/kvm" -name 'kvm-intel.ko*' 2>/dev/null) ]]
}
if kernel_ok; then
	step "kernel image ok ($KDIR)"
else
	DEBS=$GV_CACHE/debs
	mkdir -p "$DEBS"
	deb=$(find "$DEBS" /var/cache/apt/archives -maxdepth 1 \
		-name "linux-image-${ABI}_*_amd64.deb" 2>/dev/null | sort -V | tail -n 1)
	if [[ -z $deb ]]; then
		step "downloading linux-image-$ABI"
		if ! (cd "$DEBS" && apt-get -q download "linux-image-$ABI") >>"$APT_LOG" 2>&1; then
			apt_update_once
			(cd "$DEBS" && apt-get -q download "linux-image-$ABI") >>"$APT_LOG" 2>&1 ||
				gv_die "apt-get download linux-image-$ABI failed (log: $APT_LOG)"
		fi
		deb=$(find "$DEBS" -maxdepth 1 -name "linux-image-${ABI}_*_amd64.deb" | sort -V | tail -n 1)
		[[ -n $deb ]] || gv_die "linux-image-$ABI .deb not found after download"
	fi
	step "extracting ${deb##*/}"
	rm -rf "$KDIR.tmp"
	mkdir -p "$KDIR.tmp"
	dpkg-deb -x "$deb" "$KDIR.tmp"
	[[ -f $KDIR.tmp/boot/vmlinuz-$ABI ]] || gv_die "$deb has no boot/vmlinuz-$ABI"
	# Debian generates modules.dep in postinst: do it here.
	depmod -b "$KDIR.tmp" "$ABI" 2>>"$APT_LOG" || gv_die "depmod failed on $KDIR.tmp"
	printf '%s\n' "${deb##*/}" >"$KDIR.tmp/.gv-stamp"
	rm -rf "$KDIR"
	mv "$KDIR.tmp" "$KDIR"
	step "kernel image extracted ($KDIR)"
fi

# 5. Selected parts of linux-source-6.1.
SRC_TAR=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.*' | head -n 1)
[[ -n $SRC_TAR ]] || gv_die "linux-source-6.1 is installed but /usr/src/linux-source-6.1.tar.* is missing"
LSRC=$GV_CACHE/linux-source
want_stamp="$(dpkg-query -W -f='${Version}' linux-source-6.1) ${SOURCE_MEMBERS[*]}"
if [[ -f $LSRC/.gv-stamp && $(<"$LSRC/.gv-stamp") == "$want_stamp" ]]; then
	step "linux-source parts ok ($LSRC)"
else
	step "extracting linux-source parts from ${SRC_TAR##*/}"
	top=$(tar -tf "$SRC_TAR" 2>/dev/null | head -n 1 || true)
	top=${top%%/*}
	[[ -n $top ]] || gv_die "cannot read $SRC_TAR"
	members=()
	for m in "${SOURCE_MEMBERS[@]}"; do
		members+=("$top/$m")
	done
	rm -rf "$LSRC.tmp"
	mkdir -p "$LSRC.tmp"
	tar -xf "$SRC_TAR" -C "$LSRC.tmp" --strip-components=1 --wildcards "${members[@]}" ||
		gv_die "extracting from $SRC_TAR failed"
	printf '%s\n' "$want_stamp" >"$LSRC.tmp/.gv-stamp"
	rm -rf "$LSRC"
	mv "$LSRC.tmp" "$LSRC"
	step "linux-source parts extracted ($LSRC)"
fi

# 6. Headers of the newer Debian kernel (6.12), extracted.
NEW_SERIES=6.12
resolve_new_abi() {
	apt-cache pkgnames "linux-headers-$NEW_SERIES." 2>/dev/null |
		grep -E "^linux-headers-${NEW_SERIES//./\\.}\.[0-9]+\+deb12-amd64\$" |
		sed 's/^linux-headers-//' | sort -V | tail -n 1
}
NABI=${GV_NEW_KABI:-}
if [[ -z $NABI ]]; then
	NABI=$(resolve_new_abi || true)
	if [[ -z $NABI ]]; then
		apt_update_once
		NABI=$(resolve_new_abi || true)
	fi
fi
if [[ $NABI == none ]]; then
	step "newer kernel headers skipped (GV_NEW_KABI=none)"
	rm -f "$GV_CACHE/new-kabi"
elif [[ -z $NABI ]]; then
	step "warning: no linux-headers-$NEW_SERIES.*+deb12-amd64 known to apt; stage 16-kernels will skip it"
	rm -f "$GV_CACHE/new-kabi"
else
	NDIR=$GV_CACHE/headers-$NABI
	# (`make M=<repo> clean` deletes object-like files below the repo,
	# build/cache included: check the files the build needs.)
	nh=$NDIR/usr/src/linux-headers-$NABI
	if [[ -f $NDIR/.gv-stamp && -f $nh/Makefile && -f $nh/Module.symvers &&
		-x $nh/scripts/mod/modpost && -x $nh/scripts/basic/fixdep ]]; then
		step "linux-headers-$NABI ok ($NDIR)"
	else
		DEBS=$GV_CACHE/debs
		mkdir -p "$DEBS"
		nver=${NABI%-amd64}
		pkgs=("linux-headers-$NABI" "linux-headers-$nver-common" "linux-kbuild-$nver")
		step "downloading ${pkgs[*]}"
		if ! (cd "$DEBS" && apt-get -q download "${pkgs[@]}") >>"$APT_LOG" 2>&1; then
			apt_update_once
			(cd "$DEBS" && apt-get -q download "${pkgs[@]}") >>"$APT_LOG" 2>&1 ||
				gv_die "apt-get download ${pkgs[*]} failed (log: $APT_LOG)"
		fi
		rm -rf "$NDIR.tmp"
		mkdir -p "$NDIR.tmp"
		for p in "${pkgs[@]}"; do
			deb=$(find "$DEBS" -maxdepth 1 -name "${p}_*.deb" | sort -V | tail -n 1)
			[[ -n $deb ]] || gv_die "$p .deb not found after download"
			dpkg-deb -x "$deb" "$NDIR.tmp"
		done
		# Its Makefile includes the -common one by absolute path.
		mk=$NDIR.tmp/usr/src/linux-headers-$NABI/Makefile
		[[ -f $mk ]] || gv_die "no $mk in the extracted headers"
		sed -i "s|^include /usr/src/|include $NDIR/usr/src/|" "$mk"
		printf '%s\n' "$NABI" >"$NDIR.tmp/.gv-stamp"
		rm -rf "$NDIR"
		mv "$NDIR.tmp" "$NDIR"
		rm -f "$DEBS"/linux-headers-"$nver"* "$DEBS"/linux-kbuild-"$nver"*
		step "linux-headers-$NABI extracted ($NDIR)"
	fi
	printf '%s\n' "$NABI" >"$GV_CACHE/new-kabi"
fi

# 7. Static guest helpers (cheap; also proves gcc + static libc work).
gv_build_guest_tools
step "guest tools ok ($GV_BUILD/rig/bin)"
exit
}
