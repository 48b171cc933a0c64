#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make abi-sweep: the module on every Debian 12 6.1 ABI and flavour the
# archive offers (not part of make check: it installs headers and downloads
# images with apt, and boots each kernel).
#
# For each release (6.1.0-NN-amd64, -cloud-amd64, -rt-amd64):
#   1. apt-get install linux-headers-<release>; build the module and the
#      tests' helper module against it from a copy of the sources. A build
#      the Kbuild refuses on purpose (the rt flavour: no THP on 6.1) is
#      "refused", with its message, not a failure;
#   2. apt-get download linux-image-<release>-unsigned and unpack it under
#      build/abi/ (no install: /boot is untouched);
#   3. boot it with run-check.sh and the core tests (load/unload, both
#      reproducers, the truncation race, the khugepaged selftest).
# A release whose ABI has a signed image in the archive but no headers
# package (6.1.0-48, -49, -51, -52) cannot be built by anyone: its row says
# "no headers in the archive", and it is not a failure.
# Prints a markdown table (ABI, flavour, build, load = the load/unload test,
# each other test: ok, FAIL, skip or - for not run) and saves it
# with the date, the CPU and the accelerator to build/abi/table.md. Exits
# non-zero if a kernel that built failed a test, or a build failed.
#
# Before and after the sweep, and alone with --list (make abi-sweep
# CG_ABI_LIST=1: no build, no boot, seconds), it compares the archive's
# releases (apt-cache: linux-image-6.1.0-NN-FLAVOUR[-unsigned] and
# linux-headers-6.1.0-NN-FLAVOUR) with those of the table in docs/results.md
# ("Verified kernels"), and prints "new since the table: ...", which of
# them have no headers, and the command that verifies the others.
#
# Environment: CG_ABI_RELEASES (restrict to these releases), CG_ABI_TESTS
# (the core tests), CG_ABI_TABLE (the markdown file with the table,
# docs/results.md), CG_ABI_PACKAGES (a file of package names, one a line,
# read instead of apt-cache: the host-side test's archive), BUILD, and what
# run-check.sh takes.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
ABI=$BUILD/abi
TESTS=${CG_ABI_TESTS:-010-load-unload 100-uffd-repro-madvise 101-uffd-repro-khugepaged 144-race-truncate-eof 200-selftest-khugepaged}
BAD=0

say() {
	echo "abi-sweep: $*" >&2
}

die() {
	say "$*"
	exit 2
}

# archive_packages: the names of the archive's 6.1 images (signed and
# unsigned) and headers packages, one a line.
archive_packages() {
	if [ -n "${CG_ABI_PACKAGES:-}" ]; then
		cat "$CG_ABI_PACKAGES"
		return
	fi
	apt-cache search --names-only '^linux-(image|headers)-6\.1\.0-[0-9]+-(amd64|cloud-amd64|rt-amd64)(-unsigned)?$' |
		cut -d ' ' -f 1
}

# archive_releases: every release the archive has an image of (PACKAGES:
# archive_packages, read once).
archive_releases() {
	sed -nE 's/^linux-image-(6\.1\.0-[0-9]+-[a-z0-9-]+)$/\1/p' <<<"$PACKAGES" |
		sed 's/-unsigned$//' | sort -uV
}

# headers_releases: the releases the archive has headers for.
headers_releases() {
	sed -nE 's/^linux-headers-(6\.1\.0-[0-9]+-[a-z0-9-]+)$/\1/p' <<<"$PACKAGES" | sort -uV
}

has_headers() {
	headers_releases | grep -qx -- "$1"
}

# table_releases: "RELEASE BUILD" for each row of the table in CG_ABI_TABLE's
# "Verified kernels" section; a row's flavour cell may name several
# flavours ("amd64, cloud-amd64").
table_releases() {
	local table=${CG_ABI_TABLE:-$REPO/docs/results.md}
	[ -r "$table" ] || die "no table to compare with: $table"
	awk -F '|' '
		/^## / { in_sweep = /^## Verified kernels/ }
		in_sweep && $2 ~ /^ *6\.1\.0-[0-9]+ *$/ {
			abi = $2; gsub(/ /, "", abi)
			build = $4; gsub(/^ +| +$/, "", build)
			n = split($3, fl, ",")
			for (i = 1; i <= n; i++) {
				f = fl[i]; gsub(/ /, "", f)
				if (f != "") print abi "-" f, build
			}
		}' "$table" | sort -uV
}

# by_abi RELEASES: the blank- or line-separated RELEASES by ABI, as
# "6.1.0-48 (amd64 cloud-amd64), 6.1.0-49 (amd64)", or "none".
by_abi() {
	local w
	w=$(tr ' ' '\n' <<<"$1" | grep . | awk '
		{
			abi = $0; sub(/^6\.1\.0-[0-9]+-/, "", abi); fl = abi
			abi = substr($0, 1, length($0) - length(fl) - 1)
			if (abi != last) { if (out != "") out = out "), "; out = out abi " (" fl; last = abi }
			else out = out " " fl
		}
		END { if (out != "") print out ")" }')
	echo "${w:-none}"
}

# compare: the archive's releases against the table's, on stdout.
compare() {
	local archive table new new_hdr new_nohdr gone now_hdr rel
	archive=$(archive_releases)
	[ -n "$archive" ] ||
		die "apt knows no 6.1 image (apt-get update, or a sources.list with bookworm)"
	table=$(table_releases)
	[ -n "$table" ] || die "no row in the table of ${CG_ABI_TABLE:-$REPO/docs/results.md}"
	new=$(comm -23 <(sort <<<"$archive") <(cut -d ' ' -f 1 <<<"$table" | sort) | sort -V)
	gone=$(comm -13 <(sort <<<"$archive") <(cut -d ' ' -f 1 <<<"$table" | sort) | sort -V)
	new_hdr='' new_nohdr='' now_hdr=''
	for rel in $new; do
		if has_headers "$rel"; then
			new_hdr="$new_hdr $rel"
		else
			new_nohdr="$new_nohdr $rel"
		fi
	done
	# rows that say "no headers" for a release the archive now has headers of
	# shellcheck disable=SC2013 # one release a line, no blanks in it
	for rel in $(awk '$2 == "no" && $3 == "headers" { print $1 }' <<<"$table"); do
		has_headers "$rel" && now_hdr="$now_hdr $rel"
	done
	echo "archive: $(wc -l <<<"$archive") 6.1 releases, $(headers_releases | wc -l) with headers; the table: $(wc -l <<<"$table") rows"
	echo "new since the table: $(by_abi "$new")"
	echo "new and without headers (DKMS cannot build there): $(by_abi "$new_nohdr")"
	if [ -n "$now_hdr" ]; then
		echo "headers now in the archive for rows that say none: $(by_abi "$now_hdr")"
		new_hdr="$new_hdr$now_hdr"
	fi
	echo "in the table, no longer in the archive: $(by_abi "$gone")"
	if [ -n "$new_hdr" ]; then
		echo "verify them: make abi-sweep CG_ABI_RELEASES=\"${new_hdr# }\""
	fi
}

releases() {
	if [ -n "${CG_ABI_RELEASES:-}" ]; then
		# shellcheck disable=SC2086 # a blank-separated list, split on purpose
		printf '%s\n' $CG_ABI_RELEASES
		return
	fi
	archive_releases
}

# apt_quiet ARGS...: apt-get, its output (which names the archive) in a log.
apt_quiet() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >>"$ABI/apt.log" 2>&1
}

# build_copy SRC_ITEMS... -> DIR RELEASE: a fresh copy built against RELEASE.
build_copy() {
	local dir=$1 rel=$2
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$REPO" && cp -r "$@" "$dir/")
	find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
	make -C "/usr/src/linux-headers-$rel" M="$dir" modules >"$dir.log" 2>&1
}

# build_status RELEASE: "ok", "refused: <why>" or "FAILED".
build_status() {
	local rel=$1 dir=$ABI/$1
	if ! has_headers "$rel"; then
		echo "no headers in the archive"
		return
	fi
	if ! apt_quiet install --no-install-recommends "linux-headers-$rel"; then
		echo "FAILED (no headers)"
		return
	fi
	if build_copy "$dir/module" "$rel" module include debugfs Kbuild VERSION &&
	   build_copy "$dir/testmod" "$rel" tests/modules/Kbuild tests/modules/cg_testmod.c; then
		echo ok
	elif grep -q 'collapse_guard: .*Stop\.' "$dir/module.log"; then
		echo "refused: $(grep -o 'collapse_guard: [^:]*: [^:,]*' "$dir/module.log" | head -n 1 | cut -d ' ' -f 2-)"
	else
		echo FAILED
	fi
}

# fetch_image RELEASE: the unpacked image's root, or false.
fetch_image() {
	local rel=$1 root=$ABI/$1/root deb
	if [ ! -d "$root/boot" ]; then
		mkdir -p "$ABI/debs"
		(cd "$ABI/debs" && ls "linux-image-$rel-unsigned_"*.deb >/dev/null 2>&1) ||
			(cd "$ABI/debs" && apt_quiet download "linux-image-$rel-unsigned") || return 1
		for deb in "$ABI/debs/linux-image-$rel-unsigned_"*.deb; do
			break
		done
		rm -rf "$root.tmp"
		dpkg-deb -x "$deb" "$root.tmp" && mv "$root.tmp" "$root"
		# modules.dep, for the guest's modprobe zram (not the host's tree)
		depmod -b "$root" "$rel"
	fi
	echo "$root"
}

# run_tests RELEASE ROOT: boots the image; the TAP output in RELEASE/run.log.
run_tests() {
	local rel=$1 root=$2 run=$ABI/$1/run
	mkdir -p "$run"
	ln -sfn "$BUILD/bin" "$run/bin"
	CG_KERNEL="$root/boot/vmlinuz-$rel" \
	CG_MODULE_KO="$ABI/$rel/module/collapse_guard.ko" \
	CG_TESTMOD_KO="$ABI/$rel/testmod/cg_testmod.ko" \
	CG_MODDIR="$root/lib/modules" \
	CG_TESTS="$TESTS" \
	BUILD="$run" \
		"$HARNESS/run-check.sh" >"$ABI/$rel/run.log" 2>&1 || true
}

# result RELEASE TEST: ok / FAIL / - from the run's TAP.
result() {
	local log=$ABI/$1/run.log
	[ -f "$log" ] || { echo -; return; }
	if grep -q "^ok [0-9]* - $2 # SKIP" "$log"; then
		echo skip
	elif grep -q "^ok [0-9]* - $2\$" "$log"; then
		echo ok
	elif grep -q "^not ok [0-9]* - $2\$" "$log"; then
		echo FAIL
	else
		echo -
	fi
}

row() {
	local rel=$1 build=$2 flavour abi t cells=""
	flavour=${rel#6.1.0-*-}
	abi=${rel%-"$flavour"}
	for t in $TESTS; do
		[ "$t" = 010-load-unload ] || cells="$cells | $(result "$rel" "$t")"
	done
	echo "| $abi | $flavour | $build | $(result "$rel" 010-load-unload)$cells |"
}

main() {
	local rel build root header sep t
	PACKAGES=$(archive_packages)
	case ${1:-} in
	--list)
		compare
		return ;;
	'') ;;
	*) die "usage: abi-sweep.sh [--list]" ;;
	esac
	compare | sed 's/^/abi-sweep: /' >&2
	mkdir -p "$ABI"
	: >"$ABI/apt.log"
	(cd "$REPO" && make -s userspace selftests >"$ABI/userspace.log" 2>&1) ||
		{ say "cannot build the userspace tools (see $ABI/userspace.log)"; exit 2; }
	header="| ABI | flavour | build | load"
	sep="|---|---|---|---"
	for t in $TESTS; do
		[ "$t" = 010-load-unload ] && continue
		header="$header | ${t#[0-9][0-9][0-9]-}"
		sep="$sep|---"
	done
	: >"$ABI/rows"
	for rel in $(releases); do
		say "$rel: build"
		build=$(build_status "$rel")
		case $build in
		ok)
			if root=$(fetch_image "$rel"); then
				say "$rel: boot and test"
				run_tests "$rel" "$root"
			else
				build="ok (no image)"
				BAD=1
			fi ;;
		FAILED*) BAD=1 ;;
		esac
		row "$rel" "$build" | tee -a "$ABI/rows"
	done
	{
		echo "ABI sweep of $(date -u +%Y-%m-%d), on $(grep -m 1 'model name' /proc/cpuinfo | cut -d : -f 2- | sed 's/^ //'), accelerator ${CG_ACCEL:-tcg}"
		echo
		echo "$header |"
		echo "$sep|"
		cat "$ABI/rows"
	} >"$ABI/table.md"
	cat "$ABI/table.md"
	say "to record it: build/abi/table.md into docs/results.md (\"Verified kernels\")"
	# a kernel that built must pass every core test
	if grep '^| [^|]* | [^|]* | ok |' "$ABI/rows" | grep -Eq '\| (FAIL|skip|-) '; then
		BAD=1
	fi
	return $BAD
}

main "$@"
