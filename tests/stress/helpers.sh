# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the stress suite (not a test). Each suite is staged into the
# guest on its own, so this holds the few helpers of tests/cases/helpers.sh
# that the stress tests use. Sourced after /opt/cg/tests/lib.sh.

# kv KEY TEXT: the value of the last "KEY=value" word in TEXT.
kv() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n 1
}

# run CMD...: show CMD and its output, keep it in OUT, fail if CMD fails.
run() {
	echo "+ $*"
	_rc=0
	OUT=$("$@" 2>&1) || _rc=$?
	printf '%s\n' "$OUT"
	[ "$_rc" -eq 0 ] || fail "$1 exited with status $_rc"
}

# storm_rounds STATUS_FILE: rounds collapse_storm has completed.
storm_rounds() {
	_r=$(sed -n 's/^rounds=//p' "$1" 2>/dev/null)
	echo "${_r:-0}"
}

storm_progressed() {
	[ "$(storm_rounds "$1")" -ge "$2" ]
}

# wait_storm STATUS_FILE PID N: wait (deadline 120 s) for N more rounds.
wait_storm() {
	_target=$(($(storm_rounds "$1") + $3))
	wait_until 120 storm_progressed "$1" "$_target" ||
		fail "collapse_storm made no progress (rounds $(storm_rounds "$1"), wanted $_target)"
	kill -0 "$2" 2>/dev/null || fail "collapse_storm (pid $2) is gone"
}

# stop_storm PID LOG: SIGTERM the storm and require a clean, verified exit.
stop_storm() {
	kill -TERM "$1" 2>/dev/null || fail "collapse_storm (pid $1) died early: $(cat "$2")"
	_rc=0
	wait "$1" || _rc=$?
	cat "$2"
	assert_eq "$_rc" 0 "collapse_storm exit status"
	grep -q 'result=ok' "$2" || fail "collapse_storm did not report result=ok"
}
