#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install with apt-get what building and running the guest tests needs and
# is missing (Debian 12, as root), then check that a test kernel is there.
# Fast and silent when everything is installed; "apt-get update" runs only
# when something must be installed.
set -eu

HARNESS=$(cd "$(dirname "$0")" && pwd)

PACKAGES="linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static
build-essential cpio kmod gzip xz-utils sparse linux-source-6.1 spin"

CG_PROG=deps
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing_packages() {
	for _p in $PACKAGES; do
		is_installed "$_p" || printf '%s ' "$_p"
	done
}

# apt_install PACKAGE...: apt-get them (needs root).
apt_install() {
	[ "$(id -u)" -eq 0 ] ||
		die "missing packages: $* (run as root: apt-get install $*)"
	echo "deps: installing $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2068 # one word per package
	apt-get install -y -qq --no-install-recommends $@
}

main() {
	command -v dpkg-query >/dev/null || die "not a Debian system (no dpkg-query)"
	_missing=$(missing_packages)
	if [ -n "$_missing" ]; then
		# shellcheck disable=SC2086 # one word per package
		apt_install $_missing
	fi
	"$HARNESS/pick-kernel.sh" >/dev/null ||
		die "no /boot/vmlinuz-6.1.* with matching /usr/src/linux-headers-<release>: apt-get install linux-image-amd64 linux-headers-amd64 (of the same version)"
}

main "$@"
