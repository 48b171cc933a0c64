#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# The mode switches off -> observe -> guard -> ... many times while
# collapse_storm and fast khugepaged keep collapsing. After each switch the
# test waits for the storm to complete rounds in that mode (and, in observe
# and guard, for the module to count them). Every round's contents verified.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

ROUNDS=4

cg_load mode=guard
start_storm

r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	for mode in off observe guard; do
		cg_set_mode "$mode"
		case $mode in
		observe) before=$(cg_stat file_calls); stat=file_calls ;;
		guard) before=$(cg_stat guard_calls); stat=guard_calls ;;
		off) stat= ;;
		esac
		wait_storm storm.status "$storm" 2
		if [ -n "$stat" ]; then
			wait_until 120 stat_above "$stat" "$before" ||
				fail "round $r: $stat did not move in mode $mode"
		fi
	done
	echo "round $r done, storm at $(storm_rounds storm.status) rounds"
done
stop_storm "$storm" storm.log
cg_unload
