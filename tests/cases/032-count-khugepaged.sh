#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Collapses done by khugepaged (fast settings) are counted too: shmem through
# collapse_file (guarded in guard mode), anonymous memory through
# collapse_huge_page. cg_collapse --khugepaged waits, with a deadline, until
# the range is PMD-mapped, then checks every byte.
#
# khugepaged's collapse_file() ends with the page-table retraction, whose
# result it returns: succeed, or pte_mapped_hugepage when it could not take
# the mm's mmap_lock (our own smaps polling holds it for reading; the mapping
# is then fixed up on a later pass), or another code. What was collapsed is
# counted apart from the result: stock_committed, guard_committed.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

khugepaged_fast
shmem_thp advise
cg_load mode=observe

cg_stats_save s
run cg_collapse shmem --khugepaged --timeout 90 --fill partial --expect collapsed
wait_delta s stock_committed 1 60
expect_delta_ge s file_calls 1
expect_deltas s guard_calls=0

cg_stats_save s
run cg_collapse anon --khugepaged --timeout 90 --fill partial --expect collapsed
expect_delta_ge s anon_calls 1
expect_delta_ge s anon_succeed 1

cg_set_mode guard
cg_stats_save s
run cg_collapse shmem --khugepaged --timeout 90 --ranges 2 --fill single --expect collapsed
expect_delta_ge s guard_calls 2
expect_delta_ge s guard_committed 2
expect_deltas s guard_veto_uffd_missing=0 stock_committed=0

cg_stats_save s
run cg_collapse anon --khugepaged --timeout 90 --fill full --expect collapsed
expect_delta_ge s anon_succeed 1

cg_set_mode off
cg_stats_save s
run cg_collapse shmem --khugepaged --timeout 90 --fill partial --expect collapsed
expect_no_deltas s
cg_unload
