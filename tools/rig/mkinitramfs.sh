#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh -o OUT.cpio [options] [PAYLOAD_DIR...]
#
# Build the rig guest's initramfs: an uncompressed newc cpio (Bochs pays for
# every decompressed byte) holding
#   /bin/busybox + applet links     /sbin/gv-poweroff, /bin/gv-cpuid
#   /init                           mounts, "GV-RIG: boot ok", /payload/run.sh,
#                                   kernel warnings dump, "GV-RIG: done", power off
#   /lib/gvt/gvt.sh, /bin/tap2gvt   the GVT result protocol helpers
#   /lib/modules/<ABI>/...          kvm_intel and what it needs, and any
#                                   modules a payload's .root/ adds there;
#                                   modules.dep covers both (modprobe works)
#   /payload/                       the PAYLOAD_DIRs merged in order; a
#                                   PAYLOAD_DIR/.root/ tree goes to / instead
#
# Options
#   -o, --output FILE     output file (required)
#   -p, --payload DIR     payload directory (repeatable; same as positional)
#   -m, --modules "M..."  kernel modules to include with their dependencies
#                         (default "kvm_intel"; "" for none)
#   -z, --gzip            gzip the cpio (for QEMU; pointless for Bochs)
#   --abi ABI             kernel ABI (default: see gv_kabi in lib.sh)
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=mkinitramfs
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	sed -n '4,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

out='' gzip=0 modules=kvm_intel payloads=()
while (($#)); do
	case $1 in
	-o | --output) out=${2:?}; shift 2 ;;
	-p | --payload) payloads+=("${2:?}"); shift 2 ;;
	-m | --modules) modules=${2?}; shift 2 ;;
	-z | --gzip) gzip=1; shift ;;
	--abi) GV_KABI=${2:?}; shift 2 ;;
	-h | --help) usage ;;
	-*) gv_msg "unknown option $1"; usage ;;
	*) payloads+=("$1"); shift ;;
	esac
done
[[ -n $out ]] || { gv_msg "missing -o OUT"; usage; }

abi=$(gv_kabi)
command -v cpio >/dev/null || gv_die "cpio not installed: run tools/rig/deps.sh"
[[ -x /bin/busybox ]] || gv_die "/bin/busybox missing: install busybox-static (tools/rig/deps.sh)"
if ldd /bin/busybox >/dev/null 2>&1; then
	gv_die "/bin/busybox is not static: install busybox-static"
fi
gv_build_guest_tools

st=$(mktemp -d "${TMPDIR:-/tmp}/gv-initramfs.XXXXXX")
trap 'rm -rf "$st"' EXIT

mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,lib/gvt,payload,var/log}
chmod 1777 "$st/tmp"

# busybox and its applets (busybox --list-full gives each applet's path).
install -m 0755 /bin/busybox "$st/bin/busybox"
while read -r applet; do
	[[ -n $applet && ! -e $st/$applet ]] || continue
	mkdir -p "$st/$(dirname "$applet")"
	ln -s /bin/busybox "$st/$applet"
done < <(/bin/busybox --list-full)

install -m 0755 "$GV_BUILD/rig/bin/gv-poweroff" "$st/sbin/gv-poweroff"
install -m 0755 "$GV_BUILD/rig/bin/gv-cpuid" "$st/bin/gv-cpuid"
install -m 0644 "$GV_RIG/guest/gvt.sh" "$st/lib/gvt/gvt.sh"
install -m 0755 "$GV_RIG/guest/tap2gvt" "$st/bin/tap2gvt"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$st/etc/passwd"
printf 'root:x:0:\n' >"$st/etc/group"

# Kernel modules: the closure of $modules in modules.dep.
if [[ -n ${modules// /} ]]; then
	kdir=$GV_CACHE/kernel-$abi
	mdir=$kdir/lib/modules/$abi
	need_files() {
		awk -v want=" ${modules//-/_} " '
			{ f = $1; sub(/:$/, "", f); n = f; sub(/^.*\//, "", n); sub(/\.ko.*$/, "", n)
			  gsub(/-/, "_", n)
			  if (index(want, " " n " ")) { print f; for (i = 2; i <= NF; i++) print $i; found[n] = 1 } }
			END { split(want, w, " "); for (i in w) if (!(w[i] in found)) print "MISSING " w[i] }
		' "$mdir/modules.dep" | sort -u
	}
	files=$( [[ -f $mdir/modules.dep ]] && need_files || echo "MISSING modules.dep")
	broken=0
	while read -r f; do
		[[ $f == MISSING* || -f $mdir/$f ]] || broken=1
	done <<<"$files"
	if ((broken)) || [[ ! -f $mdir/modules.order ]]; then
		# e.g. `make M=<repo> clean` deleted the *.ko below build/cache.
		gv_msg "kernel modules in $mdir are incomplete; re-extracting (tools/rig/deps.sh)"
		GV_KABI=$abi "$GV_RIG/deps.sh" >&2
		files=$(need_files)
	fi
	if grep -q '^MISSING' <<<"$files"; then
		gv_die "not in $mdir/modules.dep: $(grep '^MISSING' <<<"$files" | cut -d' ' -f2- | tr '\n' ' ')"
	fi
	gm=$st/lib/modules/$abi
	mkdir -p "$gm"
	while read -r f; do
		mkdir -p "$gm/$(dirname "$f")"
		case $f in
		*.ko.xz) xz -dc "$mdir/$f" >"$gm/${f%.xz}" ;;
		*.ko.zst) zstd -qdc "$mdir/$f" >"$gm/${f%.zst}" ;;
		*.ko.gz) gzip -dc "$mdir/$f" >"$gm/${f%.gz}" ;;
		*) cp "$mdir/$f" "$gm/$f" ;;
		esac
	done <<<"$files"
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[[ -f $mdir/$f ]] && cp "$mdir/$f" "$gm/$f"
	done
fi

# Payloads.
for p in "${payloads[@]}"; do
	[[ -d $p ]] || gv_die "payload $p is not a directory"
	if [[ -d $p/.root ]]; then
		cp -a "$p/.root/." "$st/"
	fi
	tar -C "$p" --exclude=./.root -cf - . | tar -C "$st/payload" -xf -
done

# modules.dep for the modules above and those a payload put in
# .root/lib/modules/<ABI>/ (e.g. updates/dkms/greenvisor.ko: stage 15-dkms).
if [[ -d $st/lib/modules/$abi ]]; then
	depmod -b "$st" "$abi" 2>/dev/null || /bin/busybox depmod -b "$st" "$abi" ||
		gv_die "depmod failed for the initramfs"
fi

cat >"$st/init" <<'EOF'
#!/bin/sh
# greenvisor rig guest init (tools/rig/mkinitramfs.sh)
export PATH=/payload/bin:/payload:/sbin:/bin:/usr/sbin:/usr/bin
export HOME=/root TERM=vt100
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -d /sys/kernel/tracing ] && mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
hostname gvrig
echo "GV-RIG: boot ok"
echo "GV-RIG: kernel $(uname -r), $(nproc) cpu(s), uptime $(cut -d' ' -f1 /proc/uptime)s, cmdline: $(cat /proc/cmdline)"
if [ -f /payload/run.sh ]; then
	(cd /payload && sh ./run.sh)
	echo "GV-RIG: run.sh exit status $?"
else
	echo "GV-RIG: no /payload/run.sh"
fi
# Kernel messages at warning level or worse (the console only shows errors
# with `quiet`), for the host to scan for WARNING:/BUG:/Oops lines.
echo "GV-RIG: dmesg begin"
dmesg -r | grep '^<[0-4]>' | sed 's/^/GV-DMESG: /'
echo "GV-RIG: dmesg end"
echo "GV-RIG: done"
exec /sbin/gv-poweroff
EOF
chmod 0755 "$st/init"

mkdir -p "$(dirname "$out")"
if ((gzip)); then
	(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$out.tmp"
else
	(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
fi
mv -f "$out.tmp" "$out"
gv_msg "$out: $(du -h "$out" | cut -f1) (ABI $abi, modules: ${modules:-none}, payloads: ${payloads[*]:-none})"
exit
}
