#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# The exposure detector and the trace events, on a known workload.
# Mode observe: the reproducer still loses its event (the stock code runs),
# and uffd_exposed / uffd_exposed_holes count it, and an uffd_exposed event
# (naming the task that collapsed and the victim, whose registration lost it)
# names the memfd (device, inode), the range, and the process that collapsed
# (the reproducer through MADV_COLLAPSE, khugepaged through khugepaged); a
# stock_collapse event times it. A collapse that committed counts whatever
# 6.1 returned for it (B registered WP: SCAN_PTE_UFFD_WP, MADV_COLLAPSE
# EINVAL; khugepaged without B's mmap lock: SCAN_PTE_MAPPED_HUGEPAGE). A
# MINOR registration promises no event: the collapse is not an exposure.
# Mode guard: the same collapse is a veto (guard_veto reason=uffd_missing
# stage=early, and a guard_collapse event with the reason), the MINOR one a
# guarded collapse that sealed one hole; with B WP it commits and says so
# (committed=1) though its result is not SCAN_SUCCEED.
# The histograms count what the events show.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

# expect_one_event EVENT KEY=VALUE...: exactly one EVENT recorded, with those
# fields; sets EV to its line.
expect_one_event() {
	_ev=$1
	shift
	_lines=$(trace_events "$_ev")
	_n=$(printf '%s' "$_lines" | grep -c . || true)
	[ "$_n" -eq 1 ] || { cat "$CG_TRACE/trace"; fail "$_n $_ev events, expected 1"; }
	EV=$_lines
	echo "event $_ev: $EV"
	for _kv in "$@"; do
		[ "$(field "${_kv%%=*}" "$EV")" = "${_kv#*=}" ] ||
			fail "$_ev: ${_kv%%=*}=$(field "${_kv%%=*}" "$EV"), expected ${_kv#*=}"
	done
}

expect_no_event() {
	_n=$(trace_events "$1" | grep -c . || true)
	[ "$_n" -eq 0 ] || { cat "$CG_TRACE/trace"; fail "$_n $1 events, expected none"; }
}

thp_quiet
cg_load mode=observe
echo 1 >"$CG_DBG/reset"

# -- observe, MADV_COLLAPSE: lost, and detected ---------------------------
trace_start
cg_stats_save s
run uffd_collapse_repro --hole 7 --expect lost
dev=$(kv dev "$OUT")
ino=$(kv ino "$OUT")
expect_deltas s uffd_exposed=1 uffd_exposed_holes=1 stock_committed=1 file_calls=1 \
	file_succeed=1 guard_calls=0
expect_one_event uffd_exposed "dev=$dev" "ino=$ino" start=0 holes=1
[ "$(field pid "$EV")" -gt 0 ] || fail "uffd_exposed: no pid"
case $(field comm "$EV") in
uffd_collapse_r*) ;;
*) fail "uffd_exposed: comm=$(field comm "$EV"), expected the reproducer" ;;
esac
[ "$(field victim_pid "$EV")" -gt 0 ] || fail "uffd_exposed: no victim pid"
case $(field victim_comm "$EV") in
uffd_collapse_r*) ;;
*) fail "uffd_exposed: victim_comm=$(field victim_comm "$EV"), expected the reproducer" ;;
esac
expect_one_event stock_collapse "dev=$dev" "ino=$ino" start=0 holes=1 result=1 \
	committed=1
[ "$(field duration_ns "$EV")" -gt 0 ] || fail "stock_collapse: duration_ns 0"
expect_no_event guard_collapse
trace_stop

# -- observe, committed but not mapped huge: still an exposure -----------
# B registered WP: 6.1 fills the hole, then cannot retract B's page table and
# returns SCAN_PTE_UFFD_WP (MADV_COLLAPSE: EINVAL). The huge page is in the
# page cache all the same: the detector must not judge by the return value.
trace_start
cg_stats_save s
run uffd_collapse_repro --wp-b --hole 11 --expect lost
ino=$(kv ino "$OUT")
expect_deltas s uffd_exposed=1 uffd_exposed_holes=1 stock_committed=1 \
	file_calls=1 file_succeed=0
expect_one_event uffd_exposed "ino=$ino" start=0 holes=1
# SCAN_PTE_UFFD_WP, or SCAN_PTE_MAPPED_HUGEPAGE if the mmap lock was busy
expect_one_event stock_collapse "ino=$ino" start=0 holes=1 committed=1
[ "$(field result "$EV")" -ne 1 ] || fail "stock_collapse: SCAN_SUCCEED with B uffd-wp"
trace_stop

# -- observe, khugepaged: lost, and detected as khugepaged's --------------
khugepaged_fast
shmem_thp advise
trace_start
cg_stats_save s
run uffd_collapse_repro --via khugepaged --timeout 120 --hole 300 --expect lost
dev=$(kv dev "$OUT")
ino=$(kv ino "$OUT")
wait_delta s uffd_exposed 1 60
expect_deltas s uffd_exposed=1 uffd_exposed_holes=1 stock_committed=1
expect_one_event uffd_exposed "dev=$dev" "ino=$ino" start=0 holes=1 comm=khugepaged
# the victim: the reproducer, whose MISSING registration lost the event
[ "$(field victim_pid "$EV")" -gt 0 ] || fail "uffd_exposed: no victim pid"
case $(field victim_comm "$EV") in
uffd_collapse_r*) ;;
*) fail "uffd_exposed: victim_comm=$(field victim_comm "$EV"), expected the reproducer" ;;
esac
trace_stop
trace_start
cg_stats_save s
run uffd_collapse_repro --via khugepaged --wp-b --timeout 120 --hole 301 --expect lost
ino=$(kv ino "$OUT")
wait_delta s uffd_exposed 1 60
expect_deltas s uffd_exposed=1 uffd_exposed_holes=1 stock_committed=1 file_succeed=0
expect_one_event uffd_exposed "ino=$ino" start=0 holes=1 comm=khugepaged
trace_stop
khugepaged_restore
thp_quiet

# -- observe, MINOR: collapsed, not an exposure ---------------------------
trace_start
cg_stats_save s
run uffd_collapse_repro --mode minor --expect collapsed
expect_deltas s uffd_exposed=0 stock_committed=1 file_succeed=1
expect_no_event uffd_exposed
expect_one_event stock_collapse start=0 holes=1 result=1 committed=1
trace_stop

# -- guard: the same MISSING collapse is a veto, before any work ----------
cg_set_mode guard
trace_start
cg_stats_save s
run uffd_collapse_repro --hole 7 --expect guarded
dev=$(kv dev "$OUT")
ino=$(kv ino "$OUT")
expect_deltas s uffd_exposed=0 guard_veto_uffd_missing=1 guard_veto_uffd_missing_early=1
expect_one_event guard_veto "dev=$dev" "ino=$ino" start=0 reason=uffd_missing stage=early
expect_one_event guard_collapse "dev=$dev" "ino=$ino" start=0 present=0 holes=0 \
	reason=uffd_missing committed=0 irqsoff_ns=0
[ "$(field result "$EV")" -ne 1 ] || fail "guard_collapse: a veto returned SCAN_SUCCEED"
expect_no_event uffd_exposed
trace_stop

# -- guard, MINOR: a guarded collapse that sealed the hole ----------------
trace_start
run uffd_collapse_repro --mode minor --hole 9 --expect collapsed
ino=$(kv ino "$OUT")
expect_one_event guard_collapse "ino=$ino" start=0 present=511 holes=1 result=1 \
	reason=succeed committed=1
[ "$(field irqsoff_ns "$EV")" -gt 0 ] || fail "guard_collapse: irqsoff_ns 0 for a sealed collapse"
[ "$(field duration_ns "$EV")" -ge "$(field irqsoff_ns "$EV")" ] ||
	fail "guard_collapse: duration shorter than its sealed section"
expect_no_event guard_veto
trace_stop

# -- guard: committed, though the result says otherwise (B uffd-wp) ---------
trace_start
cg_stats_save s
run uffd_collapse_repro --mode minor --wp-b --hole 13
ino=$(kv ino "$OUT")
expect_deltas s guard_committed=1 file_succeed=0
expect_one_event guard_collapse "ino=$ino" start=0 holes=1 committed=1
[ "$(field result "$EV")" -ne 1 ] || fail "guard_collapse: SCAN_SUCCEED with B uffd-wp"
trace_stop

# -- the histograms counted them; reset zeroes them ---------------------------
cat "$CG_DBG/hist"
cp "$CG_DBG/hist" hist.before
for bad in 0 2 yes '1 1' '\n'; do
	refuse_write "$CG_DBG/reset" "$bad"
done
cmp hist.before "$CG_DBG/hist" || fail "a refused reset changed the histograms"
assert_ge "$(hist_field stock_collapse_ns count)" 3 "stock collapses timed"
assert_ge "$(hist_field guard_collapse_ns count)" 2 "guarded collapses timed"
assert_ge "$(hist_field seal_irqsoff_ns count)" 1 "sealed sections timed"
echo 1 >"$CG_DBG/reset"
for h in guard_collapse_ns seal_irqsoff_ns stock_collapse_ns anon_mmap_write_ns; do
	assert_eq "$(hist_field $h count)" 0 "$h after reset"
done
assert_eq "$(cg_stat uffd_exposed)" 0 "uffd_exposed after reset"
assert_eq "$(cg_stat file_calls)" 0 "file_calls after reset"

cg_set_mode off
cg_unload
