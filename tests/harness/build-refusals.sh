#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side build tests (part of make check): the module's build must stop
# with a message that says why, for kernels that do not need it:
#   - a kernel that has upstream's fix (Debian's newest 6.12 headers): "this
#     kernel does not need the module";
#   - the PREEMPT_RT flavour of the guest's 6.1 ABI (no transparent huge
#     pages on 6.1): "the bug cannot happen, and the module is not needed";
# and must succeed for the guest's own 6.1 headers. Installs the headers
# packages it needs with apt (root). Prints TAP; exits non-zero on failure.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
KRELEASE=${KRELEASE:-$("$HARNESS/pick-kernel.sh")}
WORK=$BUILD/build-refusals
N=0
FAILED=0

CG_PROG=build-refusals
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# ensure_headers PACKAGE: installed, or installed now (quietly).
ensure_headers() {
	is_installed "$1" && return 0
	[ "$(id -u)" -eq 0 ] || die "missing $1 (run as root, or apt-get install $1)"
	echo "# installing $1"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" \
		>"$WORK/apt.log" 2>&1 || {
		apt-get update -qq >>"$WORK/apt.log" 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" \
			>>"$WORK/apt.log" 2>&1
	} || die "cannot install $1 (see $WORK/apt.log)"
}

newest_612_headers() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9.]+\+deb12-amd64$' |
		cut -d ' ' -f 1 | sort -V | tail -n 1
}

# build RELEASE: builds a copy of the kernel-side sources against the
# release's headers; the output in $WORK/RELEASE.log; the make status.
build() {
	local src=$WORK/src-$1
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$REPO" && cp -r module include debugfs Kbuild VERSION "$src/")
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
	make -C "/usr/src/linux-headers-$1" M="$src" modules >"$WORK/$1.log" 2>&1
}

# expect_refusal RELEASE MESSAGE: the build fails, saying MESSAGE.
expect_refusal() {
	N=$((N + 1))
	if build "$1"; then
		echo "not ok $N - $1: the build succeeded, expected a refusal"
		FAILED=$((FAILED + 1))
	elif grep -q -- "$2" "$WORK/$1.log"; then
		echo "ok $N - $1 refused: $(grep -o 'collapse_guard: .*' "$WORK/$1.log" | head -n 1)"
	else
		echo "not ok $N - $1: refused without saying '$2':"
		grep -m 3 -i 'error' "$WORK/$1.log" | sed 's/^/#   /'
		FAILED=$((FAILED + 1))
	fi
}

expect_success() {
	N=$((N + 1))
	if build "$1" && [ -f "$WORK/src-$1/collapse_guard.ko" ]; then
		echo "ok $N - $1 builds"
	else
		echo "not ok $N - $1 does not build (see $WORK/$1.log)"
		FAILED=$((FAILED + 1))
	fi
}

main() {
	local rt fixed
	mkdir -p "$WORK"
	echo "TAP version 13"
	rt=${KRELEASE%-amd64}-rt-amd64
	fixed=$(newest_612_headers)
	[ -n "$fixed" ] || die "no linux-headers-6.12.*-amd64 package known to apt"
	ensure_headers "linux-headers-$rt"
	ensure_headers "$fixed"
	expect_success "$KRELEASE"
	expect_refusal "$rt" "PREEMPT_RT kernel.*the bug cannot happen, and the module is not needed"
	expect_refusal "${fixed#linux-headers-}" "this kernel does not need the module"
	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ]
}

main "$@"
