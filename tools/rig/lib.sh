# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# greenvisor rig library: sourced by tools/check.sh, tools/check.d/*.sh and the
# tools/rig/*.sh scripts.  Safe under `set -euo pipefail`.
#
# Paths
#   GV_ROOT      repo root                 GV_BUILD    $GV_ROOT/build
#   GV_CACHE     $GV_BUILD/cache           GV_RESULTS  $GV_BUILD/results/results.txt
#
# Functions (see docs/rigs.md for the full description)
#   gv_msg TEXT...                      message to stderr, prefixed by the script name
#   gv_die TEXT...                      gv_msg "error: ..." and exit 1
#   gv_kabi                             ABI of the lab-box kernel (e.g. 6.1.0-56-amd64)
#   gv_kernel_dir / gv_vmlinuz          extracted linux-image (deps.sh fills it)
#   gv_result PASS|FAIL|SKIP NAME [DETAIL]
#   gv_collect_serial SERIAL_LOG SUITE [EXPECTED_WARNING_ERE]
#   gv_mkpayload OUTDIR ITEM...         assemble a payload directory
#   gv_boot_bochs / gv_boot_qemu ARGS   run-bochs.sh / run-qemu.sh
#   gv_build_guest_tools                build the static guest helpers (cached)

[[ -n ${GV_LIB_LOADED:-} ]] && return 0
GV_LIB_LOADED=1
# Set by gv_watch_emulator for the callers.
# shellcheck disable=SC2034
: "${GV_T_BOOT:=} ${GV_T_DONE:=} ${GV_T_END:=} ${GV_EMU_STATUS:=}"

GV_ROOT=${GV_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
GV_RIG=$GV_ROOT/tools/rig
GV_BUILD=${GV_BUILD:-$GV_ROOT/build}
GV_CACHE=$GV_BUILD/cache
GV_RESULTS=${GV_RESULTS:-$GV_BUILD/results/results.txt}
export GV_ROOT GV_BUILD GV_RESULTS

gv_msg() {
	printf '%s: %s\n' "${GV_PROG:-${0##*/}}" "$*" >&2
}

gv_die() {
	gv_msg "error: $*"
	exit 1
}

# Kernel ABI of the emulated lab box.  Order: $GV_KABI, $KVER (exported by the
# top-level Makefile), what deps.sh resolved, the newest installed headers.
gv_kabi() {
	local abi=${GV_KABI:-${KVER:-}}
	if [[ -z $abi && -s $GV_CACHE/kabi ]]; then
		abi=$(<"$GV_CACHE/kabi")
	fi
	if [[ -z $abi ]]; then
		abi=$("$GV_RIG/kver" 2>/dev/null || true)
	fi
	[[ -n $abi ]] || gv_die "cannot tell the kernel ABI: run tools/rig/deps.sh (as root) first"
	printf '%s\n' "$abi"
}

gv_kernel_dir() {
	local dir
	dir=$GV_CACHE/kernel-$(gv_kabi)
	[[ -f $dir/.gv-stamp ]] ||
		gv_die "kernel image not extracted in $dir: run tools/rig/deps.sh (as root)"
	printf '%s\n' "$dir"
}

gv_vmlinuz() {
	local dir
	dir=$(gv_kernel_dir)
	printf '%s\n' "$dir/boot/vmlinuz-$(gv_kabi)"
}

# Build the static guest helpers (gv-poweroff, gv-cpuid) into build/rig/bin.
gv_build_guest_tools() {
	local bin=$GV_BUILD/rig/bin t src
	mkdir -p "$bin"
	for t in gv-poweroff gv-cpuid; do
		src=$GV_RIG/guest/$t.c
		if [[ ! -x $bin/$t || $src -nt $bin/$t ]]; then
			gcc -static -Os -s -Wall -Wextra -o "$bin/$t.tmp" "$src" ||
				gv_die "cannot build $t (needs gcc and libc6-dev)"
			mv -f "$bin/$t.tmp" "$bin/$t"
		fi
	done
}

# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------

# gv_result PASS|FAIL|SKIP NAME [DETAIL]
# Appends "STATUS<TAB>NAME<TAB>DETAIL" to $GV_RESULTS and prints
# "STATUS NAME[: DETAIL]" (to fd $GV_RESULT_FD when tools/check.sh runs us).
gv_result() {
	local status=${1:-} name=${2:-} detail=${3:-} line
	case $status in
	PASS | FAIL | SKIP) ;;
	*) gv_die "gv_result: status must be PASS, FAIL or SKIP, not '$status'" ;;
	esac
	[[ -n $name ]] || gv_die "gv_result: missing test name"
	name=${name//[[:space:]]/_}
	detail=${detail//[$'\t\r\n']/ }
	mkdir -p "$(dirname "$GV_RESULTS")"
	printf '%s\t%s\t%s\n' "$status" "$name" "$detail" >>"$GV_RESULTS"
	line="$status $name${detail:+: $detail}"
	if [[ -n ${GV_RESULT_FD:-} ]] && { true >&"$GV_RESULT_FD"; } 2>/dev/null; then
		printf '%s\n' "$line" >&"$GV_RESULT_FD"
	fi
	# Always also in the stage's own output (its log under check.sh).
	printf '%s\n' "$line"
}

# Known emulator quirks, for gv_collect_serial's EXPECTED_WARNING_ERE:
# Bochs's corei7_skylake_x makes 6.1 WARN in fpu__init_system_xstate at boot.
# shellcheck disable=SC2034
GV_WARN_BOCHS_SKYLAKE_XSTATE='WARNING: CPU: [0-9]+ PID: [0-9]+ at arch/x86/kernel/fpu/xstate\.c:[0-9]+ '

# Kernel log lines that always mean trouble.
GV_KERNEL_BAD_ERE='(Oops: |BUG: |kernel BUG at|general protection fault|Kernel panic|WARNING: )'

# gv_collect_serial SERIAL_LOG SUITE [EXPECTED_WARNING_ERE]
#
# Turns the "GVT: ..." lines of a serial log into results named
# SUITE/<guest-suite>/<test> (just SUITE/<test> when the guest suite is SUITE)
# and adds FAIL results when
#   - a guest suite reported fewer (or more) tests than its PLAN lines add up
#     to: one FAIL "<suite>/missing#i" per missing test;
#   - "GV-RIG: done" is missing (guest crashed, hung or timed out): SUITE/rig;
#   - the log has an Oops/BUG:/general protection fault/Kernel panic/WARNING:
#     line not matched by EXPECTED_WARNING_ERE: SUITE/kernel-log;
#   - the log has no GVT result line at all: SUITE/results.
# Returns 0 when nothing failed, 1 otherwise.
gv_collect_serial() {
	local log=${1:-} suite=${2:-} okre=${3:-} failed=0
	local kind id detail name gsuite tname
	[[ -n $log && -n $suite ]] || gv_die "usage: gv_collect_serial SERIAL_LOG SUITE [EXPECTED_WARNING_ERE]"
	if [[ ! -s $log ]]; then
		gv_result FAIL "$suite/rig" "serial log $log is missing or empty (emulator did not start?)"
		return 1
	fi
	while IFS=$'\t' read -r kind id detail; do
		case $kind in
		PASS | FAIL | SKIP | MISSING)
			gsuite=${id%%/*}
			tname=${id#*/}
			if [[ $id != */* ]]; then
				name=$suite/$id
			elif [[ $gsuite == "$suite" ]]; then
				name=$suite/$tname
			else
				name=$suite/$id
			fi
			[[ $kind == MISSING ]] && kind=FAIL
			[[ $kind == FAIL ]] && failed=1
			gv_result "$kind" "$name" "$detail"
			;;
		RIG | KERNEL | NORESULTS)
			failed=1
			case $kind in
			RIG) name=$suite/rig ;;
			KERNEL) name=$suite/kernel-log ;;
			*) name=$suite/results ;;
			esac
			gv_result FAIL "$name" "$detail"
			;;
		KLINE)
			printf '  kernel: %s\n' "$id"
			;;
		esac
	done < <(GV_OKRE=$okre GV_BAD=$GV_KERNEL_BAD_ERE awk '
		function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
		{ gsub(/\r/, "") }
		/GV-RIG: boot ok/ { boot = 1 }
		/GV-RIG: done/ { done = 1 }
		NF { last[++nl % 3] = $0 }
		match($0, /GVT: (PLAN|PASS|FAIL|SKIP) /) {
			s = substr($0, RSTART + 5)
			kind = substr(s, 1, 4)
			rest = trim(substr(s, 6))
			if (kind == "PLAN") {
				n = split(rest, a, /[ \t]+/)
				if (!(a[1] in plan)) order[++ns] = a[1]
				plan[a[1]] += a[2] + 0
				next
			}
			id = rest; reason = ""
			p = index(rest, ": ")
			if (p) { id = substr(rest, 1, p - 1); reason = substr(rest, p + 2) }
			id = trim(id); gsub(/[ \t]/, "_", id)
			g = id; sub(/\/.*/, "", g)
			seen[g]++
			results++
			print kind "\t" id "\t" reason
			next
		}
		$0 ~ ENVIRON["GV_BAD"] {
			l = $0
			sub(/^.*GV-DMESG: /, "", l)
			sub(/^<[0-9]+>/, "", l)
			sub(/^\[ *[0-9]+\.[0-9]+\] */, "", l)
			if (ENVIRON["GV_OKRE"] != "" && l ~ ENVIRON["GV_OKRE"]) next
			if (l in kseen) next
			kseen[l] = 1
			kl[++nk] = l
		}
		END {
			for (i = 1; i <= ns; i++) {
				g = order[i]
				got = seen[g] + 0
				if (got < plan[g]) {
					for (j = 1; j <= plan[g] - got; j++)
						print "MISSING\t" g "/missing#" j "\tplanned " plan[g] " tests, " got " reported"
				} else if (got > plan[g]) {
					print "MISSING\t" g "/plan\tplanned " plan[g] " tests, " got " reported"
				}
			}
			if (!done) {
				t = ""
				for (i = nl - 2; i <= nl; i++) if (i > 0) t = t " | " trim(last[i % 3])
				if (!boot)
					print "RIG\t-\tguest never reached /init (no \"GV-RIG: boot ok\"); last lines:" t
				else
					print "RIG\t-\tguest did not finish (no \"GV-RIG: done\": crash, hang or timeout); last lines:" t
			}
			for (i = 1; i <= nk; i++) print "KLINE\t" kl[i]
			if (nk)
				print "KERNEL\t-\t" nk " unexpected kernel problem line(s), first: " kl[1]
			if (!results && !ns && done)
				print "NORESULTS\t-\tno GVT result lines in the log"
		}
	' "$log")
	return "$failed"
}

# ---------------------------------------------------------------------------
# Payloads
# ---------------------------------------------------------------------------

# Copy an ELF binary and, if it is dynamic, its libraries and loader (found
# with ldd) into OUTDIR/.root (mkinitramfs.sh copies .root to / of the guest).
gv_payload_bin() {
	local out=$1 src=$2 dest=$3 lib
	install -D -m 0755 "$src" "$out/$dest"
	if ldd "$src" >/dev/null 2>&1; then
		while read -r lib; do
			[[ -n $lib && -e $lib ]] || continue
			mkdir -p "$out/.root$(dirname "$lib")"
			cp -L "$lib" "$out/.root$lib"
		done < <(ldd "$src" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
	fi
}

# Copy a kernel module without its debug info (1.5 MB -> 110 KB for
# greenvisor.ko; the guest needs only the symbols).
gv_payload_ko() {
	if ! strip --strip-debug -o "$2" "$1" 2>/dev/null; then
		cp "$1" "$2"
	fi
	chmod 0644 "$2"
}

# gv_mkpayload OUTDIR ITEM...
# ITEM is one of
#   run:FILE          the payload's entry script (becomes run.sh)
#   module            greenvisor.ko (and greenvisor-*.ko) from the repo root;
#                     missing modules only produce a warning
#   hvctl             userspace-tool/hvctl (+ its shared libraries), or
#                     userspace-tool/hvctl-static if it is up to date
#   cpuid             the gv-cpuid probe (tools/rig/guest/gv-cpuid.c)
#   bin:FILE[=DEST]   an executable (+ its shared libraries if dynamic)
#   FILE[=DEST]       a file or directory, copied to DEST (default: its basename)
# Kernel modules (module, *.ko files) are copied without debug info.
# DEST is relative to /payload in the guest.  OUTDIR is created (emptied first).
gv_mkpayload() {
	local out=${1:-} item src dest ko found
	[[ -n $out ]] || gv_die "usage: gv_mkpayload OUTDIR ITEM..."
	shift
	rm -rf "$out"
	mkdir -p "$out"
	for item in "$@"; do
		case $item in
		run:*)
			src=${item#run:}
			[[ -f $src ]] || gv_die "payload run script $src not found"
			install -m 0755 "$src" "$out/run.sh"
			;;
		module)
			found=0
			for ko in "$GV_ROOT"/greenvisor.ko "$GV_ROOT"/greenvisor-*.ko "$GV_ROOT"/hypapps/*.ko; do
				[[ -f $ko ]] || continue
				gv_payload_ko "$ko" "$out/${ko##*/}"
				found=1
			done
			((found)) || gv_msg "warning: greenvisor.ko not built (run 'make modules'); payload has no module"
			;;
		hvctl)
			src=$GV_ROOT/userspace-tool/hvctl
			# A static build, if there is an up-to-date one, needs no libraries.
			if [[ -x $src-static && ! $src -nt $src-static ]]; then
				install -D -m 0755 "$src-static" "$out/bin/hvctl"
			elif [[ -x $src ]]; then
				gv_payload_bin "$out" "$src" bin/hvctl
			else
				gv_msg "warning: userspace-tool/hvctl not built (run 'make hvctl'); payload has no hvctl"
			fi
			;;
		cpuid)
			gv_build_guest_tools
			install -D -m 0755 "$GV_BUILD/rig/bin/gv-cpuid" "$out/bin/gv-cpuid"
			;;
		bin:*)
			src=${item#bin:}
			dest=bin/${src##*/}
			if [[ $src == *=* ]]; then
				dest=${src##*=}
				src=${src%=*}
			fi
			[[ -f $src ]] || gv_die "payload binary $src not found"
			gv_payload_bin "$out" "$src" "$dest"
			;;
		*)
			src=$item
			dest=${src##*/}
			if [[ $item == *=* ]]; then
				src=${item%=*}
				dest=${item##*=}
			fi
			[[ -e $src ]] || gv_die "payload item $src not found"
			mkdir -p "$(dirname "$out/$dest")"
			if [[ -f $src && $src == *.ko ]]; then
				gv_payload_ko "$src" "$out/$dest"
			else
				cp -a "$src" "$out/$dest"
			fi
			;;
		esac
	done
}

# ---------------------------------------------------------------------------
# Emulators
# ---------------------------------------------------------------------------

gv_boot_bochs() { "$GV_RIG/run-bochs.sh" "$@"; }
gv_boot_qemu() { "$GV_RIG/run-qemu.sh" "$@"; }

# Number of emulator processes on this machine (pgrep patterns must stay
# within the 15 characters of a process name).
gv_emulators_running() {
	local b q
	b=$(pgrep -c -x bochs-bin || true)
	q=$(pgrep -c '^qemu-system' || true)
	echo $((${b:-0} + ${q:-0}))
}

# Host-wide lock so that at most GV_EMU_SLOTS (default 1) emulators run at
# once on this machine, across work trees (GV_EMU_LOCK=none disables it).
# Sets GV_EMU_LOCK_FD; the lock is released when the caller exits.
gv_emu_lock() {
	local base=${GV_EMU_LOCK:-/tmp/greenvisor-emulator.lock} slots=${GV_EMU_SLOTS:-1} i waited=0
	[[ $base == none ]] && return 0
	command -v flock >/dev/null || return 0
	while :; do
		for ((i = 0; i < slots; i++)); do
			exec {GV_EMU_LOCK_FD}>>"$base.$i"
			if flock -n "$GV_EMU_LOCK_FD"; then
				# Emulators started without this lock (other tools) count too.
				while [[ ${GV_EMU_WAIT_FOREIGN:-1} == 1 ]] &&
					(($(gv_emulators_running) >= slots)); do
					((waited % 60 == 0)) && gv_msg "waiting for other emulators on this machine to finish ($( { pgrep -a -x bochs-bin; pgrep -a '^qemu-system'; } | head -n 2 | tr '\n' ' '))"
					sleep 2
					waited=$((waited + 2))
				done
				((waited)) && gv_msg "got emulator slot $i after ${waited}s"
				return 0
			fi
			exec {GV_EMU_LOCK_FD}>&-
		done
		((waited % 60 == 0)) && gv_msg "waiting for a free emulator slot ($base.*, GV_EMU_SLOTS=$slots)"
		sleep 2
		waited=$((waited + 2))
	done
}

# gv_watch_emulator PID SERIAL_LOG NAME
# Waits for the emulator PID; records the times at which the serial log shows
# "GV-RIG: boot ok" and "GV-RIG: done", and stops the emulator when the guest
# is done but does not power off, panicked, or rebooted (second isolinux
# banner).  Sets GV_T_BOOT, GV_T_DONE, GV_T_END (seconds) and GV_EMU_STATUS.
gv_watch_emulator() {
	local pid=$1 log=$2 name=$3 t0=$SECONDS now stop_at=0 why=
	GV_T_BOOT=- GV_T_DONE=- GV_T_END=- GV_EMU_STATUS=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$((SECONDS - t0))
		[[ -s $log ]] || continue
		if [[ $GV_T_BOOT == - ]] && grep -q 'GV-RIG: boot ok' "$log"; then
			GV_T_BOOT=$now
		fi
		if [[ $GV_T_DONE == - ]] && grep -q 'GV-RIG: done' "$log"; then
			GV_T_DONE=$now
			stop_at=$((now + 30)) why="guest did not power off"
		fi
		if ((stop_at == 0)) && grep -q 'Kernel panic - not syncing' "$log"; then
			stop_at=$((now + 5)) why="guest kernel panicked"
		fi
		if ((stop_at == 0)) && (($(grep -c 'ISOLINUX [0-9]' "$log") > 1)); then
			stop_at=$now why="guest rebooted"
		fi
		if ((stop_at > 0 && now >= stop_at)); then
			gv_msg "$name: stopping the emulator: $why"
			kill "$pid" 2>/dev/null || true
			stop_at=$((now + 1000000))
		fi
	done
	wait "$pid" || GV_EMU_STATUS=$?
	GV_T_END=$((SECONDS - t0))
	if [[ $GV_T_DONE == - ]] && grep -q 'GV-RIG: done' "$log" 2>/dev/null; then
		GV_T_DONE=$GV_T_END
	fi
	if [[ $GV_T_BOOT == - ]] && grep -q 'GV-RIG: boot ok' "$log" 2>/dev/null; then
		GV_T_BOOT=$GV_T_END
	fi
}
