#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages collapse-guard-dkms and collapse-guard-tools
# (source package collapse-guard, debian/), built with dpkg-buildpackage
# from a copy of the tree (the files git knows, or the whole tree without
# build/ outside git) in $BUILD/deb/collapse-guard-VERSION, so that the
# .dsc, .tar.xz, .debs, .buildinfo and .changes land in $BUILD/deb/, never
# beside the repository. Then lintian over the .changes (source and
# binaries): fails on any error or warning (overrides with their reasons are
# in debian/*lintian-overrides). Installs what it needs with apt when
# missing (root). Never builds nor loads the module: DKMS does, on the
# machine that installs the package.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
OUT=$BUILD/deb
VERSION=$(cat "$REPO/VERSION")
SRC=$OUT/collapse-guard-$VERSION
NEEDED="build-essential debhelper dh-dkms dkms lintian"

CG_PROG=deb
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

# The tree to package: git's files (tracked, and new ones not ignored) as
# they are in the work tree; outside git, everything but build/.
copy_tree() {
	rm -rf "$SRC"
	mkdir -p "$SRC"
	if git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -) | tar -xf - -C "$SRC"
	else
		tar -C "$REPO" --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$SRC"
	fi
}

main() {
	local changes
	[ -f "$REPO/debian/changelog" ] || die "no debian/changelog in $REPO"
	# shellcheck disable=SC2086 # one word per package
	cg_apt_ensure "$OUT/apt.log" $NEEDED
	mkdir -p "$OUT"
	rm -f "$OUT"/collapse-guard*_* "$OUT"/collapse-guard*.log
	copy_tree
	echo "deb: dpkg-buildpackage in $SRC (log: $OUT/build.log)"
	(cd "$SRC" && dpkg-buildpackage -us -uc --build=full) >"$OUT/build.log" 2>&1 || {
		tail -n 30 "$OUT/build.log" >&2
		die "dpkg-buildpackage failed (see $OUT/build.log)"
	}
	changes=$OUT/collapse-guard_${VERSION}_$(dpkg --print-architecture).changes
	[ -f "$changes" ] || die "no $changes"
	rm -rf "$SRC"
	echo "deb: lintian $(basename "$changes")"
	lintian --display-info --pedantic --show-overrides --fail-on error,warning "$changes" |
		tee "$OUT/lintian.log"
	echo "deb: lintian: no error, no warning"
	(cd "$OUT" && ls -l -- *.deb *.dsc *.changes)
}

main "$@"
