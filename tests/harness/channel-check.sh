#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The results channel's three readers in run-check.sh (parse_results, which
# makes the report; open_test, which the watchdog asks what runs;
# follow_results, which prints TAP as results arrive), on the host, no
# guest, over records made here:
#  - a whole suite: two results, their logs, nothing open;
#  - the end marker of the first log lost (seen in make check at 9457789:
#    test 120 then had "no result"): log-begin's line count still ends the
#    log, so both results are read, and the first log has its lines only;
#  - a log whose text holds a record ("@@cg result 9 pass") is still log;
#  - the old form of log-begin (no count) still reads.
# Prints TAP; exits non-zero on a failure.
#   tests/harness/channel-check.sh        (make check)
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=0
FAILED=0

# shellcheck source=tests/harness/run-check.sh
CG_RUN_CHECK_LIBRARY=1 . "$HARNESS/run-check.sh"
CG_PROG=channel-check
OUTDIR=$(mktemp -d)
trap 'rm -rf "$OUTDIR"' EXIT
TESTS=(010-first 020-second)

# records [DROP]: a suite of two tests, each with a 3-line log (the first's
# log holds a record's text); DROP: a line to leave out; OLD: no counts.
records() {
	local count=" 3"
	[ -z "${OLD:-}" ] || count=""
	printf '%s\n' "@@cg hello 6.1.0-57-amd64 100" "@@cg plan 2" \
		"@@cg test 1 010-first" "@@cg test 2 020-second" \
		"@@cg begin 1 010-first 60" "@@cg log-begin 1$count" \
		"line one" "@@cg result 9 pass 1 (a test's text)" "line three" \
		"@@cg log-end 1" "@@cg result 1 pass 37 " \
		"@@cg begin 2 020-second 60" "@@cg log-begin 2$count" \
		"a" "b" "c" "@@cg log-end 2" "@@cg result 2 fail 39 exit 1" \
		"@@cg done 2" | grep -vxF -- "${1:-no line is this}"
}

# results_are WANT: parse_results' "INDEX STATUS" lines, joined by ";".
results_are() {
	parse_results
	[ "$(awk '{ printf "%s%s %s", (NR > 1 ? ";" : ""), $1, $2 }' "$OUTDIR/results")" = "$1" ]
}

# tap_is WANT: follow_results' TAP lines of results, joined by ";".
tap_is() {
	local got
	sleep 0 &
	got=$(follow_results $! | grep -E '^(not )?ok' | paste -sd ';')
	[ "$got" = "$1" ]
}

# case_of NAME [DROP]: runs every reader over records (DROP left out).
case_of() {
	records "${2:-}" >"$OUTDIR/results.raw"
	ok_if "$1: parse_results reads both results" results_are "1 pass;2 fail"
	ok_if "$1: the first log is its 3 lines" \
		test "$(wc -l <"$OUTDIR/010-first.log")" -eq 3
	ok_if "$1: open_test finds no test open" test -z "$(open_test)"
	ok_if "$1: follow_results prints both" \
		tap_is "ok 1 - 010-first;not ok 2 - 020-second"
}

main() {
	echo "TAP version 13"
	case_of "whole"
	case_of "end marker lost" "@@cg log-end 1"
	OLD=1 case_of "no line counts"
	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ] || { echo "# $FAILED of $N failed"; return 1; }
}

main "$@"
