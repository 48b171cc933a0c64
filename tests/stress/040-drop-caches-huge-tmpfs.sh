#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: duration+300
#
# Hugh Dickins's recipe for 0175ab610c2d ("mm/khugepaged: fix conflicting
# mods to collapse_file()"): on a tmpfs mounted huge=always, files are
# rewritten and truncated (splitting their huge pages) while
# drop_caches runs in a loop (find_lock_entries() over every page cache),
# MADV_COLLAPSE collapses their first ranges and khugepaged collapses at
# full speed, all under the guard, for CG_STRESS_DURATION seconds (default
# 600; make stress DURATION=). A livelock, soft lockup or hung task there
# is found by the harness's scan of the kernel log; the test also fails if
# any loop stopped making progress or if no collapse was guarded.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

DIR=/tmp/hugh
SECONDS_RUN=${CG_STRESS_DURATION:-600}
NFILES=6
mkdir -p $DIR
mount -t tmpfs -o size=256M,huge=always none $DIR || fail "cannot mount a huge tmpfs"
trap 'touch $DIR.stop; wait; umount $DIR 2>/dev/null || true' EXIT
rm -f $DIR.stop
khugepaged_fast
cg_load mode=guard
cg_stats_save s
full_scans0=$(cat "$CG_KHUGEPAGED/full_scans")

running() {
	[ ! -e $DIR.stop ]
}

# drop_caches over and over; its count in drops.count
drop_loop() {
	_n=0
	while running; do
		echo 3 >/proc/sys/vm/drop_caches
		_n=$((_n + 1))
		put drops.count $_n
	done
}

# file I: rewritten 4 MiB, then truncated to a size drawn from 1..4 MiB (a
# cut through a huge page splits it), over and over; count in rewrite.I
rewrite_loop() {
	_n=0
	while running; do
		dd if=/dev/zero of="$DIR/f$1" bs=1M count=4 conv=notrunc 2>/dev/null
		truncate -s $(( ($(od -An -N2 -tu2 /dev/urandom) % 768 + 256) * 4096 )) "$DIR/f$1"
		_n=$((_n + 1))
		put "rewrite.$1" $_n
	done
}

# MADV_COLLAPSE of file I's first range, over and over (any outcome but a
# setup failure); count in collapse.I
collapse_loop() {
	_n=0
	while running; do
		[ -e "$DIR/f$1" ] || continue
		collapse_path --rounds 20 --expect any "$DIR/f$1" >"collapse.$1.log" 2>&1 ||
			{ cat "collapse.$1.log"; touch $DIR.failed; return; }
		_n=$((_n + 1))
		put "collapse.$1" $_n
	done
}

drop_loop &
i=0
while [ $i -lt $NFILES ]; do
	dd if=/dev/zero of=$DIR/f$i bs=1M count=4 2>/dev/null
	rewrite_loop $i &
	collapse_loop $i &
	i=$((i + 1))
done

# every loop must keep moving: checked each 30 s over the run (count, put:
# tests/lib.sh)
end=$(($(uptime_cs) + SECONDS_RUN * 100))
while [ "$(uptime_cs)" -lt "$end" ]; do
	before="$(count drops.count) $(for i in 0 1 2 3 4 5; do count rewrite.$i; count collapse.$i; done)"
	sleep 30
	after="$(count drops.count) $(for i in 0 1 2 3 4 5; do count rewrite.$i; count collapse.$i; done)"
	# shellcheck disable=SC2086 # one word per counter
	set -- $before
	for a in $after; do
		[ "$a" -gt "$1" ] || { touch $DIR.stop; fail "a loop made no progress in 30 s (before: $before; after: $after)"; }
		shift
	done
	[ ! -e $DIR.failed ] || { touch $DIR.stop; fail "collapse_path failed"; }
	echo "progress: drops $(count drops.count), guard_calls +$(cg_stat_delta s guard_calls)"
done
touch $DIR.stop
wait
[ ! -e $DIR.failed ] || fail "collapse_path failed"
echo "drop_caches: $(count drops.count); khugepaged full scans: $(($(cat "$CG_KHUGEPAGED/full_scans") - full_scans0))"
cgctl stats --diff s --nonzero
expect_ge() {
	[ "$(cg_stat_delta s "$1")" -ge "$2" ] || fail "$1 moved by $(cg_stat_delta s "$1"), expected at least $2"
}
expect_ge guard_calls 1
expect_ge guard_committed 1
cg_unload
