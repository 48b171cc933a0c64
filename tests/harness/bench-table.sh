#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# After "make bench": the tables the guest printed between the BENCH TABLE
# markers (tests/bench/*.sh, one per test), with the date, the kernel, the
# host's CPU and the accelerator, saved as build/bench/bench-<date>.md and
# printed; and the samples each test printed between BENCH SAMPLES markers,
# as build/bench/samples-<date>-<test>.txt.
#   tests/harness/bench-table.sh [LOG...]   (default build/guest/bench/NNN-*.log)
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
LOGS=("$@")
[ ${#LOGS[@]} -gt 0 ] || LOGS=("$BUILD"/guest/bench/[0-9][0-9][0-9]-*.log)

tables=""
for LOG in "${LOGS[@]}"; do
	[ -f "$LOG" ] || { echo "bench-table: no $LOG (run make bench)" >&2; exit 2; }
	table=$(sed -n '/^BENCH TABLE BEGIN$/,/^BENCH TABLE END$/p' "$LOG" | sed '1d;$d')
	[ -n "$table" ] || { echo "bench-table: no table in $LOG" >&2; exit 1; }
	tables+="## $(basename "$LOG" .log)"$'\n\n'"$table"$'\n\n'
done

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
	printf '%s' "$tables"
} >"$out"
cat "$out"
echo "bench-table: saved $out"
# the raw samples each test printed between BENCH SAMPLES markers (label
# value lines, the i-th of two labels paired): every row can be recomputed
# (collapse_bench compare FILE A B --paired [--estimator trimmed|median])
for LOG in "${LOGS[@]}"; do
	tr -d '\r' <"$LOG" | grep -q '^BENCH SAMPLES END$' || {
		echo "bench-table: no complete samples in $LOG" >&2
		continue
	}
	raw=$BUILD/bench/samples-$stamp-$(basename "$LOG" .log).txt
	tr -d '\r' <"$LOG" | sed -n '/^BENCH SAMPLES BEGIN$/,/^BENCH SAMPLES END$/p' |
		sed '1d;$d' >"$raw"
	echo "bench-table: saved $raw"
done
