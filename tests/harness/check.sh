#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The body of "make check": every suite in turn, as one TAP 13 document.
# Each suite is a subtest: its own TAP (plan, results, diagnostics) comes
# indented by four spaces under a "# Subtest: NAME" line, as kselftest and
# TAP 14 nest them, and an "ok"/"not ok" line for the suite follows it.
# Output streams as the suites run. At the end, the totals of the tests
# inside the suites, as a TAP comment in kselftest's form, then the one
# closing line CI reads: "N passed, N failed[, N skipped]".
#   tests/harness/check.sh        (make check, after the build)
# Every suite ends its own TAP with a "# Totals: pass:N fail:N ... skip:N"
# comment (kselftest's); a suite that ends without one counts as one failed
# test. Exits non-zero if any suite failed.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CG_PROG=check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"
# shellcheck source=tests/harness/tap.sh
. "$HARNESS/tap.sh"

# name:command (words split at blanks), in the order they run
SUITES=(
	"model:$HARNESS/model-check.sh"
	"build-refusals:$HARNESS/build-refusals.sh"
	"metrics:$HARNESS/metrics-check.sh"
	"names:$HARNESS/names-check.sh"
	"stats:$HARNESS/stats-check.sh"
	"channel:$HARNESS/channel-check.sh"
	"abi-list:$HARNESS/abi-list-check.sh"
	"cases:$HARNESS/run-check.sh"
	"oneway:$HARNESS/run-oneway.sh"
	"clients:$HARNESS/run-clients.sh --short"
)

main() {
	local i=0 rc=0 s cmd
	echo "TAP version 13"
	echo "1..${#SUITES[@]}"
	for s in "${SUITES[@]}"; do
		i=$((i + 1))
		read -ra cmd <<<"${s#*:}"
		cg_tap_subtest "$i" "${s%%:*}" "" "${cmd[@]}" || rc=1
	done
	cg_tap_summary
	return $rc
}

main "$@"
