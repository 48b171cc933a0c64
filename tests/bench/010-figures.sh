#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 5400
#
# Every figure of the performance targets, measured in this one boot, one
# operation at a time (userspace/workloads/collapse_bench), the two sides of
# each ratio interleaved sample by sample (A B B A) or block by block:
#  - hook overhead: MADV_COLLAPSE with the module loaded in off against not
#    loaded (blocks of samples in the order A B B A, the module loaded and
#    unloaded between);
#  - MADV_COLLAPSE latency, guard against off: full range, half holes, one
#    page present (blocks of 10 in the order A B B A); with the full ranges,
#    a 2 MiB memcpy timed right after each collapse, in the same block;
#  - the sealed section with irqs off, per collapse from the guard_collapse
#    trace events (exact), by number of retry entries stored, and the
#    seal_irqsoff_ns histogram's maximum;
#  - a refusal for a MISSING registration on another mapping against the
#    stock collapse of the same range (one of each in the order A B B A),
#    the pages it unmapped (must be 0), and how much of it the module
#    spends (guard_collapse events);
#  - pread, SEEK_HOLE and page-fault p99 while another thread collapses,
#    guard against off (each block of 1 s gives its p99; a pair of blocks
#    in which one committed fewer than CG_BENCH_READER_MIN_COLLAPSES
#    collapses is dropped, and the table says how many were);
#  - a collapse as a multiple of a 2 MiB memcpy in the same guest, each
#    collapse beside the memcpy timed right after it (paired);
#  - khugepaged, rounds of 64 half-populated ranges, guard against observe:
#    the duration of each committed collapse_file call from the module's
#    own trace events (guard_collapse's duration_ns in guard: the whole
#    guarded call, its early userfaultfd look included; stock_collapse's in
#    observe: the stock collapse_file call alone, the detector's looks
#    before and after it outside), each round's median, paired by round;
#    and, secondary, the ranges collapsed per second of khugepaged's CPU,
#    its CPU time counted from its release, after the ranges are made
#    (until 2026-12-03 it was released before them and the row, counting
#    only the collapses left after a late first reading, spread ±60%);
#  - a postcopy migration of a running VM (Debian's QEMU running
#    tests/clients' vmbios, its driver qemu_postcopy): its time and the
#    VM's pause at the switch (the source's STOP event to the
#    destination's RESUME, as QEMU stamped them; the time the VM then
#    waits on pages still to come is in the migration's time) under guard
#    alone, against off; and the migration's time under guard while a
#    second mapping is collapsed (every collapse vetoed), against off with
#    no collapser (rounds of up to 6, until resolved or
#    CG_BENCH_MIGRATIONS; a side whose rows have resolved is left out of
#    the later rounds).
#    QEMU's own "downtime" is not used: in postcopy it is the source's
#    time from its stop to the device state sent, which the destination
#    (where the guard is) takes no part in. Postcopy is asked for right
#    after the migrate command (--switch now, precopy held to 1 MiB/s
#    until the switch), so that the switch does not wait on the driver's
#    polling: in a trial of 16 pairs that took the pairs' spread from 0.32
#    to 0.23.
# Every ratio is paired: the i-th A sample, block or round is set beside
# the i-th B one, measured next to it, so that what drifts slowly on the
# host (another guest, frequency) cancels, and the ratio is exp() of the
# 20% trimmed mean of the per-pair log-ratios, with its bootstrap interval
# (collapse_bench compare --paired; on a trial's 400 refusal pairs it gave
# ±6.4% where the median of the per-pair ratios gave ±13.7%; docs/
# results.md). The hook overhead, the latency and memcpy rows, the refusal, the
# readers, khugepaged's durations and the migrations are measured in steps
# until their ratios' 95% intervals lie within CG_BENCH_WITHIN percent
# (default 5) of the ratio, or until their cap; the table gives each
# interval's half-width and the pairs it took.
# Prints one markdown table between "BENCH TABLE" markers (make bench saves
# it under build/bench/). Ratios only mean something within this run (TCG).
# No threshold: it fails only if a measurement went wrong.
# Environment: CG_BENCH_SAMPLES (default 200 per side and fill, then steps
# of half as many up to 4 times as many until resolved), CG_BENCH_WITHIN
# (5), CG_BENCH_REFUSAL_PAIRS (cap, 1600 pairs of a stock collapse and a
# refusal), CG_BENCH_READER_PAIRS (cap, 700 pairs of 1 s blocks, dropped
# ones included), CG_BENCH_READER_MIN_COLLAPSES (10 per block),
# CG_BENCH_KHUGEPAGED_PAIRS (cap, 60 pairs of rounds), CG_BENCH_MIGRATIONS
# (cap, 128 rounds).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

N=${CG_BENCH_SAMPLES:-200}
S=$PWD/samples
: >"$S"

bench() {
	collapse_bench "$@" --out "$S" || fail "collapse_bench $* failed"
}

row() {
	collapse_bench "$@" >>table.rows || fail "collapse_bench $* failed"
}

# khugepaged stays quiet (both knobs never); MADV_COLLAPSE ignores them.
quiet() {
	knob_set "$CG_THP/enabled" never
	shmem_thp never
}

quiet

WITHIN=${CG_BENCH_WITHIN:-5}

# all_resolved A_LABEL B_LABEL...: every pair of labels resolves.
all_resolved() {
	_all=0
	_n=$(($# / 2))
	while [ $# -ge 2 ]; do
		bench_resolved "$S" "$1" "$2" "$WITHIN" || _all=1
		shift 2
	done
	tail -n "$_n" resolve.log
	return $_all
}

echo "== hook overhead: loaded in off against not loaded (paired, until within ±$WITHIN%)"
# blocks of N/10 samples in the order A B B A (unloaded, loaded, loaded,
# unloaded, ...): the i-th samples of the two sides come from adjacent
# blocks (paired); 10 blocks, then 10 more at a time until resolved or 40
hook_block=0
hook_blocks() {
	_end=$((hook_block + $1))
	while [ "$hook_block" -lt "$_end" ]; do
		hook_block=$((hook_block + 1))
		if [ $((hook_block % 2)) -eq 1 ]; then
			bench latency --fill full --samples $((N / 10)) --label unloaded
			cg_load mode=off
			bench latency --fill full --samples $((N / 10)) --label loaded_off
		else
			bench latency --fill full --samples $((N / 10)) --label loaded_off
			cg_unload
			bench latency --fill full --samples $((N / 10)) --label unloaded
		fi
	done
}
hook_blocks 10
until all_resolved unloaded/full loaded_off/full; do
	[ "$hook_block" -lt 40 ] || { echo "hook overhead: the cap of $((4 * N)) pairs reached"; break; }
	hook_blocks 10
done
! cg_loaded || cg_unload

cg_load mode=off
echo "== MADV_COLLAPSE latency, guard against off (paired, until within ±$WITHIN%)"
# N samples per side, then N/2 more (a multiple of 20: as many off-first
# as guard-first block pairs) until resolved or 4 N
step=$(((N / 2 + 19) / 20 * 20))
trace_start
for fill in full half one; do
	# the full ranges also give the memcpy rows: each memcpy beside the
	# collapse it followed
	set -- "off/$fill" "guard/$fill"
	memcpy=
	if [ "$fill" = full ]; then
		memcpy=--memcpy
		set -- "$@" off/full-memcpy off/full guard/full-memcpy guard/full
	fi
	bench latency --fill "$fill" --samples "$N" $memcpy
	n=$N
	until all_resolved "$@"; do
		[ "$n" -lt $((4 * N)) ] || { echo "latency $fill: the cap of $((4 * N)) pairs reached"; break; }
		bench latency --fill "$fill" --samples "$step" $memcpy
		n=$((n + step))
	done
done
trace_stop
# one awk pass: up to 4 N guarded collapses per fill
trace_events guard_collapse | awk '/ reason=succeed / {
	h = ""; ns = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^holes=/) h = substr($i, 7)
		if ($i ~ /^irqsoff_ns=/) ns = substr($i, 12)
	}
	print "irqsoff/holes=" h " " ns
}' >>"$S"
seal_max=$(hist_field seal_irqsoff_ns max)

echo "== refusal against a stock collapse (paired, until within ±$WITHIN%)"
# N pairs, then steps of N/2 (even: the order A B B A goes on across
# calls) until resolved or the cap
cap=${CG_BENCH_REFUSAL_PAIRS:-1600}
rstep=$(((N / 2 + 1) / 2 * 2))
trace_start
bench refusal --samples "$N"
n=$N
until all_resolved off/collapsed guard/refused; do
	[ "$n" -lt "$cap" ] || { echo "refusal: the cap of $cap pairs reached"; break; }
	bench refusal --samples "$rstep"
	n=$((n + rstep))
done
trace_stop
# what of a refusal is spent in the module (the rest is MADV_COLLAPSE's own
# work before it calls collapse_file)
trace_events guard_collapse | while read -r ev; do
	[ "$(field reason "$ev")" = uffd_missing ] || continue
	echo "refusal-in-module $(field duration_ns "$ev")"
done >>"$S"

echo "== readers during collapses (1 s blocks, until within ±$WITHIN%)"
# A pair of blocks in which either committed fewer than MINC collapses
# measured no collapses to speak of (on a busy host the collapser's
# MADV_COLLAPSE can fail for tens of seconds on end, e.g. 1 a second
# against 20-35): it is dropped, counted, and counts towards the cap.
cap=${CG_BENCH_READER_PAIRS:-700}
MINC=${CG_BENCH_READER_MIN_COLLAPSES:-10}
rpairs=0
kept() {
	awk '$1 == "readers/pair-kept" { n += $2 } END { print n + 0 }' "$S"
}
while :; do
	bench readers --blocks 10 --block-ms 1000 --min-collapses "$MINC"
	rpairs=$((rpairs + 10))
	if [ "$(kept)" -ge 20 ]; then
		all_resolved off/pread-p99 guard/pread-p99 off/seek_hole-p99 guard/seek_hole-p99 \
			off/fault-p99 guard/fault-p99 && break
	fi
	[ "$rpairs" -lt "$cap" ] || { echo "readers: the cap of $cap pairs reached"; break; }
done
readers_kept=$(kept)
echo "readers: $readers_kept of $rpairs pairs kept (both blocks >= $MINC collapses)"
[ "$readers_kept" -gt 0 ] ||
	fail "readers: no pair of blocks with $MINC collapses each in $rpairs pairs (MADV_COLLAPSE kept failing)"

echo "== khugepaged: its collapses' durations, guard against stock (observe)"
khugepaged_fast
shmem_thp advise
cap=${CG_BENCH_KHUGEPAGED_PAIRS:-60}
pairs=0
trace_start
while :; do
	# an even number of rounds: as many A-first pairs as B-first ones
	bench khugepaged --ranges 64 --rounds 4 --trace "$CG_TRACE"
	pairs=$((pairs + 4))
	[ "$pairs" -ge 12 ] || continue
	all_resolved observe/khugepaged-collapse-ns guard/khugepaged-collapse-ns \
		observe/khugepaged-ranges-per-cpu-s guard/khugepaged-ranges-per-cpu-s && break
	[ "$pairs" -lt "$cap" ] || { echo "khugepaged: the cap of $cap pairs reached"; break; }
done
trace_stop
khugepaged_restore
quiet

# qp_logs: what the driver and both QEMUs said (after a failed migration).
qp_logs() {
	cat /tmp/bench-qp.err
	tail -n 20 /tmp/bench-qp/*.log 2>/dev/null || true
}

# migrate MODE ACTION LABEL: one postcopy migration (Debian's QEMU, a
# running 32 MiB VM, memfd RAM, no bandwidth limit) under MODE with the
# backend doing ACTION; its total time (ms) and the VM's pause (us) as
# samples LABEL/... A migration whose QEMU never greeted (exit 4: it did
# not start, before the migration began; nothing was measured) is tried
# once more, with the logs printed and counted in the table; any other
# failure fails.
setup_retries=0
migrate() {
	cg_set_mode "$1"
	_try=1
	while :; do
		rm -rf /tmp/bench-qp /tmp/bench-ram/*
		mkdir -p /tmp/bench-qp
		_rc=0
		out=$(qemu_postcopy --qemu /usr/bin/qemu-system-x86_64 --bios /opt/cg/bin/vmbios.bin \
			--workdir /tmp/bench-qp --source-file /tmp/bench-ram/src --bandwidth 10000 \
			--switch now --running --collapse "$2" 2>/tmp/bench-qp.err) || _rc=$?
		if [ "$_rc" -ne 4 ] || [ "$_try" -ne 1 ]; then break; fi
		echo "migrations: qemu_postcopy ($1, $2): a QEMU did not start; once more. Its logs:"
		qp_logs
		setup_retries=$((setup_retries + 1))
		_try=2
	done
	[ "$_rc" -eq 0 ] || { qp_logs; fail "qemu_postcopy ($1, $2) failed (exit $_rc): $out"; }
	pause=$(kv vm_pause_us "$out")
	ms=$(kv time_ms "$out")
	if [ "$pause" -le 0 ] || [ "$ms" -le 0 ]; then
		fail "qemu_postcopy ($1, $2): no migration time or VM pause measured: $out"
	fi
	echo "$3/migration-ms $ms" >>"$S"
	echo "$3/pause-us $pause" >>"$S"
}

echo "== postcopy migration of a running VM: guard alone, guard with a collapser, against off with none"
M=${CG_BENCH_MIGRATIONS:-128}
mkdir -p /tmp/bench-ram
mount -t tmpfs -o size=128m bench-ram /tmp/bench-ram || fail "cannot mount a tmpfs"
i=0
idle=1	# guard alone: measured until its rows resolve
busy=1	# guard with the busy MADV_COLLAPSE loop beside
while [ "$i" -lt "$M" ] && [ -n "$idle$busy" ]; do
	i=$((i + 1))
	# A B C C B A (without a side left out): no side always first; each
	# round gives two pairs of each side measured
	migrate off idle off
	[ -z "$busy" ] || migrate guard madvise guard
	[ -z "$idle" ] || migrate guard idle guard-idle
	[ -z "$idle" ] || migrate guard idle guard-idle
	[ -z "$busy" ] || migrate guard madvise guard
	migrate off idle off
	if [ "$i" -lt 4 ] || [ $((i % 2)) -ne 0 ]; then continue; fi
	# a side's pairs are off's first samples beside its own: leaving it out
	# of later rounds does not change its rows
	if [ -n "$idle" ] && all_resolved off/migration-ms guard-idle/migration-ms \
		off/pause-us guard-idle/pause-us; then
		echo "migrations, guard alone: resolved after $i rounds"
		idle=
	fi
	# (the busy loop starts once the destination reports postcopy-active,
	# polled every 100 ms: after the VM resumed, as a rule, so the pause
	# says nothing of it; its samples are kept, not tabled)
	if [ -n "$busy" ] && all_resolved off/migration-ms guard/migration-ms; then
		echo "migrations, guard with the collapser: resolved after $i rounds"
		busy=
	fi
done
[ -z "$idle$busy" ] || echo "migrations: the cap of $M rounds reached"
umount /tmp/bench-ram
cg_set_mode off
cg_unload

: >table.rows
row compare "$S" unloaded/full loaded_off/full --paired --title "hook overhead: loaded in off / not loaded (target <= 1.01)"
for fill in full half one; do
	row compare "$S" "off/$fill" "guard/$fill" --paired --title "MADV_COLLAPSE $fill, guard / off (target <= 1.00)"
done
row compare "$S" off/collapsed guard/refused --paired --title "refusal / stock collapse of the range (target <= 0.05)"
for op in pread seek_hole fault; do
	row compare "$S" "off/$op-p99" "guard/$op-p99" --paired --title "$op p99 during collapses, guard / off (target <= 1.05)"
done
row compare "$S" observe/khugepaged-collapse-ns guard/khugepaged-collapse-ns --paired \
	--title "khugepaged collapse_file duration (committed, 256 holes; each round's median), guard / stock in observe (target <= 1.00)"
row compare "$S" observe/khugepaged-ranges-per-cpu-s guard/khugepaged-ranges-per-cpu-s --paired \
	--title "khugepaged ranges per CPU second (scan and collapse), guard / observe (target >= 1.00)"
row compare "$S" off/migration-ms guard-idle/migration-ms --paired \
	--title "postcopy migration of a running VM, its time, guard / off, no collapser (target <= 1.02)"
row compare "$S" off/pause-us guard-idle/pause-us --paired \
	--title "the VM's pause at the switch (source STOP to destination RESUME, us), guard / off, no collapser (target <= 1.02)"
row compare "$S" off/migration-ms guard/migration-ms --paired \
	--title "postcopy migration time, guard with a busy MADV_COLLAPSE loop beside / off without (the loop's CPU included)"
row compare "$S" off/full-memcpy off/full --paired --title "stock collapse (full) / 2 MiB memcpy"
row compare "$S" guard/full-memcpy guard/full --paired --title "guarded collapse (full) / 2 MiB memcpy"

{
	for h in 0 256 511; do
		collapse_bench summary "$S" "irqsoff/holes=$h" --title "sealed section, $h retry entries"
	done
	collapse_bench summary "$S" guard/refused --title "refused MADV_COLLAPSE, whole call"
	collapse_bench summary "$S" refusal-in-module --title "refusal inside the module (guard_collapse duration_ns)"
	collapse_bench summary "$S" guard/unmapped --title "pages a refusal unmapped (must be 0)"
	collapse_bench summary "$S" off/collapses --title "reader blocks: collapses committed per block, off (all pairs, dropped ones included)"
	collapse_bench summary "$S" guard/collapses --title "reader blocks: collapses committed per block, guard (all pairs, dropped ones included)"
} >summary.rows || fail "collapse_bench summary failed"

echo "BENCH TABLE BEGIN"
echo "Kernel $(uname -r); $N samples per side and fill; medians in ns (p99 rows: each one-second block's p99); 95% bootstrap intervals; paired rows: B/A is exp() of the 20% trimmed mean of the per-pair log-ratios (95% bootstrap interval), measured until within ±$WITHIN% or the cap. Readers: $readers_kept of $rpairs pairs of blocks kept (each block >= $MINC collapses). Migrations: $i rounds, $setup_retries run again after a QEMU did not start."
echo
echo "| figure | A | B | B/A | 95% CI | ± | p10-p90 A / B | samples A+B | spread A / B | outliers A / B | pairs, their spread |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
cat table.rows
echo
echo "| distribution (ns) | median | p10 | p90 | p99 | max | samples | spread | outliers |"
echo "|---|---|---|---|---|---|---|---|---|"
cat summary.rows
echo
echo "seal_irqsoff_ns histogram maximum: $seal_max ns"
echo "BENCH TABLE END"
bench_print_samples "$S"
