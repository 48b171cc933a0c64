#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# The memcg and vmstat statistics of a collapse whose pages were charged to
# another memory cgroup (4188b2592ff6, "mm/khugepaged: fix NR_FILE_PAGES and
# NR_SHMEM in collapse_file()"). A tmpfs file is written from cgroup cg_a
# (511 pages and a hole), then collapsed from cg_b, through MADV_COLLAPSE
# and through khugepaged.
#  - Mode off (stock 6.1, like 6.12: tests/oracle/162) is the control: the
#    huge page's cgroup gains only the hole, and cg_a keeps its 511 pages in
#    'shmem' and 'file' after the file is gone.
#  - Mode guard carries the fix: right after the collapse cg_a holds
#    nothing and cg_b the whole 2 MiB, and after the file is deleted both
#    are 0; /proc/vmstat nr_shmem and nr_file_pages return to where they
#    were (within what else the guest writes). guard_cross_memcg counts
#    both collapses, and not one from the pages' own cgroup.
#  - The test build without the fix (selftest=stats_6_1) drifts again.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

memcg_cross_mount
khugepaged_fast
shmem_thp advise

CGS="off_a1 off_b1 off_a2 off_b2 guard_a1 guard_b1 guard_a2 guard_b2 without_a without_b"
# shellcheck disable=SC2086 # one word per cgroup
memcg_enable $CGS
trap 'memcg_cross_umount; memcg_remove $CGS' EXIT

cg_load mode=off
memcg_cross_check madvise drift off_a1 off_b1
memcg_cross_check khugepaged drift off_a2 off_b2
cg_set_mode guard
cg_stats_save s
memcg_cross_check madvise fixed guard_a1 guard_b1
memcg_cross_check khugepaged fixed guard_a2 guard_b2
expect_delta_ge s guard_committed 2
expect_deltas s guard_rollbacks=0
# both collapses moved the old pages' statistics out of another cgroup
expect_delta_ge s guard_cross_memcg 2
# a collapse from the pages' own cgroup moves nothing across
cg_stats_save s
memcg_cross_populate guard_a1 "$CG_CROSS_DIR/f.same"
memcg_cross_collapse guard_a1 "$CG_CROSS_DIR/f.same" madvise
rm "$CG_CROSS_DIR/f.same"
expect_deltas s guard_cross_memcg=0
expect_delta_ge s guard_committed 1
cg_unload

cg_load_without stats_6_1
memcg_cross_check madvise drift without_a without_b
cg_unload
