# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the runners that nest other runs as TAP subtests (check.sh,
# run-oneway.sh), after host.sh: the nested run's TAP indented by four
# spaces under a "# Subtest:" line, as kselftest and TAP 14 nest them, its
# "# Totals:" added up, and one "ok"/"not ok" line for it.

CG_TAP_PASS=0
CG_TAP_FAIL=0
CG_TAP_SKIP=0

# cg_tap_add_totals LINE: a nested run's "# Totals:" comment, added up.
cg_tap_add_totals() {
	local f v
	for f in ${1#"# Totals: "}; do
		v=${f#*:}
		case $f in
		pass:*) CG_TAP_PASS=$((CG_TAP_PASS + v)) ;;
		fail:* | error:*) CG_TAP_FAIL=$((CG_TAP_FAIL + v)) ;;
		skip:*) CG_TAP_SKIP=$((CG_TAP_SKIP + v)) ;;
		esac
	done
}

# cg_tap_subtest INDEX NAME DESCRIPTION CMD...: runs CMD as subtest INDEX,
# streaming its output indented. A run that ends without a "# Totals:"
# comment counts as one failed test. False if CMD failed.
cg_tap_subtest() {
	local index=$1 name=$2 line rc='' totals=''
	echo "# Subtest: $name${3:+, $3}"
	shift 3
	while IFS= read -r line; do
		case $line in
		"@@subtest-exit "*) rc=${line#@@subtest-exit }; continue ;;
		"# Totals: "*) totals=$line ;;
		esac
		printf '    %s\n' "$line"
	done < <("$@" 2>&1; echo "@@subtest-exit $?")
	if [ -n "$totals" ]; then
		cg_tap_add_totals "$totals"
	else
		CG_TAP_FAIL=$((CG_TAP_FAIL + 1))
	fi
	if [ "${rc:-1}" -eq 0 ]; then
		echo "ok $index - $name"
	else
		echo "not ok $index - $name # exit status ${rc:-?}"
	fi
	[ "${rc:-1}" -eq 0 ]
}

# cg_tap_summary: the totals, then the closing line CI reads.
cg_tap_summary() {
	cg_tap_totals "$CG_TAP_PASS" "$CG_TAP_FAIL" "$CG_TAP_SKIP"
	if [ "$CG_TAP_SKIP" -gt 0 ]; then
		echo "$CG_TAP_PASS passed, $CG_TAP_FAIL failed, $CG_TAP_SKIP skipped"
	else
		echo "$CG_TAP_PASS passed, $CG_TAP_FAIL failed"
	fi
}
