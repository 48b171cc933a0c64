#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seal protocol's model (tests/model/seal.pml), checked with spin over
# every interleaving: the protocol as built must hold (no lost event, no
# hole seen to become data, nothing past EOF), with and without a racing
# truncation; the mutants without the seal or without the barrier must be
# caught losing an event; and the collapse and the answered event must be
# reachable (the checks are not vacuous). Prints one TAP line per run.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
MODEL=$REPO/tests/model/seal.pml
WORK=$BUILD/model

CG_PROG=model-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

command -v spin >/dev/null || die "no spin (apt-get install spin)"
rm -rf "$WORK"
mkdir -p "$WORK"

n=0
failed=0
echo "TAP version 13"

# verify EXPECT NAME DEFINES...: EXPECT is "holds" or "violated".
verify() {
	local expect=$1 name=$2 out errors
	shift 2
	n=$((n + 1))
	mkdir -p "$WORK/$name"
	out=$(cd "$WORK/$name" && spin "$@" -a "$MODEL" >spin.log 2>&1 &&
		gcc -O2 -DSAFETY -o pan pan.c 2>gcc.log && ./pan -m100000 2>&1) || {
		echo "not ok $n - $name: spin or pan failed"
		cat "$WORK/$name/spin.log" "$WORK/$name/gcc.log" 2>/dev/null
		failed=$((failed + 1))
		return
	}
	errors=$(printf '%s\n' "$out" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
	if printf '%s\n' "$out" | grep -q 'max search depth too small'; then
		echo "not ok $n - $name: search depth too small"
		failed=$((failed + 1))
	elif [ "$expect" = holds ] && [ "$errors" = 0 ]; then
		echo "ok $n - $name: holds ($(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p') states)"
	elif [ "$expect" = violated ] && [ "${errors:-0}" -gt 0 ]; then
		echo "ok $n - $name: violation found, as it must be ($(printf '%s\n' "$out" | grep -m1 'assertion violated' | sed 's/^pan:1: //'))"
	else
		echo "not ok $n - $name: expected the model to be $expect, errors: ${errors:-?}"
		printf '%s\n' "$out"
		failed=$((failed + 1))
	fi
}

verify holds protocol
verify holds protocol-truncate -DTRUNCATE
verify violated no-seal -DNO_SEAL
verify violated no-barrier -DNO_BARRIER
verify violated no-seal-truncate -DNO_SEAL -DTRUNCATE
verify violated no-barrier-truncate -DNO_BARRIER -DTRUNCATE
verify violated collapse-reachable -DTRUNCATE -DREACH_COLLAPSE
verify violated event-reachable -DTRUNCATE -DREACH_EVENT
echo "1..$n"
cg_tap_totals $((n - failed)) "$failed" 0
echo "model-check: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
