#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# The anonymous collapse's mmap write lock, timed (debugfs anon_lock_timing):
# off by default, and nothing is recorded then; on, each collapse_huge_page()
# by MADV_COLLAPSE records exactly one hold of the mmap lock for write (what
# the kernel's mmap_lock trace points report for the collapsing task), no
# longer than the whole call; off again, nothing more is recorded. Shmem
# collapses and other tasks' mmap locks record nothing. Bad writes are
# EINVAL and change nothing.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

TIMING=$CG_DBG/anon_lock_timing

thp_quiet
cg_load mode=guard
[ "$(cg_state anon_available)" -eq 1 ] || skip "collapse_huge_page is not probed on this kernel"
assert_eq "$(cat "$TIMING")" 0 "anon_lock_timing off at load"
for bad in 2 -1 yes on '0 1' '\n'; do
	refuse_write "$TIMING" "$bad"
done
assert_eq "$(cat "$TIMING")" 0 "refused writes left it off"

echo "== off: nothing recorded"
run cg_collapse anon --ranges 2 --expect collapsed
assert_eq "$(hist_field anon_mmap_write_ns count)" 0 "holds recorded while off"

echo "== on: one hold per anonymous collapse"
echo 1 >"$TIMING"
assert_eq "$(cat "$TIMING")" 1 "anon_lock_timing on"
cg_stats_save s
run cg_collapse anon --ranges 3 --expect collapsed
calls=$(cg_stat_delta s anon_calls)
assert_eq "$calls" 3 "collapse_huge_page calls"
assert_eq "$(hist_field anon_mmap_write_ns count)" 3 "holds recorded"
max=$(hist_field anon_mmap_write_ns max)
assert_gt "$max" 0 "longest hold"
# the MADV_COLLAPSE call that made the three holds lasted longer than any
assert_ge $(($(kv collapse_us "$OUT") * 1000)) "$max" "the madvise call vs its longest hold"
run cg_collapse shmem --ranges 2 --expect collapsed
assert_eq "$(hist_field anon_mmap_write_ns count)" 3 "shmem collapses recorded a hold"
cgctl hist anon_mmap_write_ns

echo "== off again"
echo 0 >"$TIMING"
run cg_collapse anon --expect collapsed
assert_eq "$(hist_field anon_mmap_write_ns count)" 3 "holds recorded after turning it off"

cg_set_mode off
cg_unload
