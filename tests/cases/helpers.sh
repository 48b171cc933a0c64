# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the test cases of this suite (not a test: the harness runs
# only NNN-name.sh). Sourced after /opt/cg/tests/lib.sh:
#   . "$(dirname "$0")/helpers.sh"

# kv KEY TEXT: the value of the last "KEY=value" word in TEXT.
kv() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n 1
}

# run CMD...: show CMD and its output (stdout and stderr), keep the output in
# OUT, and fail the test if CMD exits non-zero.
run() {
	echo "+ $*"
	_rc=0
	OUT=$("$@" 2>&1) || _rc=$?
	printf '%s\n' "$OUT"
	[ "$_rc" -eq 0 ] || fail "$1 exited with status $_rc"
}

# run_status STATUS CMD...: like run, but CMD must exit with STATUS.
run_status() {
	_want=$1
	shift
	echo "+ $* (expecting exit status $_want)"
	_rc=0
	OUT=$("$@" 2>&1) || _rc=$?
	printf '%s\n' "$OUT"
	[ "$_rc" -eq "$_want" ] || fail "$1 exited with status $_rc, expected $_want"
}

# fail_with_deltas SAVED MSG: show every statistic that moved since SAVED,
# then fail with MSG.
fail_with_deltas() {
	echo "statistics that moved:"
	cgctl stats --diff "$1" --nonzero || true
	fail "$2"
}

# expect_deltas SAVED NAME=DELTA...: each statistic moved by exactly DELTA
# since the stats were saved to SAVED.
expect_deltas() {
	_saved=$1
	shift
	for _nd in "$@"; do
		_d=$(cg_stat_delta "$_saved" "${_nd%%=*}")
		[ "$_d" -eq "${_nd#*=}" ] ||
			fail_with_deltas "$_saved" "statistic ${_nd%%=*} moved by $_d, expected ${_nd#*=}"
	done
}

# expect_delta_ge SAVED NAME MIN: the statistic moved by at least MIN.
expect_delta_ge() {
	_d=$(cg_stat_delta "$1" "$2")
	[ "$_d" -ge "$3" ] ||
		fail_with_deltas "$1" "statistic $2 moved by $_d, expected at least $3"
}

# delta_sum SAVED NAME...: the sum of the moves of the statistics since SAVED.
delta_sum() {
	_saved=$1
	shift
	_sum=0
	for _n in "$@"; do
		_sum=$((_sum + $(cg_stat_delta "$_saved" "$_n")))
	done
	echo "$_sum"
}

# show_deltas SAVED: print the statistics that moved since SAVED.
show_deltas() {
	echo "statistics that moved:"
	cgctl stats --diff "$1" --nonzero || fail "cgctl stats --diff $1 failed"
}

# expect_no_deltas SAVED: no statistic moved since SAVED.
expect_no_deltas() {
	_moved=$(cgctl stats --diff "$1" --nonzero) || fail "cgctl stats --diff $1 failed"
	[ -z "$_moved" ] || fail "statistics moved although nothing should count: $_moved"
}

# thp_quiet: keep khugepaged from collapsing anything on its own (it stops
# when both knobs are "never"); MADV_COLLAPSE ignores these knobs. The
# harness restores them after the test.
thp_quiet() {
	knob_set "$CG_THP/enabled" never
	shmem_thp never
}

# storm_rounds STATUS_FILE: rounds collapse_storm has completed (0 before
# its first status write).
storm_rounds() {
	_r=$(sed -n 's/^rounds=//p' "$1" 2>/dev/null)
	echo "${_r:-0}"
}

# storm_progressed STATUS_FILE MIN: true once the storm completed MIN rounds.
storm_progressed() {
	[ "$(storm_rounds "$1")" -ge "$2" ]
}

# wait_storm STATUS_FILE PID N: wait (deadline 120 s) until the storm has
# completed N more rounds, failing if it died or stalled.
wait_storm() {
	_target=$(($(storm_rounds "$1") + $3))
	wait_until 120 storm_progressed "$1" "$_target" ||
		fail "collapse_storm made no progress (rounds $(storm_rounds "$1"), wanted $_target)"
	kill -0 "$2" 2>/dev/null || fail "collapse_storm (pid $2) is gone"
}

# stop_storm PID LOG: SIGTERM the storm, wait for it, and require a clean
# exit with every round verified.
stop_storm() {
	kill -TERM "$1" 2>/dev/null || fail "collapse_storm (pid $1) died early: $(cat "$2")"
	_rc=0
	wait "$1" || _rc=$?
	cat "$2"
	assert_eq "$_rc" 0 "collapse_storm exit status"
	grep -q 'result=ok' "$2" || fail "collapse_storm did not report result=ok"
}
