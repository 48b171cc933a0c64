#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 2400
#
# Where the faults' tail during collapses comes from (010's "fault p99"
# row). One thread collapses a 2 MiB memfd range over and over (punch it,
# refill it, MADV_COLLAPSE), another times page faults on its present pages
# (collapse_bench readers); guard against off, pairs of one-second blocks,
# measured until the fault p99 ratio lies within CG_BENCH_WITHIN percent
# (default 5) or CG_BENCH_READER_PAIRS pairs (default 150):
#  - half: the collapser refills every other page, so every guarded collapse
#    seals 256 holes with retry entries, as 010 measures;
#  - full: it refills every page: no hole, no retry entry, the same
#    isolation, copy and commit.
# For each, the faults' p50, p90, p99 and p99.9 (each block's, paired), and
# the sealed sections of the guarded collapses (guard_collapse events of a
# few traced blocks run apart, after the measurement).
# What the table shows is read in docs/results.md; no threshold here.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

S=$PWD/samples
: >"$S"
WITHIN=${CG_BENCH_WITHIN:-5}
CAP=${CG_BENCH_READER_PAIRS:-150}

knob_set "$CG_THP/enabled" never
shmem_thp never
cg_load mode=off

# measure FILL: blocks in steps of 10 pairs until the fault p99 resolves.
measure() {
	_what=fault
	[ "$1" = half ] || _what=$1-fault
	_pairs=0
	while :; do
		collapse_bench readers --blocks 10 --block-ms 1000 --fill "$1" --out "$S" >/dev/null ||
			fail "collapse_bench readers --fill $1 failed"
		_pairs=$((_pairs + 10))
		[ "$_pairs" -ge 20 ] || continue
		if bench_resolved "$S" "off/$_what-p99" "guard/$_what-p99" "$WITHIN"; then
			tail -n 1 resolve.log
			break
		fi
		tail -n 1 resolve.log
		[ "$_pairs" -lt "$CAP" ] || { echo "$1: the cap of $CAP pairs reached"; break; }
	done
}

# sections FILL: the guarded collapses' sealed sections and durations, from
# a few traced blocks of their own (tracing would slow the measured guard
# blocks, and only them), into $S as seal/holes=N and collapse/holes=N.
sections() {
	trace_start
	collapse_bench readers --blocks 3 --block-ms 1000 --fill "$1" --out "$PWD/traced" >/dev/null ||
		fail "collapse_bench readers --fill $1 (traced) failed"
	trace_stop
	awk '/ guard_collapse: / && / committed=1 / {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		print "seal/holes=" f["holes"], f["irqsoff_ns"]
		print "collapse/holes=" f["holes"], f["duration_ns"]
	}' "$CG_TRACE/trace" >>"$S"
}

measure half
measure full
sections half
sections full
cg_set_mode off
cg_unload

: >table.rows
for fill in half full; do
	what=fault
	[ "$fill" = half ] || what=full-fault
	for p in p50 p90 p99 p999; do
		collapse_bench compare "$S" "off/$what-$p" "guard/$what-$p" --paired \
			--title "fault $p, collapser refills $fill, guard / off" >>table.rows ||
			fail "collapse_bench compare failed"
	done
done
: >summary.rows
for h in 0 256; do
	for l in seal collapse; do
		if grep -q "^$l/holes=$h " "$S"; then
			collapse_bench summary "$S" "$l/holes=$h" \
				--title "guarded $l, $h holes (ns)" >>summary.rows ||
				fail "collapse_bench summary failed"
		fi
	done
done

echo "BENCH TABLE BEGIN"
echo "Kernel $(uname -r); fault latency in ns, each one-second block's percentile; paired rows: B/A is exp() of the 20% trimmed mean of the per-pair log-ratios (95% bootstrap interval), measured until the p99 ratio is within ±$WITHIN% or $CAP pairs."
echo
echo "| figure | A | B | B/A | 95% CI | ± | p10-p90 A / B | samples A+B | spread A / B | outliers A / B | pairs, their spread |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
cat table.rows
echo
echo "| distribution | median | p10 | p90 | p99 | max | samples | spread | outliers |"
echo "|---|---|---|---|---|---|---|---|---|"
cat summary.rows
echo "BENCH TABLE END"
bench_print_samples "$S"
