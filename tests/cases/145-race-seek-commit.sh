#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Guard mode, collapses that commit against lock-free observers
# (race_seek_commit; upstream a2e17cc2efc7, "maintain page cache uptodate
# flag"): while a collapse runs, lseek SEEK_DATA/SEEK_HOLE and mincore never
# take a written page for a hole, and after it every page holds its data.
# The guard leaves the present pages in the page cache and stores the huge
# page only once it is uptodate.
#
# 1. Guard: the observer ran through at least 20 committed collapses
#    (overlapped), which the module counts as committed, and saw nothing.
# 2. Mode off, stock 6.1, which stores the huge page over each present page
#    during its scan, long before the page is uptodate: the same program
#    catches a written page reported as a hole (the negative control).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=guard
cg_stats_save s
run race_seek_commit --iterations 2000 --overlaps 20
overlapped=$(kv overlapped "$OUT")
assert_ge "$overlapped" 20 "committed collapses the observer ran through"
expect_delta_ge s guard_committed "$(kv collapsed "$OUT")"
expect_deltas s guard_veto_uffd_missing=0

cg_set_mode off
run_status 1 race_seek_commit --iterations 2000 --overlaps 100
echo "$OUT" | grep -q "during a collapse" ||
	fail "stock 6.1 failed race_seek_commit, but not on a lookup during a collapse"
cg_unload
