#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 1800
#
# collapse_storm with 4 threads and fast khugepaged for many cycles: load
# (guard or observe), switch modes while collapses run, unload; each step
# waits for the storm's progress. The storm checks every byte of every round.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

CYCLES=${CG_STRESS_CYCLES:-40}

khugepaged_fast
shmem_thp advise
collapse_storm --seconds 0 --threads 4 --status storm.status >storm.log 2>&1 &
storm=$!
wait_storm storm.status "$storm" 4

i=0
while [ "$i" -lt "$CYCLES" ]; do
	i=$((i + 1))
	cg_load mode=guard
	wait_storm storm.status "$storm" 4
	for m in observe off guard off observe; do
		cg_set_mode "$m"
		wait_storm storm.status "$storm" 2
	done
	cg_unload
	wait_storm storm.status "$storm" 2
	echo "cycle $i: storm at $(storm_rounds storm.status) rounds"
done
stop_storm "$storm" storm.log
