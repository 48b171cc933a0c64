#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
# qemu: -smp 2,sockets=2,cores=1,threads=1 -object memory-backend-ram,id=m0,size=@HALF_MEM@ -object memory-backend-ram,id=m1,size=@HALF_MEM@ -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
#
# The per-node half of 4188b2592ff6, on a two-node guest: a tmpfs file's
# range is written partly from node 1's CPU (its pages on node 1) and
# mostly from node 0's, then collapsed from node 0 (the huge page goes to
# the node with most of the pages, 0). Stock 6.1 (mode off, the control)
# leaves node 1 counting its old pages in nr_shmem and nr_file_pages after
# the collapse and after the file is deleted, and node 0 that many short
# (shown as 0 when that makes it negative);
# under guard the old pages leave node 1 at the collapse, node 0 counts the
# whole huge page, and both are back at their baselines after the delete.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

[ -d /sys/devices/system/node/node1 ] || fail "not a two-node guest"
NODE1_PAGES=200
NODE0_PAGES=311
SLACK=48

# node_stat N NAME: NAME of node N's vmstat, per-CPU differences folded first
node_stat() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null || true
	awk -v f="$2" '$1 == f { print $2 }' "/sys/devices/system/node/node$1/vmstat"
}

# near A B: |A - B| <= SLACK (what else the guest allocates meanwhile)
near() {
	_d=$(($1 - $2))
	[ "${_d#-}" -le $SLACK ]
}

# expect_node N NAME BASE DELTA: NAME of node N moved by about DELTA
expect_node() {
	_now=$(node_stat "$1" "$2")
	near $((_now - $3)) "$4" ||
		fail "node $1 $2 moved by $((_now - $3)), expected about $4"
}

# cross_node EXPECT: EXPECT is fixed (guard) or drift (stock)
cross_node() {
	_f=$CG_CROSS_DIR/node.$1
	_s0=$(node_stat 0 nr_shmem)
	_s1=$(node_stat 1 nr_shmem)
	_f0=$(node_stat 0 nr_file_pages)
	_f1=$(node_stat 1 nr_file_pages)
	taskset 2 dd if=/dev/urandom of="$_f" bs=4096 count=$NODE1_PAGES 2>/dev/null
	taskset 1 dd if=/dev/urandom of="$_f" bs=4096 seek=$NODE1_PAGES \
		count=$NODE0_PAGES conv=notrunc 2>/dev/null
	truncate -s 2M "$_f"
	expect_node 1 nr_shmem "$_s1" $NODE1_PAGES
	run taskset 1 collapse_path "$_f"
	if [ "$1" = fixed ]; then
		expect_node 1 nr_shmem "$_s1" 0
		expect_node 1 nr_file_pages "$_f1" 0
		expect_node 0 nr_shmem "$_s0" 512
		expect_node 0 nr_file_pages "$_f0" 512
	else
		expect_node 1 nr_shmem "$_s1" $NODE1_PAGES
		expect_node 0 nr_shmem "$_s0" $((NODE0_PAGES + 1))
	fi
	rm "$_f"
	if [ "$1" = fixed ]; then
		for _n in 0 1; do
			eval "expect_node $_n nr_shmem \$_s$_n 0"
			eval "expect_node $_n nr_file_pages \$_f$_n 0"
		done
	else
		# the drift: node 1 still counts pages that no longer exist;
		# node 0 counts that many too few, but the kernel shows a
		# negative node counter as 0, so only "less than before" shows
		expect_node 1 nr_shmem "$_s1" $NODE1_PAGES
		[ "$(node_stat 0 nr_shmem)" -lt "$_s0" ] ||
			fail "node 0 nr_shmem did not fall below its start ($_s0) after the delete"
	fi
}

memcg_cross_mount
trap 'memcg_cross_umount' EXIT
thp_quiet
# guard first: the stock control leaves node 0's counter negative (its
# drift), which the kernel shows as 0, and no later baseline could be read
cg_load mode=guard
cg_stats_save s
cross_node fixed
expect_deltas s guard_committed=1
cg_set_mode off
cross_node drift
cg_unload
