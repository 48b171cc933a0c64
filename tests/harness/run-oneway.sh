#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One-way tests: tests/oneway holds tests that leave the guest kernel in a
# state no later test could run in (ftrace killed, lockdown raised), or need
# a guest of their own (two NUMA nodes). Each runs in a boot of its own,
# through run-check.sh (suite oneway-<name>); a "# append: ARGS" line among a
# test's first 20 adds ARGS to that boot's kernel command line (e.g.
# debugfs=off), a "# qemu: ARGS" line adds ARGS to QEMU's.
#   tests/harness/run-oneway.sh        (part of make check)
# CG_TESTS selects among them as among tests/cases (none selected: nothing
# runs). Takes the environment run-check.sh takes. Exits non-zero if any
# failed.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
DIR=$REPO/tests/oneway

# shellcheck source=tests/harness/shared.sh
. "$HARNESS/shared.sh"
CG_PROG=run-oneway
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"
# shellcheck source=tests/harness/tap.sh
. "$HARNESS/tap.sh"

# run_one FILE INDEX: the one-way test in a boot of its own, as a subtest.
run_one() {
	local name append qemu
	name=$(basename "$1" .sh)
	append=$(head -n 20 "$1" | sed -n 's/^# append: //p' | head -n 1)
	qemu=$(head -n 20 "$1" | sed -n 's/^# qemu: //p' | head -n 1)
	CG_SUITE_DIR=$DIR CG_TESTS="^$name\$" \
		CG_APPEND="${CG_APPEND:+$CG_APPEND }$append" \
		CG_QEMU_ARGS="${CG_QEMU_ARGS:+$CG_QEMU_ARGS }$qemu" \
		cg_tap_subtest "$2" "$name" \
		"in a boot of its own${append:+ ($append)}${qemu:+ (QEMU $qemu)}" \
		"$HARNESS/run-check.sh" --suite "oneway-$name"
}

main() {
	local tests t i=0 rc=0
	mapfile -t tests < <(cg_selected_tests "$DIR" "${CG_TESTS:-}")
	echo "TAP version 13"
	echo "1..${#tests[@]}"
	for t in "${tests[@]}"; do
		i=$((i + 1))
		run_one "$t" "$i" || rc=1
	done
	[ "$i" -gt 0 ] || echo "# no one-way test selected"
	cg_tap_summary
	return $rc
}

main "$@"
