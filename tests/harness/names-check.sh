#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every name of a statistic, state, histogram, injection point, trace event
# or refusal reason that the tests, tools and docs write by hand is one the
# module has: checked against the table the module is built from
# (include/cg_names.h), plus the names it derives (per path: file_/anon_
# calls, returns and one per 6.1 scan result, module/scan_results.c;
# probe_missed). A name that is not there would make a test read a
# statistic that never moves, or wait for an event that never comes.
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

# doc_lines: the docs people read (the dated results keep the names of
# their day, and are left out)
doc_lines() {
	cat "$REPO/README.md" "$REPO/tests/README.md" "$REPO/userspace/cgctl/cgctl.8"
	find "$REPO/docs" -name '*.md' ! -name results.md -exec cat {} +
}

# table MACRO: the names of one list of cg_names.h (CG_COUNTER, CG_REASON,
# CG_STATE, CG_HIST, CG_INJECT)
table() {
	sed -n "s/^$1([A-Z_]*, \"\([a-z_0-9]*\)\",.*/\1/p" "$REPO/include/cg_names.h"
}

# The trace events (CG_EVENT(name, help)).
event_names() {
	sed -n 's/^CG_EVENT(\([a-z_]*\),.*/\1/p' "$REPO/include/cg_names.h"
}

# The 6.1 scan results, by the names the statistics and events use.
scan_result_names() {
	sed -n 's/^[[:space:]]*\[SCAN_[A-Z_]*\][[:space:]]*= { "\([a-z_]*\)".*/\1/p' \
		"$REPO/module/scan_results.c"
}

# The statistics debugfs "stats" prints: the counters (a reason is the
# counter guard_veto_<reason>), and the states it still prints until the
# next release (redirect_live, <path>_available).
stat_names() {
	table CG_COUNTER
	table CG_REASON | sed 's/^/guard_veto_/'
	table CG_STATE | grep -vx mode
	echo probe_missed
	for p in file anon; do
		printf '%s\n' "${p}_calls" "${p}_returns"
		scan_result_names | sed "s/^/${p}_/"
	done
}

# check KIND KNOWN USED: every name of USED is in KNOWN.
check() {
	local unknown used
	N=$((N + 1))
	used=$(grep . <<<"$3" | sort -u || true)
	unknown=$(comm -13 <(sort -u <<<"$2") <(grep . <<<"$used" || true) | tr '\n' ' ')
	if [ -z "$unknown" ]; then
		echo "ok $N - $1: $(grep -c . <<<"$used") names used, all known"
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

# The names of the counters renamed after 0.3.0 (what the old names became).
used_renamed() {
	sed -n 's/^CG_COUNTER_RENAMED("[a-z_]*", "\([a-z_]*\)")/\1/p' "$REPO/include/cg_names.h"
}

# Statistics the docs name: every guard_veto_* in backquotes.
used_doc_stats() {
	# shellcheck disable=SC2016 # literal backquotes in the pattern
	doc_lines | grep -oE '`guard_veto_[a-z_]+`' | tr -d '`' || true
}

# The states the tests read from debugfs "state" (cg_state NAME), and cgctl
# (ctl_state_value("NAME")).
used_states() {
	test_lines | grep -oE 'cg_state [a-z_]+' | cut -d ' ' -f 2 || true
	grep -rhoE 'ctl_state_value\("[a-z_]+"' "$REPO/userspace" | sed 's/.*("//; s/"//' || true
}

# The trace events the tests wait for or read, and the docs name.
used_events() {
	test_lines | grep -oE '(expect_one_event|expect_no_event|trace_events) [a-z_]+' |
		cut -d ' ' -f 2 || true
	test_lines | grep -oE 'events/collapse_guard/[a-z_]+' | cut -d / -f 3 |
		grep -vx enable || true
	# shellcheck disable=SC2016 # literal backquotes in the pattern
	doc_lines | grep -oE '`[a-z_]+` (trace )?events?|events? `[a-z_]+`' |
		sed 's/[^`]*`\([a-z_]*\)`.*/\1/' || true
}

# The reasons the tests and docs expect in an event (reason=NAME, a trace
# filter's reason == "NAME"): the guard's own, or in guard_collapse the name
# of a 6.1 scan result.
used_reasons() {
	{
		test_lines
		doc_lines
	} | grep -oE 'reason(=| == ")[a-z_]+' | sed 's/^reason\(=\| == "\)//' || true
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
	check "renamed statistics' new names" "$(stat_names)" "$(used_renamed)"
	check "statistics in the docs" "$(stat_names)" "$(used_doc_stats)"
	check "states" "$(table CG_STATE)" "$(used_states)"
	check "trace events" "$(event_names)" "$(used_events)"
	check "reasons" "$(table CG_REASON; scan_result_names)" "$(used_reasons)"
	check "histograms" "$(table CG_HIST)" "$(used_hists)"
	check "injection points" "$(table CG_INJECT)" "$(used_injects)"
	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ]
}

main "$@"
