#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# A collapse whose huge page cannot be charged to the memory cgroup fails
# cleanly in guard mode: MADV_COLLAPSE reports EBUSY (6.1's errno for
# SCAN_CGROUP_CHARGE_FAIL), file_cgroup_charge_fail counts it, the range keeps
# its contents and holes, and no page of it is left charged.  The collapse itself runs in a cgroup whose memory.max
# leaves less than a huge page of headroom; without swap nothing can be
# reclaimed to make room.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

CG=/sys/fs/cgroup
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG ||
	skip "no cgroup2"
grep -qw memory $CG/cgroup.controllers || skip "no memory controller"
echo +memory >$CG/cgroup.subtree_control
mkdir -p $CG/cg_test
trap 'rmdir $CG/cg_test 2>/dev/null || true' EXIT

cg_load mode=guard
cg_stats_save before

# Run the workload inside the cgroup: a subshell moves itself there first.
# 3 MiB: the process and its 1 MiB of shmem fit, a 2 MiB huge page does not.
echo 3M >$CG/cg_test/memory.max
run_status 0 sh -c "echo \$\$ >$CG/cg_test/cgroup.procs &&
	exec cg_collapse shmem --fill partial --expect refused --check-accounting"
[ "$(kv errno "$OUT")" = EBUSY ] ||
	fail "refused collapse errno $(kv errno "$OUT"), expected EBUSY"

assert_eq "$(cg_stat_delta before file_cgroup_charge_fail)" 1 \
	"charge failure not seen by the probes"
assert_eq "$(cg_stat_delta before guard_calls)" 1 "guarded calls"
assert_eq "$(cg_stat_delta before guard_committed)" 0 "a collapse succeeded"
# The workload exited: no shmem page, huge or small, stays charged (kernel
# objects freed lazily may).
memstat() {
	sed -n "s/^$1 //p" $CG/cg_test/memory.stat
}
wait_until 10 sh -c "grep -qx 'shmem 0' $CG/cg_test/memory.stat" ||
	fail "cgroup still has $(memstat shmem) bytes of shmem charged"
assert_eq "$(memstat shmem_thp)" 0 "shmem huge pages left charged"
