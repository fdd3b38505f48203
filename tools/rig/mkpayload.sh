#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpayload.sh OUTDIR ITEM...  — command-line front end of gv_mkpayload
# (tools/rig/lib.sh).  ITEMs:
#   run:FILE          entry script (becomes /payload/run.sh)
#   module            greenvisor.ko (+ greenvisor-*.ko, hypapps/*.ko) from the repo root
#   hvctl             userspace-tool/hvctl with its shared libraries
#   cpuid             the gv-cpuid probe
#   bin:FILE[=DEST]   an executable (+ shared libraries if dynamic)
#   FILE[=DEST]       any file or directory (DEST relative to /payload)
# Then: tools/rig/mkinitramfs.sh -o initrd.cpio OUTDIR
{ # whole script parsed before it runs: safe to edit while running
set -euo pipefail

GV_PROG=mkpayload
# shellcheck source=tools/rig/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if (($# < 1)) || [[ $1 == -h || $1 == --help ]]; then
	sed -n '4,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
gv_mkpayload "$@"
exit
}
