#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Fault injection (debugfs "inject") drives each rollback of the guarded
# collapse, and the page cache and its accounting come out intact: after each
# injected failure, cg_collapse --expect refused --check-accounting finds
# every byte, the file's blocks, Rss, meminfo Shmem and ShmemHugePages as they
# were, and the same range then collapses. Each point fires exactly once per
# shot and counts its reason; the delay point stretches the window between
# scan and seal (the guard_collapse event lasts at least the delay). The
# reservation of the range's xarray nodes, made to run out of memory under
# the lock (reserve_nomem, at least 200 times), retries with a node
# allocated outside it; the collapses stay correct, and the spare nodes the
# retries did not need are freed: the radix_tree_node slab comes back to
# within a quarter of the retries of where it was (6.1's loop leaks one
# node per retry).
# Bad writes are refused with EINVAL and change nothing.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

INJ=$CG_DBG/inject

# inject_case POINT VALUE FILL STAT=DELTA...: arm, collapse (refused, with
# the accounting checked), check the counters and that it fired once, then
# collapse the same kind of range for real.
inject_case() {
	_p=$1 _v=$2 _fill=$3
	shift 3
	_f=$(inject_fired "$_p")
	echo "$_p $_v" >"$INJ" || fail "cannot arm $_p $_v"
	cg_stats_save s
	run cg_collapse shmem --fill "$_fill" --expect refused --check-accounting
	expect_deltas s guard_calls=1 guard_committed=0 "$@"
	assert_eq "$(inject_fired "$_p")" $((_f + 1)) "$_p fired once"
	run cg_collapse shmem --fill "$_fill" --expect collapsed --check-accounting
}

thp_quiet
cg_load mode=guard
cat "$INJ"
for p in store_fail hole_filled uffd_veto seal_delay_ms reserve_nomem; do
	assert_eq "$(inject_value $p)" 0 "$p disarmed at load"
done
assert_eq "$(inject_value isolate_fail_after)" -1 "isolate_fail_after disarmed at load"

# -- bad input: EINVAL, nothing changes ------------------------------------
cp "$INJ" before
for bad in "store_fail" "store_fail -1" "store_fail 1 2" "nosuch 1" \
	"seal_delay_ms 10001" "isolate_fail_after 513" "isolate_fail_after -2" \
	"store_fail x" "store_fail 99999999999" "off now" "reserve_nomem -1"; do
	refuse_write "$INJ" "$bad"
done
cmp before "$INJ" || fail "a refused write changed inject"

# -- each point drives its rollback --------------------------------------------
# the huge page's store fails: holes charged and sealed, then all undone
inject_case store_fail 1 partial guard_store_failed=1 guard_rollbacks=1 \
	guard_holes_sealed=256
# the same with no hole: nothing sealed or charged
inject_case store_fail 1 full guard_store_failed=1 guard_rollbacks=1 \
	guard_holes_sealed=0
# a hole looks filled at the seal: unsealed, rolled back
inject_case hole_filled 1 partial guard_veto_page_filled=1 guard_rollbacks=1
# a MISSING registration raced in: the sealed section's veto
trace_start
inject_case uffd_veto 1 partial guard_veto_uffd_missing=1 guard_veto_uffd_missing_early=0 \
	guard_rollbacks=1
trace_events guard_veto | grep -q 'reason=uffd_missing stage=sealed' ||
	{ cat "$CG_TRACE/trace"; fail "no guard_veto stage=sealed event"; }
trace_stop
# the scan fails after 3 pages: those 3 go back
inject_case isolate_fail_after 3 partial file_fail=1 guard_rollbacks=1
assert_eq "$(inject_value isolate_fail_after)" -1 "isolate_fail_after is one shot"

# shots are consumed one per collapse, "off" disarms
echo "store_fail 2" >"$INJ"
run cg_collapse shmem --fill full --expect refused --check-accounting
assert_eq "$(inject_value store_fail)" 1 "one shot left"
echo off >"$INJ"
assert_eq "$(inject_value store_fail)" 0 "off disarms"
run cg_collapse shmem --fill full --expect collapsed --check-accounting

# -- the delay widens the window between scan and seal -----------------------
echo "seal_delay_ms 400" >"$INJ"
f=$(inject_fired seal_delay_ms)
trace_start
run cg_collapse shmem --fill partial --expect collapsed --check-accounting
ev=$(trace_events guard_collapse | tail -n 1)
echo "$ev"
assert_ge "$(field duration_ns "$ev")" 400000000 "the collapse lasted the delay"
assert_eq "$(inject_fired seal_delay_ms)" $((f + 1)) "seal_delay_ms fired"
trace_stop
echo "seal_delay_ms 0" >"$INJ"

# -- the node reservation's retry frees the spare node it did not use ----------
# objects in use: the cache shrunk first, so that free objects held per CPU
# (and, on a KASAN kernel, in its quarantine) are not counted
radix_nodes() {
	echo 1 >/sys/kernel/slab/radix_tree_node/shrink
	awk '$1 == "radix_tree_node" { print $2 }' /proc/slabinfo
}
# within a quarter of the retries: a leak is one node per retry
nodes_back() {
	[ "$(radix_nodes)" -le $(($1 + $2 / 4)) ]
}
nodes0=$(radix_nodes)
f=$(inject_fired reserve_nomem)
echo "reserve_nomem 400" >"$INJ"
# a call that gives up before the reservation (a page reference held by
# the observer) uses no shot
run race_seek_commit --iterations 400 --overlaps 400
echo off >"$INJ"
retries=$(($(inject_fired reserve_nomem) - f))
assert_ge "$retries" 200 "reservations retried"
assert_gt "$(kv collapsed "$OUT")" 0 "collapses after a retried reservation"
wait_until 20 nodes_back "$nodes0" "$retries" ||
	fail "radix_tree_node objects: $nodes0 before $retries retried reservations, $(radix_nodes) after (spare nodes leaked)"
echo "radix_tree_node objects: $nodes0 before $retries retried reservations, $(radix_nodes) after"

cg_set_mode off
cg_unload
