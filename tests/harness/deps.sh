#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install with apt-get what building and running the guest tests needs and
# is missing (Debian 12, as root), then check that a test kernel is there.
# Fast and silent when everything is installed; "apt-get update" runs only
# when something must be installed (cg_apt_ensure, tests/harness/host.sh),
# and starts no service (prometheus-node-exporter is there for its binary,
# which mkinitramfs.sh copies into the guest, as it copies fio's for the
# stress suite).
set -eu

HARNESS=$(cd "$(dirname "$0")" && pwd)

PACKAGES="linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static
build-essential cpio kmod gzip xz-utils sparse linux-source-6.1 spin
prometheus-node-exporter fio"

CG_PROG=deps
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

main() {
	command -v dpkg-query >/dev/null || die "not a Debian system (no dpkg-query)"
	# shellcheck disable=SC2086 # one word per package
	cg_apt_ensure "${BUILD:-$HARNESS/../../build}/deps-apt.log" $PACKAGES
	"$HARNESS/pick-kernel.sh" >/dev/null ||
		die "no /boot/vmlinuz-6.1.* with matching /usr/src/linux-headers-<release>: apt-get install linux-image-amd64 linux-headers-amd64 (of the same version)"
}

main "$@"
