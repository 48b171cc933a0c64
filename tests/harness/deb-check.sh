#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb-check: the Debian packages (build/deb, made by make deb when
# missing) installed with apt into a clean Debian 12 root, then the module
# DKMS built there booted in the test guest. Not part of make check: it
# downloads a root file system and a compiler.
#
# The root: debootstrap --variant=minbase bookworm (the strictest test of
# the packages' Depends), from the archive apt on this machine uses (read
# from apt-get indextargets at run time), cached as a tarball in
# $BUILD/deb-check/ and unpacked afresh at each run into
# $BUILD/deb-check/root; its sources are the host's bookworm,
# bookworm-updates and bookworm-security entries. apt's downloads are kept in
# $BUILD/deb-check/archives (bind-mounted as the root's
# /var/cache/apt/archives). Everything runs in a mount namespace of its own
# (unshare) with /proc, /sys and /dev bind-mounted into the root, unmounted
# by the EXIT trap; /usr/sbin/policy-rc.d forbids starting services (no
# systemd runs there). The linux-headers-<release> of the guest kernel
# (tests/harness/pick-kernel.sh) and dkms are installed first; the file list
# taken then is what the purge must give back.
#
# TAP 13, one line per check:
#   1. DKMS built and installed collapse_guard.ko for those headers at the
#      packages' installation (dkms status: installed; the .ko under
#      /lib/modules/<release>/updates/dkms/), nothing else;
#   2. the dkms package's postinst names, at its installation, the
#      installed 6.1 kernel that has no headers (a stand-in for an image of
#      an ABI Debian publishes no headers for: /lib/modules/6.1.0-48-amd64
#      with a kernel/ directory and no build link, made before the file
#      list) and says what to do; not the kernel with headers (KREL, given
#      a kernel/ directory too), nor a headerless PREEMPT_RT one
#      (6.1.0-48-rt-amd64, which does not need the module);
#   3. cgctl runs: --help exits 0, status says "not loaded";
#   4. apt-get purge of both packages leaves nothing of theirs: the root's
#      file list equals the one before their installation (less apt's and
#      dpkg's bookkeeping and logs, see same_files);
#   5. the module's version (modinfo) is the packages', its vermagic the
#      guest's release;
#   6. an upgrade from the previous version (the same sources at 0.2.9,
#      built in $BUILD/deb-check/prev) keeps an edited conffile silently:
#      apt with no --force-conf* option and no terminal succeeds, the edit
#      is there, no .dpkg-dist/-old/-new file appears, and DKMS holds the new
#      version only;
#   7. the guest: tests/cases/100 on the DKMS-built .ko (run-check.sh under
#      flock /tmp/cg-guest.lock, logs in $BUILD/deb-check/guest/cases), as a
#      nested subtest.
# Then kselftest's totals (cg_tap_totals) and "N passed, N failed".
#
# CG_DEB_CHECK_BREAK="dkms cgctl purge upgrade note" (any of them): the
# negative controls, each breaking the condition of its check on purpose
# (the module uninstalled by dkms remove; cgctl replaced by a file that
# fails; the tools removed instead of purged; a 0.2.9 whose modprobe.d file
# differs, and the upgrade run with --force-confnew: with the file the same
# in both versions dpkg keeps the edit even then; the headerless kernel
# given a build link, so that the postinst has nothing to say): the check
# must then say "not ok". The guest step is left out when dkms is broken.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
WORK=$BUILD/deb-check
ROOT=$WORK/root
ARCHIVES=$WORK/archives
VERSION=$(cat "$REPO/VERSION")
PREV_VERSION=0.2.9
SUITE=bookworm
NAME=collapse_guard
PKGS="collapse-guard-dkms collapse-guard-tools"
CONFFILE=/etc/modprobe.d/collapse_guard.conf
BREAK=${CG_DEB_CHECK_BREAK:-}

CG_PROG=deb-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"
# shellcheck source=tests/harness/tap.sh
. "$HARNESS/tap.sh"

N=0

ok() {
	N=$((N + 1))
	CG_TAP_PASS=$((CG_TAP_PASS + 1))
	echo "ok $N - $1"
}

not_ok() {
	N=$((N + 1))
	CG_TAP_FAIL=$((CG_TAP_FAIL + 1))
	echo "not ok $N - $1"
}

# note TEXT...: a TAP comment.
note() {
	echo "# $*"
}

# indent: a command's output as TAP comments.
indent() {
	sed 's/^/#   /'
}

breaks() {
	case " $BREAK " in *" $1 "*) return 0 ;; esac
	return 1
}

# ---- the archive and the root ----

# archive_sources: "URI SUITE" of the host's apt sources for Debian 12
# (bookworm, -updates, -security), as apt has them configured.
archive_sources() {
	# shellcheck disable=SC2016 # apt's format, not the shell's
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' |
		awk -v s="$SUITE" '$2 == s || $2 == s "-updates" || $2 == s "-security"' |
		sort -u
}

# mounted_under DIR: something is mounted at or below DIR.
mounted_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

umount_root() {
	local try d
	for try in 1 2 3; do
		mounted_under "$ROOT" || return 0
		[ "$try" -eq 1 ] || sleep 1
		umount -R "$ROOT/var/cache/apt/archives" 2>/dev/null || true
		for d in dev sys proc; do
			umount -R "$ROOT/$d" 2>/dev/null || umount -R -l "$ROOT/$d" 2>/dev/null || true
		done
	done
	! mounted_under "$ROOT" || echo "$CG_PROG: still mounted under $ROOT" >&2
}

# base_tarball: a fresh debootstrap of bookworm (minbase), made once.
base_tarball() {
	local mirror tar=$WORK/$SUITE-minbase.tar.gz tmp=$WORK/debootstrap
	BASE=$tar
	[ -s "$tar" ] && return 0
	mirror=$(archive_sources | awk -v s="$SUITE" '$2 == s { print $1; exit }')
	[ -n "$mirror" ] ||
		die "apt has no '$SUITE' source here (apt-get indextargets): cannot pick an archive"
	note "debootstrap $SUITE (minbase) from apt's archive, once (log: $WORK/debootstrap.log)"
	mounted_under "$tmp" && die "something is mounted under $tmp"
	rm -rf --one-file-system "$tmp"
	debootstrap --variant=minbase "$SUITE" "$tmp" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
	mounted_under "$tmp" && die "debootstrap left mounts under $tmp"
	tar -C "$tmp" --numeric-owner -czf "$tar.tmp" .
	mv "$tar.tmp" "$tar"
	rm -rf --one-file-system "$tmp"
}

# fresh_root: the base unpacked into ROOT, with the host's sources,
# policy-rc.d and the mounts.
fresh_root() {
	mounted_under "$ROOT" && die "something is still mounted under $ROOT"
	rm -rf --one-file-system "$ROOT"
	mkdir -p "$ROOT" "$ARCHIVES/partial"
	tar -C "$ROOT" --numeric-owner -xzf "$BASE"
	archive_sources | awk '{ print "deb " $1 " " $2 " main" }' >"$ROOT/etc/apt/sources.list"
	rm -f "$ROOT"/etc/apt/sources.list.d/*
	printf '#!/bin/sh\n# deb-check: no services in this root\nexit 101\n' \
		>"$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
	printf 'Binary::apt::APT::Keep-Downloaded-Packages "true";\n' \
		>"$ROOT/etc/apt/apt.conf.d/99deb-check-keep"
	trap umount_root EXIT
	mount --rbind /proc "$ROOT/proc"
	mount --rbind /sys "$ROOT/sys"
	mount --rbind /dev "$ROOT/dev"
	mount --bind "$ARCHIVES" "$ROOT/var/cache/apt/archives"
}

# in_root CMD...: CMD in the root, as root, with a clean environment and no
# terminal.
in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" </dev/null
}

# apt_in_root LOG ARGS...: apt-get ARGS in the root, its output to LOG.
apt_in_root() {
	local log=$1
	shift
	echo "== apt-get $*" >>"$log"
	in_root apt-get -y "$@" >>"$log" 2>&1
}

# file_list OUT: every path in the root (this file system only), with its
# type, less what same_files leaves out.
file_list() {
	(cd "$ROOT" && find . -xdev -printf '%y %p\n') | LC_ALL=C sort >"$1"
}

# same_files BEFORE AFTER: the lists equal but for apt's and dpkg's own
# bookkeeping (their databases, caches and logs change by design with every
# install and purge, and hold no file of a package) and for depmod's indexes
# in /lib/modules/<release>/ (modules.dep, modules.alias, ...: made by the
# depmod that DKMS runs at install and at removal, owned by no package,
# there on every machine with the kernel installed; depmod_clean checks
# that they no longer name the module). Prints the differences.
same_files() {
	local ignore='^[a-z] \./((var/lib/dpkg|var/lib/apt|var/cache/apt|var/cache/debconf|var/log)(/|$)|usr/lib/modules/[^/]+/modules\.[a-z.]+$)'
	diff <(grep -Ev "$ignore" "$1") <(grep -Ev "$ignore" "$2") >"$WORK/files.diff" && return 0
	indent <"$WORK/files.diff" | head -n 40
	return 1
}

# depmod_clean: no depmod index of the root names the module.
depmod_clean() {
	local hits
	hits=$(grep -l "$NAME" "$ROOT"/usr/lib/modules/*/modules.* 2>/dev/null) || return 0
	note "depmod's indexes still name $NAME:"
	printf '%s\n' "$hits" | indent
	return 1
}

# ---- the packages ----

debs_current() {
	local arch
	arch=$(dpkg --print-architecture)
	DEB_DKMS=$BUILD/deb/collapse-guard-dkms_${VERSION}_all.deb
	DEB_TOOLS=$BUILD/deb/collapse-guard-tools_${VERSION}_${arch}.deb
	if [ ! -f "$DEB_DKMS" ] || [ ! -f "$DEB_TOOLS" ]; then
		note "no packages in $BUILD/deb: make deb"
		"$HARNESS/deb.sh" >"$WORK/make-deb.log" 2>&1 ||
			{ indent <"$WORK/make-deb.log" | tail -n 30; die "make deb failed (see $WORK/make-deb.log)"; }
	fi
	# A copy: a make deb running meanwhile must not change them under us.
	mkdir -p "$WORK/debs"
	rm -f "$WORK"/debs/*.deb
	cp "$DEB_DKMS" "$DEB_TOOLS" "$WORK/debs/"
	DEB_DKMS=$WORK/debs/$(basename "$DEB_DKMS")
	DEB_TOOLS=$WORK/debs/$(basename "$DEB_TOOLS")
}

# debs_previous: the same sources at PREV_VERSION (VERSION, dkms.conf and a
# changelog entry changed in a copy), built without lintian.
debs_previous() {
	local src=$WORK/prev/collapse-guard-$PREV_VERSION arch
	arch=$(dpkg --print-architecture)
	rm -rf "$WORK/prev"
	mkdir -p "$src"
	(cd "$REPO" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$src"
	if breaks upgrade; then
		# A conffile that differs between the versions: dpkg then asks,
		# and --force-confnew takes the package's.
		echo "# (as in $PREV_VERSION)" >>"$src/contrib/modprobe.d/collapse_guard.conf"
	fi
	echo "$PREV_VERSION" >"$src/VERSION"
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$PREV_VERSION\"/" "$src/dkms.conf"
	{
		echo "collapse-guard ($PREV_VERSION) unstable; urgency=medium"
		echo
		echo "  * The previous version, for make deb-check's upgrade test."
		echo
		echo " -- collapse_guard developers <collapse-guard@example.org>  Mon, 02 Nov 2026 12:00:00 +0000"
	} >"$src/debian/changelog"
	(cd "$src" && dpkg-buildpackage -us -uc -b) >"$WORK/prev/build.log" 2>&1 ||
		{ indent <"$WORK/prev/build.log" | tail -n 30; die "building the $PREV_VERSION packages failed"; }
	PREV_DKMS=$WORK/prev/collapse-guard-dkms_${PREV_VERSION}_all.deb
	PREV_TOOLS=$WORK/prev/collapse-guard-tools_${PREV_VERSION}_${arch}.deb
	if [ ! -f "$PREV_DKMS" ] || [ ! -f "$PREV_TOOLS" ]; then
		die "no $PREV_VERSION packages in $WORK/prev"
	fi
	rm -rf "$src"
}

# ---- the checks ----

# install_debs LOG DEB...: apt install ./DEB... in the root.
install_debs() {
	local log=$1 d args=() rc=0
	shift
	mkdir -p "$ROOT/tmp/debs"
	rm -f "$ROOT"/tmp/debs/*
	for d in "$@"; do
		cp "$d" "$ROOT/tmp/debs/"
		args+=("/tmp/debs/$(basename "$d")")
	done
	echo "== apt install ${args[*]}" >>"$log"
	in_root apt install -y --no-install-recommends "${args[@]}" >>"$log" 2>&1 || rc=$?
	rm -rf "$ROOT/tmp/debs"
	return "$rc"
}

# dkms_installed VERSION: dkms status in the root says installed for KREL,
# and the .ko is where DKMS puts it.
dkms_installed() {
	local st ko
	st=$(in_root dkms status -m "$NAME" -v "$1" -k "$KREL" 2>&1) || true
	note "dkms status: ${st:-(nothing)}"
	ko=$(ko_path)
	note "module: ${ko:-none under /lib/modules/$KREL/updates/dkms}"
	case $st in
	*"$NAME/$1, $KREL, "*": installed"*) ;;
	*) return 1 ;;
	esac
	[ -n "$ko" ]
}

# ko_path: the module DKMS installed for KREL in the root (host path).
ko_path() {
	local f
	for f in "$ROOT/lib/modules/$KREL/updates/dkms/$NAME.ko" \
		"$ROOT/lib/modules/$KREL/updates/dkms/$NAME.ko.xz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 0
}

check_dkms_built() {
	local log=$WORK/install.log what="DKMS built and installed $NAME.ko $VERSION for $KREL at installation"
	if ! install_debs "$log" "$DEB_DKMS" "$DEB_TOOLS"; then
		indent <"$log" | tail -n 30
		not_ok "$what (apt install failed, $log)"
		return 1
	fi
	grep -E '^(Building for|Building initial module|Done\.|Module build|.*BUILD_EXCLUSIVE)' "$log" | indent
	if breaks dkms; then
		note "CG_DEB_CHECK_BREAK=dkms: dkms remove $NAME/$VERSION -k $KREL"
		in_root dkms remove "$NAME/$VERSION" -k "$KREL" >/dev/null 2>&1 || true
	fi
	if dkms_installed "$VERSION"; then ok "$what"; else not_ok "$what"; fi
}

# HEADERLESS, HEADERLESS_RT: the stand-ins for installed 6.1 kernels of an
# ABI without headers (no build link in /lib/modules/<release>).
HEADERLESS=6.1.0-48-amd64
HEADERLESS_RT=6.1.0-48-rt-amd64

# headerless_kernels: the stand-ins, and KREL as an installed image.
headerless_kernels() {
	local rel
	for rel in "$HEADERLESS" "$HEADERLESS_RT" "$KREL"; do
		mkdir -p "$ROOT/lib/modules/$rel/kernel"
	done
	if breaks note; then
		note "CG_DEB_CHECK_BREAK=note: /lib/modules/$HEADERLESS/build links to $KREL's headers"
		ln -s "/usr/src/linux-headers-$KREL" "$ROOT/lib/modules/$HEADERLESS/build"
	fi
}

check_headerless_note() {
	local what="the dkms postinst names $HEADERLESS (no headers) and what to do, not $KREL nor $HEADERLESS_RT"
	local log=$WORK/install.txt bad=''
	# apt's output, its carriage returns removed
	tr -d '\r' <"$WORK/install.log" >"$log"
	sed -n '/^collapse-guard-dkms: /,/on the running kernel\./p' "$log" | head -n 20 | indent
	grep -i 'skipped\|headers' "$log" | grep -v '^collapse-guard-dkms: \|^  ' | head -n 5 | indent || true
	grep -qx "collapse-guard-dkms: no headers for $HEADERLESS: DKMS cannot build collapse_guard for it." "$log" ||
		bad="$bad, $HEADERLESS not named"
	grep -q "Debian published no headers for" "$log" || bad="$bad, no word on ABIs without headers"
	grep -q "apt install linux-image-amd64 linux-headers-amd64" "$log" || bad="$bad, no way out"
	! grep -q "collapse-guard-dkms: no headers for $KREL:" "$log" || bad="$bad, $KREL named"
	! grep -q "collapse-guard-dkms: no headers for $HEADERLESS_RT:" "$log" || bad="$bad, $HEADERLESS_RT named"
	if [ -z "$bad" ]; then ok "$what"; else not_ok "$what (${bad#, })"; fi
}

check_cgctl() {
	local what="cgctl runs: --help exits 0, status says the module is not loaded" out rc=0
	if breaks cgctl; then
		note "CG_DEB_CHECK_BREAK=cgctl: /usr/sbin/cgctl replaced by 'exit 1'"
		printf '#!/bin/sh\nexit 1\n' >"$ROOT/usr/sbin/cgctl"
	fi
	if ! in_root cgctl --help >"$WORK/cgctl-help.txt" 2>&1; then
		indent <"$WORK/cgctl-help.txt" | head -n 5
		not_ok "$what (--help failed)"
		return 0
	fi
	note "cgctl --help: $(head -n 1 "$WORK/cgctl-help.txt")"
	out=$(in_root cgctl status 2>&1) || rc=$?
	printf '%s\n' "$out" | indent
	note "cgctl status: exit status $rc"
	# Not loaded is an answer, not a crash: a message and an exit status
	# below 128 (no signal).
	if [ "$rc" -lt 128 ] && printf '%s\n' "$out" | grep -qi 'not loaded'; then
		ok "$what"
	else
		not_ok "$what"
	fi
}

check_purge() {
	local what="apt-get purge leaves nothing the packages installed" left log=$WORK/purge.log
	if breaks purge; then
		note "CG_DEB_CHECK_BREAK=purge: collapse-guard-tools removed, not purged"
		apt_in_root "$log" purge collapse-guard-dkms || true
		apt_in_root "$log" remove collapse-guard-tools || true
	else
		# shellcheck disable=SC2086 # the package names
		apt_in_root "$log" purge $PKGS || true
	fi
	file_list "$WORK/files-after.txt"
	left=$(cd "$ROOT" || exit; find usr/src var/lib/dkms lib/modules etc lib/systemd usr/lib/systemd \
		\( -name "$NAME*" -o -name 'collapse*guard*' -o -name 'cgctl*' \) 2>/dev/null || true)
	[ -z "$left" ] || printf '%s\n' "$left" | indent
	# shellcheck disable=SC2086 # the package names
	if [ -z "$left" ] && same_files "$WORK/files-before.txt" "$WORK/files-after.txt" &&
	   depmod_clean && ! in_root dpkg-query -W $PKGS >/dev/null 2>&1; then
		note "the root's files equal those before the installation"
		ok "$what"
	else
		not_ok "$what"
	fi
}

check_module_info() {
	local what="the DKMS-built module is $VERSION, for $KREL" ko ver magic
	ko=$(ko_path)
	if [ -z "$ko" ]; then
		not_ok "$what (no module)"
		return 0
	fi
	mkdir -p "$WORK/ko"
	case $ko in
	*.xz) xz -dc "$ko" >"$WORK/ko/$NAME.ko" ;;
	*) cp "$ko" "$WORK/ko/$NAME.ko" ;;
	esac
	KO=$WORK/ko/$NAME.ko
	ver=$(modinfo -F version "$KO")
	magic=$(modinfo -F vermagic "$KO" | cut -d ' ' -f 1)
	note "modinfo: version $ver, vermagic $magic, srcversion $(modinfo -F srcversion "$KO")"
	if [ "$ver" = "$VERSION" ] && [ "$magic" = "$KREL" ]; then ok "$what"; else not_ok "$what"; fi
}

check_upgrade() {
	local what="an upgrade from $PREV_VERSION keeps the edited $CONFFILE, silently"
	local log=$WORK/upgrade.log bad='' clutter
	: >"$log"
	if ! install_debs "$log" "$PREV_DKMS" "$PREV_TOOLS"; then
		indent <"$log" | tail -n 30
		not_ok "$what (installing $PREV_VERSION failed, $log)"
		return 0
	fi
	dkms_installed "$PREV_VERSION" || note "(DKMS did not install $PREV_VERSION)"
	# The admin's edit: the observe line uncommented.
	sed -i 's/^#\(options collapse_guard mode=observe\)$/\1/' "$ROOT$CONFFILE"
	grep -qx 'options collapse_guard mode=observe' "$ROOT$CONFFILE" ||
		die "no '#options collapse_guard mode=observe' line in $CONFFILE to uncomment"
	cp "$ROOT$CONFFILE" "$WORK/conffile-edited"
	note "edited $CONFFILE: uncommented 'options collapse_guard mode=observe'"
	if breaks upgrade; then
		note "CG_DEB_CHECK_BREAK=upgrade: $CONFFILE differs in $PREV_VERSION, the upgrade runs with --force-confnew"
		echo 'Dpkg::Options { "--force-confnew"; };' >"$ROOT/etc/apt/apt.conf.d/99deb-check-confnew"
	fi
	# No --force-conf* option and no terminal: a question from dpkg would
	# fail the upgrade.
	if ! install_debs "$log" "$DEB_DKMS" "$DEB_TOOLS"; then
		indent <"$log" | tail -n 30
		not_ok "$what (the upgrade failed, $log)"
		return 0
	fi
	rm -f "$ROOT/etc/apt/apt.conf.d/99deb-check-confnew"
	grep -E "Unpacking|Setting up collapse|Configuration file|Installing new version|Removing old|Deleting module" "$log" | indent
	# shellcheck disable=SC2016,SC2086 # dpkg-query's format; the package names
	note "installed: $(in_root dpkg-query -W -f '${Package} ${Version}; ' $PKGS)"
	if cmp -s "$WORK/conffile-edited" "$ROOT$CONFFILE"; then
		note "$CONFFILE still has the edit"
	else
		note "$CONFFILE lost the edit:"
		indent <"$ROOT$CONFFILE"
		bad=1
	fi
	clutter=$(cd "$ROOT" && find etc \( -name '*.dpkg-dist' -o -name '*.dpkg-old' \
		-o -name '*.dpkg-new' -o -name '*.dpkg-bak' -o -name '*.ucf-*' \) 2>/dev/null)
	if [ -n "$clutter" ]; then
		note "left beside the conffiles:"
		printf '%s\n' "$clutter" | indent
		bad=1
	fi
	if ! dkms_installed "$VERSION"; then
		bad=1
	elif [ -e "$ROOT/var/lib/dkms/$NAME/$PREV_VERSION" ]; then
		note "DKMS still holds $PREV_VERSION"
		bad=1
	fi
	if [ -z "$bad" ]; then ok "$what"; else not_ok "$what"; fi
}

check_guest() {
	local name="guest: tests/cases/100 on the DKMS-built module"
	N=$((N + 1))
	if [ -z "${KO:-}" ] || [ ! -f "$KO" ]; then
		CG_TAP_FAIL=$((CG_TAP_FAIL + 1))
		echo "not ok $N - $name # no module from DKMS"
		return 0
	fi
	# run-check.sh under BUILD=$WORK (its logs in $WORK/guest/cases, not
	# over make check's), with the tests' programs of $BUILD/bin.
	ln -sfn "$BUILD/bin" "$WORK/bin"
	cg_tap_subtest "$N" "$name" "run-check.sh CG_TESTS=100" \
		flock /tmp/cg-guest.lock env BUILD="$WORK" CG_MODULE_KO="$KO" \
		CG_TESTMOD_KO="$REPO/tests/modules/cg_testmod.ko" \
		CG_SELFTEST_KO="$BUILD/selftest-module/collapse_guard.ko" \
		KRELEASE="$KREL" CG_TESTS=100 "$HARNESS/run-check.sh" || true
}

main() {
	[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"
	# A mount namespace of our own: the root's mounts vanish with it, even
	# if this script is killed before its trap runs.
	if [ -z "${CG_DEB_CHECK_NS:-}" ]; then
		exec env CG_DEB_CHECK_NS=1 unshare --mount --propagation private "$0" "$@"
	fi
	KREL=$("$HARNESS/pick-kernel.sh") ||
		die "no 6.1 kernel with its headers on the host (make deps)"
	mkdir -p "$WORK"
	exec 9>"$WORK/.lock"
	flock -n 9 || die "another deb-check runs in $WORK"
	[ -d "$BUILD/bin" ] || die "no $BUILD/bin: make userspace"
	echo "TAP version 13"
	# debootstrap, and what building the previous version needs (as make deb)
	cg_apt_ensure "$WORK/host-apt.log" debootstrap build-essential debhelper dh-dkms
	note "deb-check: collapse-guard $VERSION, headers $KREL, root $ROOT"
	debs_current
	note "building the $PREV_VERSION packages (log: $WORK/prev/build.log)"
	debs_previous
	base_tarball
	fresh_root
	note "apt-get update; installing linux-headers-$KREL and dkms (log: $WORK/setup.log)"
	: >"$WORK/setup.log"
	apt_in_root "$WORK/setup.log" update ||
		{ indent <"$WORK/setup.log" | tail -n 20; die "apt-get update failed in the root"; }
	apt_in_root "$WORK/setup.log" install --no-install-recommends "linux-headers-$KREL" dkms ||
		{ indent <"$WORK/setup.log" | tail -n 20; die "cannot install linux-headers-$KREL in the root"; }
	headerless_kernels
	file_list "$WORK/files-before.txt"
	: >"$WORK/install.log"
	check_dkms_built
	check_headerless_note
	check_cgctl
	check_module_info
	check_purge
	check_upgrade
	if breaks dkms; then
		note "CG_DEB_CHECK_BREAK=dkms: no guest step"
	else
		check_guest
	fi
	echo "1..$N"
	umount_root
	cg_tap_totals "$CG_TAP_PASS" "$CG_TAP_FAIL" "$CG_TAP_SKIP"
	[ "$CG_TAP_FAIL" -eq 0 ]
}

main "$@"
