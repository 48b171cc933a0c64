#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# A collapse whose holes cannot be charged to the shmem inode fails cleanly
# in guard mode.  On a tmpfs of 1.5 MiB, a file with 1 MiB written in a
# 2 MiB range has holes that would need 1 MiB more: the guard seals them,
# finds the uffd check clear, then shmem_charge() fails inside the locked
# section, and the holes must become holes again.  MADV_COLLAPSE reports
# EINVAL (6.1's errno for SCAN_FAIL), every byte and every hole is as before
# (SEEK_HOLE still finds them: cg_collapse --check-accounting compares
# st_blocks), and the filesystem's usage is unchanged.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

mnt=$PWD/small
mkdir -p "$mnt"
mount -t tmpfs -o size=1536k,huge=never tmpfs "$mnt"
trap 'umount "$mnt" 2>/dev/null || true' EXIT

cg_load mode=guard
cg_stats_save before
used0=$(df -k "$mnt" | awk 'NR == 2 { print $3 }')

run cg_collapse shmem --file "$mnt/f" --fill partial --expect refused \
	--check-accounting
[ "$(kv errno "$OUT")" = EINVAL ] ||
	fail "refused collapse errno $(kv errno "$OUT"), expected EINVAL"

assert_eq "$(cg_stat_delta before guard_calls)" 1 "guarded calls"
assert_eq "$(cg_stat_delta before file_fail)" 1 "SCAN_FAIL results"
assert_eq "$(cg_stat_delta before guard_holes_sealed)" 256 "holes sealed"
assert_eq "$(cg_stat_delta before guard_committed)" 0 "a collapse succeeded"
assert_eq "$(cg_stat_delta before guard_rollbacks)" 1 "rollbacks"
# the file is gone with the program: the charge of its pages went with it
assert_eq "$(df -k "$mnt" | awk 'NR == 2 { print $3 }')" "$used0" \
	"tmpfs usage after the workload"
