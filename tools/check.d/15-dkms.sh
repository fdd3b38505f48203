#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 15: packaging, as a user installs greenvisor (docs/install.md).
#
#  install/*   `make install` into a DESTDIR (modules signed with a throwaway
#              key through SIGN_KEY/SIGN_CERT: modinfo must show the signer),
#              the exact file list, then `make uninstall` leaves no file of
#              ours (depmod's index files stay, as on a real system);
#  dkms/*      `make dkms-source`, then `dkms add`, `dkms build`, `dkms install`
#              for the lab-box kernel against its Debian headers: every module
#              the build produced is listed in dkms.conf, the module is in
#              /lib/modules/<kver>/updates/dkms with a modules.dep line, the
#              version matches, DKMS signed it (its MOK key, generated in
#              /var/lib/dkms/ when missing, as on Debian 12);
#              then one Bochs boot (1 CPU) whose initramfs carries
#              /lib/modules/<kver>/updates/dkms/ as installed plus
#              modules.dep: `modprobe greenvisor`, CPUID leaf and hvctl
#              status, `modprobe -r` (guest suite tools/rig/suites/dkms.sh);
#              `dkms remove --all` leaves nothing of greenvisor behind.
#
# DKMS works system-wide (/usr/src, /var/lib/dkms, /lib/modules) when run as
# root, serialised host-wide by a lock; a greenvisor DKMS registration that
# this stage did not make is never touched (the stage fails instead). As
# non-root, or with GV_DKMS_PRIVATE=1, it uses private trees under
# build/check/dkms/root (dkms --sourcetree/--dkmstree/--installtree; depmod
# on that tree); as non-root DKMS cannot sign (dkms/signed skips).
#
# Env: GV_DKMS_PRIVATE=1, GV_DKMS_BOOT=0 (skip the Bochs boot),
# GV_DKMS_TIMEOUT (s, default 900).
# Artifacts in build/check/dkms/: *.log, payload/, dkms.cpio, serial.log.
# The checks are functions that only step() calls.
# shellcheck disable=SC2317
set -euo pipefail

GV_PROG=15-dkms
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../rig/lib.sh"

OUT=$GV_BUILD/check/dkms
KVER=$(gv_kabi)
KDIR=/usr/src/linux-headers-$KVER
NAME=greenvisor
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$GV_ROOT/dkms.conf")
T0=$SECONDS
rc=0
rm -rf "$OUT"
mkdir -p "$OUT"
[[ -n $VER ]] || gv_die "no PACKAGE_VERSION in dkms.conf"
[[ -d $KDIR ]] || gv_die "no headers at $KDIR: run tools/rig/deps.sh"
command -v dkms >/dev/null || gv_die "dkms not installed: run tools/rig/deps.sh"

# step NAME LOG CMD...: run CMD, record PASS/FAIL with the log's tail.
step() {
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		gv_result PASS "$name"
	else
		tail -n 15 "$log" >&2
		gv_result FAIL "$name" "see ${log#"$GV_ROOT"/}"
		rc=1
		return 1
	fi
}

# ---------------------------------------------------------------------------
# make install / uninstall into a DESTDIR, signing with a throwaway key.

KEYDIR=$OUT/key
mkdir -p "$KEYDIR"
openssl req -new -x509 -nodes -days 1 -subj "/CN=greenvisor CI throwaway key" \
	-newkey rsa:2048 -keyout "$KEYDIR/key.pem" -outform DER \
	-out "$KEYDIR/cert.der" >"$OUT/openssl.log" 2>&1 ||
	gv_die "openssl could not make a throwaway key (log: $OUT/openssl.log)"

DEST=$OUT/destdir
EXPECT_INSTALL="lib/modules/$KVER/updates/greenvisor/greenvisor.ko
lib/modules/$KVER/updates/greenvisor/hypapps/greenvisor-hello.ko
usr/share/bash-completion/completions/hvctl
usr/share/doc/greenvisor/examples/modprobe.d/greenvisor.conf
usr/share/man/man8/hvctl.8
usr/sbin/hvctl"

# Files of ours under DEST: everything but depmod's index files.
our_files() {
	(cd "$DEST" && find . -type f ! -path "./lib/modules/$KVER/modules.*" |
		sed 's|^\./||' | LC_ALL=C sort)
}

make_install() {
	rm -rf "$DEST"
	make -C "$GV_ROOT" KVER="$KVER" KDIR="$KDIR" DESTDIR="$DEST" PREFIX=/usr \
		SIGN_KEY="$KEYDIR/key.pem" SIGN_CERT="$KEYDIR/cert.der" install || return 1
	local got want
	got=$(our_files)
	want=$(LC_ALL=C sort <<<"$EXPECT_INSTALL")
	echo "installed:"
	echo "${got//$'\n'/$'\n'  }"
	[[ $got == "$want" ]] || { echo "expected:"; echo "${want//$'\n'/$'\n'  }"; return 1; }
	grep -q "^updates/greenvisor/greenvisor.ko:" "$DEST/lib/modules/$KVER/modules.dep" ||
		{ echo "modules.dep has no updates/greenvisor/greenvisor.ko line"; return 1; }
	# A hypapp depends on greenvisor (it uses its symbols).
	grep -q "^updates/greenvisor/hypapps/greenvisor-hello.ko: updates/greenvisor/greenvisor.ko" \
		"$DEST/lib/modules/$KVER/modules.dep" ||
		{ echo "modules.dep has no hello line depending on greenvisor.ko"; return 1; }
	[[ -x $DEST/usr/sbin/hvctl ]] || { echo "hvctl not executable"; return 1; }
}
step install/files "$OUT/install.log" make_install || true

# The installed man page renders without warnings and documents every
# object of hvctl (its objects[] table); the completion parses and offers
# every object.
man_and_completion() {
	local man=$DEST/usr/share/man/man8/hvctl.8 comp=$DEST/usr/share/bash-completion/completions/hvctl
	local objs o bad=0
	groff -man -ww -z "$man" 2>&1 | tee "$OUT/groff.out"
	[[ ! -s $OUT/groff.out ]] || { echo "groff warnings"; bad=1; }
	bash -n "$comp" || bad=1
	objs=$(sed -n '/objects\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z]*\)",.*/\1/p' \
		"$GV_ROOT/userspace-tool/hvctl.c")
	[[ -n $objs ]] || { echo "no objects[] table found in hvctl.c"; return 1; }
	for o in $objs; do
		if ! grep -qE "^\.(B|BR|BI) \"?$o( |\"|\$)" "$man"; then
			echo "hvctl.8 does not document '$o'"
			bad=1
		fi
		if ! grep -qE "objects=\"[^\"]*\b$o\b" "$comp"; then
			echo "the completion does not offer '$o'"
			bad=1
		fi
	done
	echo "objects: $objs"
	((bad == 0))
}
step install/man_completion "$OUT/man-completion.log" man_and_completion || true

install_signed() {
	local ko=$DEST/lib/modules/$KVER/updates/greenvisor/greenvisor.ko signer
	signer=$(modinfo -F signer "$ko")
	echo "signer: '$signer', hash: '$(modinfo -F sig_hashalgo "$ko")'"
	[[ $signer == "greenvisor CI throwaway key" ]]
}
step install/signed "$OUT/install-signed.log" install_signed || true

make_uninstall() {
	make -C "$GV_ROOT" KVER="$KVER" KDIR="$KDIR" DESTDIR="$DEST" PREFIX=/usr \
		uninstall || return 1
	local left
	left=$(our_files)
	[[ -z $left ]] || { echo "left behind:"; echo "${left//$'\n'/$'\n'  }"; return 1; }
	! grep -q greenvisor "$DEST/lib/modules/$KVER/modules.dep" ||
		{ echo "modules.dep still lists greenvisor"; return 1; }
}
step install/uninstall "$OUT/uninstall.log" make_uninstall || true

# ---------------------------------------------------------------------------
# DKMS.

PRIVATE=${GV_DKMS_PRIVATE:-0}
((EUID == 0)) || PRIVATE=1
if ((PRIVATE)); then
	R=$OUT/root
	mkdir -p "$R/usr/src" "$R/var/lib/dkms" "$R/lib/modules/$KVER"
	DKMS=(dkms --sourcetree "$R/usr/src" --dkmstree "$R/var/lib/dkms"
		--installtree "$R/lib/modules" --kernelsourcedir "$KDIR" --no-depmod)
	gv_msg "DKMS in private trees under $R"
else
	R=
	DKMS=(dkms)
	# /usr/src, /var/lib/dkms and /lib/modules are host-wide.
	exec {dkmslock}>>/tmp/greenvisor-dkms.lock
	flock "$dkmslock"
fi
SRCDIR=$R/usr/src/$NAME-$VER
TREE=$R/var/lib/dkms/$NAME
MDIR=$R/lib/modules/$KVER
MARK=.greenvisor-ci

# A leftover of an interrupted run of this stage (its marker file) is
# removed; anybody else's greenvisor in DKMS is left alone.
if [[ -e $TREE || -e $SRCDIR ]]; then
	if [[ -f $SRCDIR/$MARK ]]; then
		gv_msg "removing a leftover DKMS registration of an earlier run"
		"${DKMS[@]}" remove "$NAME/$VER" --all >/dev/null 2>&1 || true
		rm -rf "$SRCDIR" "$TREE"
	else
		gv_result FAIL dkms/preflight "greenvisor is already in DKMS on this machine ($TREE or $SRCDIR) and not by this stage: remove it or run with GV_DKMS_PRIVATE=1"
		exit 1
	fi
fi

# What was in /lib/modules/<kver> before (restored at the end).
before=$(ls -A "$MDIR" 2>/dev/null || true)

dkms_add() {
	make -C "$GV_ROOT" DESTDIR="$R" dkms-source || return 1
	touch "$SRCDIR/$MARK"
	"${DKMS[@]}" add "$NAME/$VER"
}
dkms_build() {
	"${DKMS[@]}" build "$NAME/$VER" -k "$KVER"
}
# Every module the build produced is one dkms.conf lists. DKMS cleans its
# build directory afterwards: the modules built are the "LD [M] *.ko" lines
# of its make.log; DKMS keeps the ones dkms.conf lists in MODULE_DIR.
# listed_modules MAKE_LOG MODULE_DIR: prints "ok NAME" or "unlisted NAME".
listed_modules() {
	local m
	awk '$1 == "LD" && $2 == "[M]" && $3 ~ /\.ko$/ { print $3 }' "$1" |
		while read -r m; do
			m=${m##*/}
			m=${m%.ko}
			if [[ -f $2/$m.ko ]]; then
				echo "ok $m"
			else
				echo "unlisted $m"
			fi
		done
}
dkms_modules_listed() {
	local log=$TREE/$VER/$KVER/x86_64/log/make.log out
	[[ -f $log ]] || { echo "no $log"; return 1; }
	cp "$log" "$OUT/dkms-make.log"
	out=$(listed_modules "$log" "$TREE/$VER/$KVER/x86_64/module")
	echo "$out"
	mapfile -t MODS < <(sed -n 's/^ok //p' <<<"$out")
	((${#MODS[@]})) || { echo "no module built (no LD [M] *.ko line in $log)"; return 1; }
	! grep -q '^unlisted ' <<<"$out" || { echo "built but not in dkms.conf's GV_MODULES"; return 1; }
}
# ... and it can fail: a hypapp the build made but dkms.conf omits.
modules_listed_selftest() {
	local t out
	t=$(mktemp -d)
	mkdir -p "$t/module"
	printf '  LD [M]  /x/build/greenvisor.ko\n  LD [M]  /x/build/hypapps/greenvisor-hello.ko\n' >"$t/make.log"
	touch "$t/module/greenvisor.ko"
	out=$(listed_modules "$t/make.log" "$t/module")
	rm -rf "$t"
	echo "$out"
	grep -qx 'ok greenvisor' <<<"$out" && grep -qx 'unlisted greenvisor-hello' <<<"$out"
}
step dkms/modules_listed_selftest "$OUT/dkms-modules-selftest.log" modules_listed_selftest || true

dkms_install() {
	"${DKMS[@]}" install "$NAME/$VER" -k "$KVER" || return 1
	((PRIVATE)) && { depmod -b "$R" -a "$KVER" || return 1; }
	"${DKMS[@]}" status "$NAME/$VER" -k "$KVER"
	"${DKMS[@]}" status "$NAME/$VER" -k "$KVER" | grep -q ': installed' || return 1
	local m
	for m in "${MODS[@]}"; do
		[[ -f $MDIR/updates/dkms/$m.ko ]] || { echo "no $MDIR/updates/dkms/$m.ko"; return 1; }
		grep -q "^updates/dkms/$m.ko:" "$MDIR/modules.dep" ||
			{ echo "no updates/dkms/$m.ko line in $MDIR/modules.dep"; return 1; }
	done
}
dkms_version() {
	local ko=$MDIR/updates/dkms/greenvisor.ko v vm
	v=$(modinfo -F version "$ko")
	vm=$(modinfo -F vermagic "$ko")
	echo "version '$v' (dkms.conf: '$VER'), vermagic '$vm'"
	[[ $v == "$VER" && $vm == "$KVER "* ]]
}
dkms_signed() {
	local ko=$MDIR/updates/dkms/greenvisor.ko signer
	signer=$(modinfo -F signer "$ko")
	echo "signer: '$signer', hash: '$(modinfo -F sig_hashalgo "$ko")'"
	[[ -n $signer ]]
}

MODS=()
if step dkms/add "$OUT/dkms-add.log" dkms_add &&
	step dkms/build "$OUT/dkms-build.log" dkms_build &&
	step dkms/modules_listed "$OUT/dkms-modules.log" dkms_modules_listed; then
	step dkms/install "$OUT/dkms-install.log" dkms_install || true
fi

# The installed modules, as DKMS put them, for the guest.
PAYLOAD=$OUT/payload
have_ko=0
if [[ -f $MDIR/updates/dkms/greenvisor.ko ]]; then
	have_ko=1
	step dkms/version "$OUT/dkms-version.log" dkms_version || true
	if ((PRIVATE)) && [[ -z $(modinfo -F signer "$MDIR/updates/dkms/greenvisor.ko") ]]; then
		gv_result SKIP dkms/signed "not signed: as non-root DKMS cannot read or make its key /var/lib/dkms/mok.key"
	else
		step dkms/signed "$OUT/dkms-signed.log" dkms_signed || true
	fi
	gv_mkpayload "$PAYLOAD" "run:$GV_RIG/suites/dkms.sh" hvctl cpuid
	mkdir -p "$PAYLOAD/.root/lib/modules/$KVER/updates"
	cp -a "$MDIR/updates/dkms" "$PAYLOAD/.root/lib/modules/$KVER/updates/"
	printf 'modules: %s\n' "${MODS[*]}" >"$PAYLOAD/expect"
fi

dkms_remove() {
	"${DKMS[@]}" remove "$NAME/$VER" --all || return 1
	((PRIVATE)) && { depmod -b "$R" -a "$KVER" || return 1; }
	return 0
}
# Nothing of greenvisor is left where DKMS works. (`dkms remove` keeps the
# sources it was given: /usr/src/greenvisor-VERSION goes by hand, as
# docs/install.md says.)
dkms_leaves_nothing() {
	local left=0 f
	if "${DKMS[@]}" status "$NAME" 2>/dev/null | grep -q .; then
		echo "dkms status still lists: $("${DKMS[@]}" status "$NAME")"
		left=1
	fi
	[[ ! -e $TREE ]] || { echo "$TREE still exists"; left=1; }
	f=$(find "$MDIR/" -name 'greenvisor*.ko*' 2>/dev/null)
	[[ -z $f ]] || { echo "modules left: $f"; left=1; }
	if [[ -f $MDIR/modules.dep ]] && grep -q greenvisor "$MDIR/modules.dep"; then
		echo "$MDIR/modules.dep still lists greenvisor"
		left=1
	fi
	rm -rf "$SRCDIR"
	((left == 0))
}
if [[ -e $TREE ]]; then
	step dkms/remove "$OUT/dkms-remove.log" dkms_remove || true
	step dkms/leaves_nothing "$OUT/dkms-leftovers.log" dkms_leaves_nothing || true
fi
# Put /lib/modules/<kver> back as it was (depmod's index files, an empty
# updates/ directory), so that the host looks untouched.
if [[ -d $MDIR ]]; then
	shopt -s dotglob nullglob
	for f in "$MDIR"/*; do
		grep -qxF "${f##*/}" <<<"$before" || rm -rf "$f"
	done
	shopt -u dotglob nullglob
fi
if [[ -n ${dkmslock:-} ]]; then
	exec {dkmslock}>&-
fi
gv_msg "host part took $((SECONDS - T0)) s"

# ---------------------------------------------------------------------------
# Boot the lab box with the DKMS-installed module.

if [[ ${GV_DKMS_BOOT:-1} == 0 ]]; then
	gv_result SKIP dkms/boot "GV_DKMS_BOOT=0"
	exit "$rc"
fi
if ((!have_ko)); then
	gv_result FAIL dkms/boot "no module installed by DKMS to boot with"
	exit 1
fi
# hvctl is optional in the guest (its test skips); build it if needed.
make -C "$GV_ROOT/userspace-tool" hvctl-static >"$OUT/hvctl.log" 2>&1 || true
gv_mkpayload "$OUT/payload-tools" hvctl
cp -a "$OUT/payload-tools/." "$PAYLOAD/"
# No Debian module is needed: the initramfs has only the DKMS tree, and
# mkinitramfs.sh runs depmod on it.
"$GV_RIG/mkinitramfs.sh" -o "$OUT/dkms.cpio" -m "" "$PAYLOAD" ||
	gv_die "mkinitramfs.sh failed"
# The initramfs must carry the module where DKMS put it, with modules.dep.
listing=$(cpio -it <"$OUT/dkms.cpio" 2>/dev/null | sed "s|^\./||")
for f in "lib/modules/$KVER/updates/dkms/greenvisor.ko" "lib/modules/$KVER/modules.dep"; do
	grep -qxF "$f" <<<"$listing" || {
		gv_result FAIL dkms/initramfs "$f is not in $OUT/dkms.cpio"
		exit 1
	}
done
gv_result PASS dkms/initramfs
LOG=$OUT/serial.log
TB=$SECONDS
if ! gv_boot_bochs --initrd "$OUT/dkms.cpio" --log "$LOG" --name dkms \
	--cpus 1 --model haswell --timeout "${GV_DKMS_TIMEOUT:-900}"; then
	gv_msg "run-bochs.sh failed; results from what the guest reported"
fi
gv_collect_serial "$LOG" dkms || rc=1
gv_msg "boot: $(cat "$GV_BUILD/rig/bochs-dkms/times" 2>/dev/null || echo 'no times') ($((SECONDS - TB)) s with the wait for a slot)"
gv_msg "stage took $((SECONDS - T0)) s"
exit "$rc"
