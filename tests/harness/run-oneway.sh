#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One-way tests: tests/oneway holds tests that leave the guest kernel in a
# state no later test could run in (ftrace killed, lockdown raised). Each
# runs in a boot of its own, through run-check.sh (suite oneway-<name>); a
# "# append: ARGS" line among a test's first 20 adds ARGS to that boot's
# kernel command line (e.g. debugfs=off).
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
	local t name append rc=0 n=0
	while read -r t; do
		name=$(basename "$t" .sh)
		n=$((n + 1))
		append=$(head -n 20 "$t" | sed -n 's/^# append: //p' | head -n 1)
		echo "# one-way test $name, in a boot of its own${append:+ ($append)}"
		CG_SUITE_DIR=$DIR CG_TESTS="^$name\$" \
			CG_APPEND="${CG_APPEND:+$CG_APPEND }$append" \
			"$HARNESS/run-check.sh" --suite "oneway-$name" || rc=1
	done < <(cg_selected_tests "$DIR" "${CG_TESTS:-}")
	[ "$n" -gt 0 ] || echo "# no one-way test selected"
	return $rc
}

main "$@"
