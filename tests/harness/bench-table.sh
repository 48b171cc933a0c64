#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# After "make bench": the table the guest printed between the BENCH TABLE
# markers (tests/bench/010-figures.sh), with the date, the kernel, the host's
# CPU and the accelerator, saved as build/bench/bench-<date>.md and printed.
#   tests/harness/bench-table.sh [LOG]   (default build/guest/bench/010-figures.log)
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
LOG=${1:-$BUILD/guest/bench/010-figures.log}

[ -f "$LOG" ] || { echo "bench-table: no $LOG (run make bench)" >&2; exit 2; }
table=$(sed -n '/^BENCH TABLE BEGIN$/,/^BENCH TABLE END$/p' "$LOG" | sed '1d;$d')
[ -n "$table" ] || { echo "bench-table: no table in $LOG" >&2; exit 1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p "$BUILD/bench"
out=$BUILD/bench/bench-$stamp.md
{
	echo "# make bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Host CPU: $cpu; accelerator: ${CG_ACCEL:-tcg}; 2 vCPUs."
	echo "TCG timings only mean something as ratios within one run."
	echo
	printf '%s\n' "$table"
} >"$out"
cat "$out"
echo "bench-table: saved $out"
