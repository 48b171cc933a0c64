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

main() {
	local t name append qemu rc=0 n=0
	while read -r t; do
		name=$(basename "$t" .sh)
		n=$((n + 1))
		append=$(head -n 20 "$t" | sed -n 's/^# append: //p' | head -n 1)
		qemu=$(head -n 20 "$t" | sed -n 's/^# qemu: //p' | head -n 1)
		echo "# one-way test $name, in a boot of its own${append:+ ($append)}${qemu:+ (QEMU $qemu)}"
		CG_SUITE_DIR=$DIR CG_TESTS="^$name\$" \
			CG_APPEND="${CG_APPEND:+$CG_APPEND }$append" \
			CG_QEMU_ARGS="${CG_QEMU_ARGS:+$CG_QEMU_ARGS }$qemu" \
			"$HARNESS/run-check.sh" --suite "oneway-$name" || rc=1
	done < <(cg_selected_tests "$DIR" "${CG_TESTS:-}")
	[ "$n" -gt 0 ] || echo "# no one-way test selected"
	return $rc
}

main "$@"
