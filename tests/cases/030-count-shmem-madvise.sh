#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# MADV_COLLAPSE of memfd ranges moves the shmem counters by exactly the
# number of ranges: in observe mode (stock code counted), in guard mode (the
# guarded collapse_file counted, holes sealed), for a refused collapse (a
# MISSING userfaultfd on another mapping: cgroup_charge_fail, EBUSY as on
# current upstream, refused before any work: no hole sealed), and not at
# all in mode off. khugepaged is kept quiet so that only our calls count.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=observe

cg_stats_save s
run cg_collapse shmem --fill full --expect collapsed
expect_deltas s file_calls=1 file_returns=1 file_succeed=1 anon_calls=0 guard_calls=0

cg_stats_save s
run cg_collapse shmem --ranges 3 --fill partial --expect collapsed
expect_deltas s file_calls=3 file_returns=3 file_succeed=3 guard_calls=0

cg_set_mode guard
cg_stats_save s
run cg_collapse shmem --fill full --expect collapsed
expect_deltas s file_calls=1 file_returns=1 file_succeed=1 guard_calls=1 \
	guard_committed=1 guard_holes_sealed=0 guard_veto_uffd_missing=0 guard_rollbacks=0

cg_stats_save s
run cg_collapse shmem --ranges 2 --fill partial --expect collapsed
expect_deltas s file_calls=2 file_returns=2 file_succeed=2 guard_calls=2 \
	guard_committed=2 guard_holes_sealed=512 guard_veto_uffd_missing=0

cg_stats_save s
run cg_collapse shmem --fill single --expect collapsed
expect_deltas s file_calls=1 file_succeed=1 guard_committed=1 guard_holes_sealed=511

cg_stats_save s
run cg_collapse shmem --fill partial --uffd-missing --expect refused
[ "$(kv errno "$OUT")" = EBUSY ] || fail "refused MADV_COLLAPSE: errno $(kv errno "$OUT"), expected EBUSY"
expect_deltas s file_calls=1 file_returns=1 file_cgroup_charge_fail=1 file_succeed=0 \
	guard_calls=1 guard_committed=0 guard_veto_uffd_missing=1 guard_veto_uffd_missing_early=1 \
	guard_holes_sealed=0 guard_rollbacks=0

cg_set_mode off
cg_stats_save s
run cg_collapse shmem --fill partial --expect collapsed
expect_no_deltas s
cg_unload
