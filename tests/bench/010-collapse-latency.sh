#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# MADV_COLLAPSE latency of N shmem ranges (full and partial population) with
# the stock collapse_file (mode off) and the guarded one (mode guard),
# measured in one run, alternating the modes round by round so that drift
# hits both alike. Prints per-collapse and per-range figures and the ratio
# guard/off. No threshold: it passes if every collapse succeeded and verified.
# Environment: CG_BENCH_RANGES (default 16), CG_BENCH_ROUNDS (default 5).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

RANGES=${CG_BENCH_RANGES:-16}
ROUNDS=${CG_BENCH_ROUNDS:-5}

# kv KEY TEXT: the value of the last "KEY=value" word in TEXT.
kv() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n 1
}

# measure FILL: one collapse of RANGES ranges; prints its microseconds.
measure() {
	_out=$(cg_collapse shmem --ranges "$RANGES" --fill "$1" --expect collapsed 2>&1) ||
		fail "cg_collapse --fill $1 failed in mode $(cg_mode): $_out"
	kv collapse_us "$_out"
}

knob_set "$CG_THP/enabled" never
shmem_thp never
cg_load mode=off
: >samples
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	for mode in off guard; do
		cg_set_mode "$mode"
		for fill in full partial; do
			echo "$mode $fill $(measure "$fill")" >>samples
		done
	done
	echo "round $r/$ROUNDS done"
done
cg_unload

echo "MADV_COLLAPSE of $RANGES x 2 MiB shmem ranges, $ROUNDS rounds, kernel $(uname -r)"
awk -v ranges="$RANGES" '
	{ sum[$1 " " $2] += $3; n[$1 " " $2]++
	  if (!($1 " " $2 in min) || $3 < min[$1 " " $2]) min[$1 " " $2] = $3 }
	END {
		printf "%-8s %-6s %12s %12s %14s\n", "fill", "mode", "mean_us", "min_us", "us_per_range"
		split("full partial", fills, " ")
		for (f = 1; f <= 2; f++) {
			for (m = 0; m < 2; m++) {
				mode = m ? "guard" : "off"; k = mode " " fills[f]
				mean[k] = sum[k] / n[k]
				printf "%-8s %-6s %12.0f %12d %14.0f\n", fills[f], mode,
					mean[k], min[k], mean[k] / ranges
			}
			printf "ratio %s guard/off: mean %.3f, min %.3f\n", fills[f],
				mean["guard " fills[f]] / mean["off " fills[f]],
				min["guard " fills[f]] / min["off " fills[f]]
		}
	}' samples
