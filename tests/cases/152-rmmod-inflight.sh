#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
#
# rmmod while a guarded collapse is provably in flight: the injection delay
# holds each collapse inside the module (between its scan and its seal: the
# seal_delay_ms point has fired) while the mode goes off and the module is
# removed. The switch and rmmod must wait for it, the collapse must finish
# inside the module's code (it collapses, every byte and the accounting
# intact), the module must be gone afterwards, and the log clean (the
# harness scans it). CG_RMMOD_CYCLES cycles (default 20; 200 passed on
# 2026-11-22, 6.1.0-56, in 168 s).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

CYCLES=${CG_RMMOD_CYCLES:-20}

# fired_above N: the delay point fired more than N times.
fired_above() {
	[ "$(inject_fired seal_delay_ms)" -gt "$1" ]
}

thp_quiet
i=0
while [ "$i" -lt "$CYCLES" ]; do
	i=$((i + 1))
	cg_load mode=guard
	echo "seal_delay_ms 300" >"$CG_DBG/inject"
	f0=$(inject_fired seal_delay_ms)
	cg_collapse shmem --fill partial --expect collapsed --check-accounting >collapse.out 2>&1 &
	cpid=$!
	# the collapse is inside the module, asleep between its scan and seal
	wait_until 20 fired_above "$f0" || fail "cycle $i: the collapse never reached the delay"
	echo off >"$CG_PARAM_MODE" || fail "cycle $i: cannot switch off"
	rmmod collapse_guard || fail "cycle $i: rmmod failed with a collapse in flight"
	! cg_loaded || fail "cycle $i: still loaded after rmmod"
	if ! wait "$cpid"; then
		cat collapse.out
		fail "cycle $i: the collapse in flight during rmmod went wrong"
	fi
done
echo "$CYCLES cycles: rmmod with a guarded collapse in flight, each collapse intact"
