#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ABI sweep's comparison (abi-sweep.sh --list, make abi-sweep
# CG_ABI_LIST=1), on the host, without apt's archive: a made-up archive
# (CG_ABI_PACKAGES) and made-up tables (CG_ABI_TABLE) with known answers:
# the releases new since the table, those of them without headers, rows
# that say "no headers" when the archive has them now, releases gone from
# the archive, the command that verifies the new ones, a flavour cell that
# names several flavours, a table of another section ignored. Then --list
# once on apt's archive and docs/results.md: it must run and parse the
# table. Seconds; part of make check. Prints TAP; exits non-zero on failure.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
SWEEP=$HARNESS/abi-sweep.sh
WORK=$BUILD/abi-list-check
N=0
FAILED=0
SKIPPED=0

CG_PROG="abi-list-check"
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

# expect_line OUTPUT WHAT LINE: OUTPUT has LINE, exactly.
expect_line() {
	if grep -qxF -- "$3" <<<"$1"; then
		ok "$2"
	else
		not_ok "$2: no line \"$3\""
		indent <<<"$1"
	fi
}

# The made-up archive: 47 and 57 with headers (unsigned and signed images),
# 48 with signed images only, 50 with headers and images, rt included.
archive() {
	local abi f
	for abi in 47 48 50 57; do
		for f in amd64 cloud-amd64 rt-amd64; do
			echo "linux-image-6.1.0-$abi-$f"
			[ "$abi" = 48 ] && continue
			echo "linux-image-6.1.0-$abi-$f-unsigned"
			echo "linux-headers-6.1.0-$abi-$f"
		done
	done
}

# The made-up table: 47 verified; 48-amd64 named without headers; 50's
# amd64 and cloud in one row, its rt said to have no headers (the archive
# has them: verify it); 46 gone from the archive; a 57 row in another
# section, which does not count.
table() {
	cat <<'EOF'
# Results

## Verified kernels (ABI sweep)

| ABI | flavour | build | load |
|---|---|---|---|
| 6.1.0-46 | amd64 | ok | ok |
| 6.1.0-47 | amd64 | ok | ok |
| 6.1.0-47 | cloud-amd64 | ok | ok |
| 6.1.0-47 | rt-amd64 | refused (PREEMPT_RT) | - |
| 6.1.0-48 | amd64 | no headers in the archive | - |
| 6.1.0-50 | amd64, cloud-amd64 | ok | ok |
| 6.1.0-50 | rt-amd64 | no headers in the archive | - |

## Something else

| 6.1.0-57 | amd64 | ok | ok |
EOF
}

main() {
	local out rc
	echo "TAP version 13"
	rm -rf "$WORK"
	mkdir -p "$WORK"
	archive >"$WORK/packages"
	table >"$WORK/table.md"

	rc=0
	out=$(CG_ABI_PACKAGES=$WORK/packages CG_ABI_TABLE=$WORK/table.md "$SWEEP" --list 2>&1) || rc=$?
	if [ "$rc" -eq 0 ]; then ok "--list on a made-up archive and table exits 0"; else not_ok "--list exits $rc"; indent <<<"$out"; fi
	expect_line "$out" "the counts: 12 releases, 9 with headers, 8 rows (the other section's ignored)" \
		"archive: 12 6.1 releases, 9 with headers; the table: 8 rows"
	expect_line "$out" "new since the table, by ABI" \
		"new since the table: 6.1.0-48 (cloud-amd64 rt-amd64), 6.1.0-57 (amd64 cloud-amd64 rt-amd64)"
	expect_line "$out" "the new ones without headers" \
		"new and without headers (DKMS cannot build there): 6.1.0-48 (cloud-amd64 rt-amd64)"
	expect_line "$out" "a row that says no headers, when the archive has them" \
		"headers now in the archive for rows that say none: 6.1.0-50 (rt-amd64)"
	expect_line "$out" "a release gone from the archive" \
		"in the table, no longer in the archive: 6.1.0-46 (amd64)"
	expect_line "$out" "the command that verifies what has headers" \
		'verify them: make abi-sweep CG_ABI_RELEASES="6.1.0-57-amd64 6.1.0-57-cloud-amd64 6.1.0-57-rt-amd64 6.1.0-50-rt-amd64"'

	# the table complete: nothing new, no command
	{
		table | sed '/^## Something else/,$d'
		echo "| 6.1.0-48 | cloud-amd64, rt-amd64 | no headers in the archive | - |"
		echo "| 6.1.0-57 | amd64, cloud-amd64, rt-amd64 | ok | ok |"
	} | sed '/6\.1\.0-50 | rt-amd64/s/no headers in the archive/refused (PREEMPT_RT)/' >"$WORK/complete.md"
	out=$(CG_ABI_PACKAGES=$WORK/packages CG_ABI_TABLE=$WORK/complete.md "$SWEEP" --list 2>&1) || true
	expect_line "$out" "a complete table: nothing new" "new since the table: none"
	if grep -q '^verify them' <<<"$out"; then
		not_ok "a complete table: no command to run"
		indent <<<"$out"
	else
		ok "a complete table: no command to run"
	fi

	# errors are setup errors (2), said
	rc=0
	out=$(CG_ABI_PACKAGES=$WORK/packages CG_ABI_TABLE=$WORK/none.md "$SWEEP" --list 2>&1) || rc=$?
	if [ "$rc" -eq 2 ] && grep -q "no table to compare with" <<<"$out"; then
		ok "a missing table: exit 2, said"
	else
		not_ok "a missing table: exit $rc"
		indent <<<"$out"
	fi
	rc=0
	out=$(CG_ABI_PACKAGES=/dev/null CG_ABI_TABLE=$WORK/table.md "$SWEEP" --list 2>&1) || rc=$?
	if [ "$rc" -eq 2 ] && grep -q "apt knows no 6.1 image" <<<"$out"; then
		ok "an archive without 6.1 images: exit 2, said"
	else
		not_ok "an archive without 6.1 images: exit $rc"
		indent <<<"$out"
	fi

	# apt's archive and the repository's table
	if [ -z "$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64' 2>/dev/null)" ]; then
		N=$((N + 1))
		SKIPPED=$((SKIPPED + 1))
		echo "ok $N - --list on apt's archive and docs/results.md # SKIP apt knows no 6.1 image"
	else
		rc=0
		out=$("$SWEEP" --list 2>&1) || rc=$?
		if [ "$rc" -eq 0 ] && grep -q '^new since the table: ' <<<"$out" &&
		   ! grep -q 'the table: 0 rows' <<<"$out"; then
			ok "--list on apt's archive and docs/results.md"
			indent <<<"$out"
		else
			not_ok "--list on apt's archive and docs/results.md: exit $rc"
			indent <<<"$out"
		fi
	fi

	echo "1..$N"
	cg_tap_totals $((N - FAILED - SKIPPED)) "$FAILED" "$SKIPPED"
	[ "$FAILED" -eq 0 ]
}

main "$@"
