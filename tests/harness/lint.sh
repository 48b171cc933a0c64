#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the sources:
#   tests/harness/lint.sh [checkpatch] [shell] [man]   (default: checkpatch)
# checkpatch: scripts/checkpatch.pl of Debian's linux-source-6.1 (extracted
#   once into $BUILD/tools/checkpatch) over the kernel-side C sources
#   (module/ include/ debugfs/ and top-level *.c *.h); fails on any ERROR or
#   WARNING.
# shell: shellcheck over the harness, tests/lib.sh, the test scripts and
#   .ci/run.
# man: groff's warnings (all enabled) over the man pages (cgctl.8).
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
SOURCE_TARBALL=${CG_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
TOOLS=$BUILD/tools/checkpatch

CG_PROG=lint
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

# checkpatch_tools: checkpatch.pl and the data files it reads next to itself,
# in one pass over the tarball (the first run takes a while).
checkpatch_tools() {
	local f
	[ -x "$TOOLS/checkpatch.pl" ] && return 0
	[ -f "$SOURCE_TARBALL" ] ||
		die "no $SOURCE_TARBALL (apt-get install linux-source-6.1)"
	echo "lint: extracting checkpatch.pl from $SOURCE_TARBALL"
	rm -rf "$TOOLS.tmp"
	mkdir -p "$TOOLS.tmp"
	tar -xJf "$SOURCE_TARBALL" -C "$TOOLS.tmp" --wildcards --no-anchored \
		--transform='s|.*/||' 'scripts/checkpatch.pl' 'scripts/spelling.txt' \
		'scripts/const_structs.checkpatch'
	for f in checkpatch.pl spelling.txt const_structs.checkpatch; do
		[ -f "$TOOLS.tmp/$f" ] || die "no scripts/$f in $SOURCE_TARBALL"
	done
	rm -rf "$TOOLS"
	mv "$TOOLS.tmp" "$TOOLS"
}

# kernel_sources: the C sources of the module, not kbuild's generated ones.
kernel_sources() {
	(cd "$REPO" && find module include debugfs tests/modules -maxdepth 2 -type f \
		-name '*.[ch]' 2>/dev/null; ls ./*.[ch] 2>/dev/null) |
		sed 's|^\./||' | grep -v '\.mod\.c$' | LC_ALL=C sort
}

run_checkpatch() {
	local files
	checkpatch_tools
	mapfile -t files < <(kernel_sources)
	[ ${#files[@]} -gt 0 ] || die "no kernel-side sources to check"
	echo "checkpatch: ${#files[@]} files"
	if (cd "$REPO" && perl "$TOOLS/checkpatch.pl" --no-tree --terse \
		--show-types --summary-file -f "${files[@]}"); then
		echo "checkpatch: clean"
	else
		echo "checkpatch: errors or warnings above"
		return 1
	fi
}

shell_sources() {
	cd "$REPO"
	ls tests/harness/*.sh tests/harness/guest-init tests/lib.sh .ci/run \
		tests/*/[0-9]*.sh 2>/dev/null
}

run_shellcheck() {
	local files
	command -v shellcheck >/dev/null ||
		die "no shellcheck (apt-get install shellcheck)"
	mapfile -t files < <(shell_sources)
	echo "shellcheck: ${#files[@]} files"
	(cd "$REPO" && shellcheck -x -e SC1091 "${files[@]}")
}

run_man() {
	local page out
	command -v groff >/dev/null || die "no groff (apt-get install groff-base)"
	for page in "$REPO"/userspace/*/*.8; do
		out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$out" ] || { echo "$out"; return 1; }
		echo "man: $(basename "$page") clean"
	done
}

main() {
	local what status=0
	[ $# -gt 0 ] || set -- checkpatch
	for what in "$@"; do
		case $what in
		checkpatch) run_checkpatch || status=1 ;;
		shell) run_shellcheck || status=1 ;;
		man) run_man || status=1 ;;
		*) die "unknown check '$what' (checkpatch, shell, man)" ;;
		esac
	done
	exit "$status"
}

main "$@"
