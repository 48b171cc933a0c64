#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-check: the module built through DKMS (dkms add, dkms build) for
# every installed Debian 6.1 headers package, the way Debian users install
# out-of-tree modules. Installs the dkms package with apt when missing.
# A kernel the dkms.conf's BUILD_EXCLUSIVE_* excludes (the rt flavour: no
# THP on 6.1) is "excluded", not a failure. Never installs or loads the
# module: dkms build only, then dkms remove, whatever happens.
# Then make install / uninstall into a staging DESTDIR. Prints a table
# (release, result); exits non-zero on a failure, or when no 6.1 headers are
# installed.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
VERSION=$(cat "$REPO/VERSION")
NAME=collapse_guard
TMP=$(mktemp -d)

CG_PROG=dkms-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

cleanup() {
	dkms remove "$NAME/$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/$NAME-$VERSION" "$TMP"
}

ensure_dkms() {
	command -v dkms >/dev/null && return 0
	[ "$(id -u)" -eq 0 ] || die "dkms is not installed (apt-get install dkms)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dkms \
		>"$TMP/apt.log" 2>&1 || die "cannot install dkms"
}

# The releases of the installed 6.1 flavour headers (not the -common ones).
releases() {
	local d
	for d in /usr/src/linux-headers-6.1.*; do
		if [ -f "$d/Makefile" ] && [ -f "$d/.config" ] &&
		   [ -e "/lib/modules/${d#/usr/src/linux-headers-}/build" ]; then
			echo "${d#/usr/src/linux-headers-}"
		fi
	done | sort -V
}

# The sources DKMS gets: only what builds the module (the Makefile's
# DKMS_SOURCES, copied by its dkms-stage target).
stage_sources() {
	make -s -C "$REPO" dkms-stage DKMS_STAGE="$TMP/src" >"$TMP/stage.log" 2>&1 ||
		{ cat "$TMP/stage.log" >&2; die "make dkms-stage failed"; }
}

# build_one RELEASE: built / excluded / FAILED.
build_one() {
	local rel=$1 rc=0 ko
	dkms build "$NAME/$VERSION" -k "$rel" >"$TMP/$rel.log" 2>&1 || rc=$?
	if [ "$rc" -eq 77 ] || grep -q 'BUILD_EXCLUSIVE directive which does not match' "$TMP/$rel.log"; then
		echo excluded
		return
	fi
	ko=$(find "/var/lib/dkms/$NAME/$VERSION/$rel" -name "$NAME.ko*" 2>/dev/null | head -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$ko" ]; then
		echo "FAILED (dkms build exited $rc; $(grep -m 1 -i 'error' "$TMP/$rel.log" || true))"
	elif [ "$(modinfo -F vermagic "$ko" | cut -d ' ' -f 1)" != "$rel" ]; then
		echo "FAILED (vermagic $(modinfo -F vermagic "$ko"))"
	else
		echo built
	fi
}

# make install / uninstall, into a staging DESTDIR: what they put, removed.
install_round() {
	local dest=$TMP/inst rel
	make -s -C "$REPO" install DESTDIR="$dest" >"$TMP/install.log" 2>&1 || {
		echo "| make install | FAILED (see $TMP/install.log) |"
		return 1
	}
	rel=$(modinfo -F vermagic "$REPO/collapse_guard.ko" | cut -d ' ' -f 1)
	if [ ! -f "$dest/lib/modules/$rel/updates/collapse_guard.ko" ] ||
	   [ ! -x "$dest/usr/local/sbin/cgctl" ] ||
	   ! grep -q 'updates/collapse_guard.ko' "$dest/lib/modules/$rel/modules.dep"; then
		echo "| make install | FAILED (files or modules.dep entry missing) |"
		return 1
	fi
	make -s -C "$REPO" uninstall DESTDIR="$dest" >>"$TMP/install.log" 2>&1
	if [ -e "$dest/lib/modules/$rel/updates/collapse_guard.ko" ] ||
	   [ -e "$dest/usr/local/sbin/cgctl" ]; then
		echo "| make uninstall | FAILED (files left) |"
		return 1
	fi
	echo "| make install/uninstall ($rel, staged) | ok |"
}

main() {
	local rel result bad=0 n=0
	trap cleanup EXIT
	[ "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf")" = "$VERSION" ] ||
		die "dkms.conf's PACKAGE_VERSION differs from VERSION ($VERSION)"
	ensure_dkms
	cleanup
	TMP=$(mktemp -d)
	stage_sources
	dkms add "$TMP/src" >"$TMP/add.log" 2>&1 || { cat "$TMP/add.log" >&2; die "dkms add failed"; }
	echo "| release | dkms build |"
	echo "|---|---|"
	for rel in $(releases); do
		n=$((n + 1))
		result=$(build_one "$rel")
		echo "| $rel | $result |"
		case $result in FAILED*) bad=1 ;; esac
	done
	[ "$n" -gt 0 ] || die "no 6.1 headers installed (apt-get install linux-headers-amd64)"
	install_round || bad=1
	return $bad
}

main "$@"
