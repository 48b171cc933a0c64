#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential tests against upstream's fix: boot Debian's newest 6.12 kernel
# (it has the 6.4 series and later fixes) with the same initramfs, without the
# module, and run tests/oracle: the same programs and expectations the guard
# is held to in tests/cases, where the guard's behaviour should be
# upstream's (refusal, errno, hole intact, event delivered, truncation races).
#   tests/harness/run-oracle.sh        (make oracle-check)
#   tests/harness/run-oracle.sh --suite clients   (make clients: tests/clients
#                                      on 6.12, where they expect no loss)
# Logs go to $BUILD/guest/<suite>-6.12/.
# The image comes from Debian's archive with apt-get download (no install:
# /boot is not touched) and is unpacked under $BUILD/oracle/.
#
# Environment: CG_ORACLE_PACKAGE (default: the newest
# linux-image-6.12.*-amd64-unsigned apt knows), BUILD, and what run-check.sh
# takes.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
DIR=$BUILD/oracle

CG_PROG=oracle
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

newest_package() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9.]+\+deb12-amd64-unsigned$' |
		cut -d ' ' -f 1 | sort -V | tail -n 1
}

fetch_image() {
	local pkg=$1 deb
	mkdir -p "$DIR"
	if ! ls "$DIR/$pkg"_*.deb >/dev/null 2>&1; then
		echo "oracle: downloading $pkg"
		(cd "$DIR" && apt-get download -qq "$pkg" >"$DIR/apt.log" 2>&1) ||
			die "apt-get download $pkg failed (see $DIR/apt.log)"
	fi
	deb=$(find "$DIR" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
	if [ ! -d "$DIR/root-$pkg" ]; then
		dpkg-deb -x "$deb" "$DIR/root-$pkg.tmp" || die "cannot unpack $deb"
		mv "$DIR/root-$pkg.tmp" "$DIR/root-$pkg"
		# modules.dep for the guest (in the unpacked tree, not the host's)
		depmod -b "$DIR/root-$pkg" "$(ls "$DIR/root-$pkg/lib/modules")"
	fi
}

main() {
	local pkg root kernel
	pkg=${CG_ORACLE_PACKAGE:-$(newest_package)}
	[ -n "$pkg" ] || {
		[ "$(id -u)" -eq 0 ] && apt-get update -qq >/dev/null 2>&1
		pkg=$(newest_package)
	}
	[ -n "$pkg" ] || die "no linux-image-6.12.*-amd64-unsigned package known to apt"
	fetch_image "$pkg"
	root=$DIR/root-$pkg
	kernel=$(find "$root/boot" -name 'vmlinuz-*' | head -n 1)
	[ -f "$kernel" ] || die "no vmlinuz in $pkg"
	echo "oracle: booting $kernel"
	CG_KERNEL=$kernel \
	CG_MODULE_KO=/nonexistent \
	CG_MODDIR=$root/lib/modules \
	CG_PVH=0 \
	CG_GUEST_TAG=6.12 \
		"$HARNESS/run-check.sh" --suite oracle "$@"
}

main "$@"
