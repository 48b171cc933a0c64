#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 2400
#
# The memcg charge-failure path, 10,000 times: a tmpfs file's range, half
# written from a memory cgroup whose memory.max leaves less than a huge
# page of headroom, is collapsed from that cgroup 10,000 times under the
# guard. Every round is refused (EBUSY, SCAN_CGROUP_CHARGE_FAIL) and counted;
# nothing may leak: after the file is deleted the cgroup's usage and shmem,
# the machine's Shmem and MemFree are back where they were. Then 10,000 more:
# over those, what a per-refusal leak would take (SUnreclaim, MemFree) must
# not move beyond noise.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

ROUNDS=10000
F=$CG_CROSS_DIR/refused
memcg_cross_mount
memcg_enable cg_refuse
trap 'memcg_cross_umount; memcg_remove cg_refuse' EXIT
cg_load mode=guard

# settle: the page cache dropped, the slab's free objects given back
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# batch: one file, ROUNDS refused collapses of it from the cgroup, deleted.
batch() {
	cg_stats_save s
	echo 3M >"$CG_CGROOT/cg_refuse/memory.max"
	in_memcg cg_refuse dd if=/dev/urandom of=$F bs=4096 count=256 2>/dev/null ||
		fail "cannot write $F"
	truncate -s 2M $F
	run in_memcg cg_refuse collapse_path --rounds $ROUNDS --expect refused $F
	[ "$(kv ebusy "$OUT")" -eq $ROUNDS ] || fail "not every round was refused with EBUSY"
	assert_eq "$(cg_stat_delta s file_cgroup_charge_fail)" $ROUNDS "charge failures counted"
	assert_eq "$(cg_stat_delta s guard_calls)" $ROUNDS "guarded calls"
	assert_eq "$(cg_stat_delta s guard_committed)" 0 "collapses that succeeded"
	rm $F
	echo max >"$CG_CGROOT/cg_refuse/memory.max"
	memcg_expect cg_refuse shmem 0
	memcg_expect cg_refuse shmem_thp 0
	settle
}

usage_back() {
	[ $(($(cat "$CG_CGROOT/cg_refuse/memory.current") - usage0)) -le 262144 ]
}

# measure WHEN: the figures a leak would move
measure() {
	echo "$1: MemFree $(meminfo MemFree) kB, SUnreclaim $(meminfo SUnreclaim) kB, Shmem $(meminfo Shmem) kB, cgroup usage $(cat "$CG_CGROOT/cg_refuse/memory.current") B"
}

settle
memfree0=$(meminfo MemFree)
shmem0=$(meminfo Shmem)
usage0=$(cat "$CG_CGROOT/cg_refuse/memory.current")
measure before

# The first batch pays for what is set up once (slab caches, per-cpu
# lists); the second must cost nothing: a leak of one small object per
# refusal is 10,000 objects there (a kmalloc-64 each: 625 kB of
# SUnreclaim), one of a page 40 MB of MemFree; the slack of 8 MB covers the
# huge pages the per-cpu free lists may hold (each refusal allocates and
# frees one).
batch
wait_until 10 usage_back ||
	fail "the cgroup's usage grew by $(($(cat "$CG_CGROOT/cg_refuse/memory.current") - usage0)) bytes"
measure "after $ROUNDS"
memfree1=$(meminfo MemFree)
slab1=$(meminfo SUnreclaim)
batch
wait_until 10 usage_back ||
	fail "the cgroup's usage grew by $(($(cat "$CG_CGROOT/cg_refuse/memory.current") - usage0)) bytes"
measure "after $((2 * ROUNDS))"
[ $(($(meminfo Shmem) - shmem0)) -le 256 ] || fail "Shmem grew by $(($(meminfo Shmem) - shmem0)) kB"
[ $((memfree0 - $(meminfo MemFree))) -le 8192 ] ||
	fail "MemFree fell by $((memfree0 - $(meminfo MemFree))) kB over $((2 * ROUNDS)) refused collapses"
[ $(($(meminfo SUnreclaim) - slab1)) -le 256 ] ||
	fail "SUnreclaim grew by $(($(meminfo SUnreclaim) - slab1)) kB over the second $ROUNDS refused collapses"
[ $((memfree1 - $(meminfo MemFree))) -le 8192 ] ||
	fail "MemFree fell by $((memfree1 - $(meminfo MemFree))) kB over the second $ROUNDS refused collapses"
cg_unload
