#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make clients: tests/clients, our users' real program (Debian's QEMU,
# inside the test guest) migrated in postcopy while a second mapping of its
# RAM is collapsed, on two kernels:
#   1. Debian's 6.1 with the module: each case in mode off and observe (the
#      negative controls: the loss must show) and in guard (no loss);
#   2. Debian's 6.12 without it (run-oracle.sh): upstream's fix, which the
#      guard must agree with.
#   tests/harness/run-clients.sh        (make clients)
#   tests/harness/run-clients.sh --short   (part of make check: the 6.1 run
#                                       of the short case alone, 010)
# CG_TESTS selects cases as in tests/cases. Prints nested TAP and the one
# closing "N passed, N failed" line; exits non-zero if either run failed.
# Takes the environment run-check.sh and run-oracle.sh take.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CG_PROG=clients
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"
# shellcheck source=tests/harness/tap.sh
. "$HARNESS/tap.sh"

# The case make check keeps: MADV_COLLAPSE on a memfd-backed destination,
# off, observe and guard (about 40 s with the boot).
SHORT=010-postcopy-memfd-madvise

main() {
	local rc=0
	if [ "${1:-}" = --short ]; then
		CG_TESTS="^$SHORT\$" exec "$HARNESS/run-check.sh" --suite clients
	fi
	[ $# -eq 0 ] || die "usage: run-clients.sh [--short]"
	echo "TAP version 13"
	echo "1..2"
	cg_tap_subtest 1 "clients-6.1" "Debian's 6.1: off, observe, guard" \
		"$HARNESS/run-check.sh" --suite clients || rc=1
	cg_tap_subtest 2 "clients-6.12" "Debian's 6.12, upstream's fix, no module" \
		"$HARNESS/run-oracle.sh" --suite clients || rc=1
	cg_tap_summary
	return $rc
}

main "$@"
