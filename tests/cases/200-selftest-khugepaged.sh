#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own khugepaged selftest (tools/testing/selftests/vm, 6.1)
# passes with the guarded collapse_file: khugepaged and MADV_COLLAPSE
# collapse full, single-PTE and compound-filled shmem ranges, re-collapse,
# and install PMDs from the page cache.  Every shmem collapse it makes ran
# through the module.
# timeout: 300
. /opt/cg/tests/lib.sh

cg_load mode=guard
cg_stats_save before

selftest_khugepaged all:shmem || fail "selftest khugepaged all:shmem failed"

calls=$(cg_stat_delta before guard_calls)
ok=$(cg_stat_delta before guard_committed)
assert_gt "$calls" 0 "the selftest's collapses did not run the guarded path"
assert_eq "$(cg_stat_delta before file_calls)" "$calls" "a collapse_file call bypassed the guard"
assert_gt "$ok" 0 "no guarded collapse succeeded"

# The anonymous path is only observed: the selftest passes there too and
# its collapses are counted.  Its swap cases need swap.
swap_on_zram 256
cg_set_mode observe
cg_stats_save before
selftest_khugepaged all:anon || fail "selftest khugepaged all:anon failed"
assert_gt "$(cg_stat_delta before anon_calls)" 0 "anon collapses not counted"
assert_eq "$(cg_stat_delta before guard_calls)" 0 "observe mode ran the guard"
