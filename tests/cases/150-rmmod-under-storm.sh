#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# collapse_storm (MADV_COLLAPSE of shmem and anonymous ranges, some with a
# MISSING userfaultfd twin) runs while khugepaged scans fast, and the module
# is loaded and unloaded again and again: each load waits until collapses go
# through the module, each unload waits until the storm made progress
# without it. The storm verifies every byte of every round; the harness fails
# the test on any kernel warning.
#
# First, 20 s of the storm with the module guarding throughout (--guarded):
# every round with a MISSING twin refused, its holes intact and raising
# events, no round without one refused for userfaultfd.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

CYCLES=6

thp_quiet
cg_load mode=guard
run collapse_storm --threads 2 --seconds 20 --guarded
assert_gt "$(kv uffd_rounds "$OUT")" 0 "rounds with a MISSING twin"
assert_gt "$(kv hole_probes "$OUT")" 0 "holes probed through a twin"
cg_unload

start_storm
wait_storm storm.status "$storm" 2

i=0
while [ "$i" -lt "$CYCLES" ]; do
	i=$((i + 1))
	mode=guard
	[ $((i % 3)) -ne 0 ] || mode=observe
	cg_load mode="$mode"
	if [ "$mode" = guard ]; then
		wait_until 120 stat_above guard_calls 1 || fail "cycle $i: no guarded collapse while loaded"
	else
		wait_storm storm.status "$storm" 2
	fi
	cg_unload
	echo "cycle $i ($mode): unloaded with the storm at $(storm_rounds storm.status) rounds"
	wait_storm storm.status "$storm" 2
done
stop_storm "$storm" storm.log
