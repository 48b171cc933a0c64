#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every name of a statistic, histogram or injection point that the tests and
# tools write by hand is one the module has: checked against the table the
# module is built from (include/cg_names.h), plus the names it derives (per
# path: file_/anon_ calls, returns, available and one per 6.1 scan result,
# module/scan_results.c; redirect_live, probe_missed). A name that is not
# there would make a test read a statistic that never moves.
#   tests/harness/names-check.sh        (make check)
# Prints TAP 13; exits non-zero if a name is unknown.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
CG_PROG=names-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

N=0
FAILED=0
# names the tests use on purpose: one to see it refused, one of the
# previous release to see cgctl still read it
DELIBERATELY_UNKNOWN="no_such_stat|guard_succeeded"

# test_lines: the shell tests, without their comment lines
test_lines() {
	grep -rhv '^[[:space:]]*#' "$REPO/tests" --include='*.sh'
}

# table MACRO: the names of one list of cg_names.h (CG_COUNTER, CG_HIST,
# CG_INJECT)
table() {
	sed -n "s/^$1([A-Z_]*, \"\([a-z_0-9]*\)\",.*/\1/p" "$REPO/include/cg_names.h"
}

# The statistics debugfs "stats" prints.
stat_names() {
	table CG_COUNTER
	echo redirect_live
	echo probe_missed
	for p in file anon; do
		printf '%s\n' "${p}_available" "${p}_calls" "${p}_returns"
		sed -n 's/^[[:space:]]*\[SCAN_[A-Z_]*\][[:space:]]*= { "\([a-z_]*\)".*/\1/p' \
			"$REPO/module/scan_results.c" | sed "s/^/${p}_/"
	done
}

# check KIND KNOWN USED: every name of USED is in KNOWN.
check() {
	local unknown
	N=$((N + 1))
	unknown=$(comm -13 <(sort -u <<<"$2") <(sort -u <<<"$3") | tr '\n' ' ')
	if [ -z "$unknown" ]; then
		echo "ok $N - $1: $(sort -u <<<"$3" | wc -l) names used, all known"
	else
		echo "not ok $N - $1: unknown names: $unknown"
		FAILED=$((FAILED + 1))
	fi
}

# The names the shell tests pass to the statistics helpers (tests/lib.sh,
# tests/cases/helpers.sh) and to uffd_collapse_repro --wait-stat.
used_stats() {
	test_lines | grep -oE '(expect_deltas|expect_delta_ge|cg_stat_delta|wait_delta|delta_reached) [a-z0-9_]+( [a-z_0-9]+(=[^ ]*)?)+' |
		cut -d ' ' -f 3- | tr ' ' '\n' | sed 's/=.*//' |
		grep -E '^[a-z_]+[a-z]$' | grep -Ev '^(s|s2|before|after)$' || true
	test_lines | grep -oE '(cg_stat|stat_above|--wait-stat|--get) [a-z_]+' |
		cut -d ' ' -f 2 | grep -Evx "$DELIBERATELY_UNKNOWN" || true
	# the C tools: names passed as string literals to the statistics readers
	grep -rhoE '(ctl_stat_value|cgu_stat_read|read_stat_or_fail)\("[a-z_]+"' \
		"$REPO/userspace" | sed 's/.*("//; s/"//' || true
	sed -n 's/^[[:space:]]*{ "[a-z_]*",[[:space:]]*"\([a-z_]*\)" },.*/\1/p' \
		"$REPO/userspace/cgctl/cmd_watch.c"
}

used_hists() {
	test_lines | grep -oE 'hist_field [a-z_]+' | cut -d ' ' -f 2 || true
}

used_injects() {
	test_lines | grep -oE '(inject_value|inject_fired|inject_case) [a-z_]+' |
		cut -d ' ' -f 2 || true
	# shellcheck disable=SC2016 # a literal $ in the pattern
	test_lines | grep -oE 'echo "?[a-z_]+ -?[0-9]+"? *>"?\$(CG_DBG/inject|INJ)' |
		sed 's/^echo "\{0,1\}//; s/ .*//' || true
	grep -rhoE '"inject", "[a-z_]+ ' "$REPO/userspace" | sed 's/.*", "//; s/ //' || true
	grep -rhoE 'ST_DBG "inject", "[a-z_]+ ' "$REPO/userspace" | sed 's/.*", "//; s/ //' || true
}

main() {
	echo "TAP version 13"
	check "statistics" "$(stat_names)" "$(used_stats)"
	check "histograms" "$(table CG_HIST)" "$(used_hists)"
	check "injection points" "$(table CG_INJECT)" "$(used_injects)"
	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ]
}

main "$@"
