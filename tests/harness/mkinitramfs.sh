#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs (gzip'd newc cpio) for one suite:
#   mkinitramfs.sh SUITE SOURCE OUTDIR
# SUITE is the name the guest knows the tests by (/opt/cg/tests/SUITE/), SOURCE
# the directory of the suite's tests, or one script (staged as 001-NAME.sh).
# Writes OUTDIR/initramfs.cpio.gz (staging tree: OUTDIR/rootfs).
#
# Contents: busybox (static) and its applet links, /init (guest-init),
# /opt/cg/collapse_guard.ko, /opt/cg/bin/* (from $BUILD/bin), /opt/cg/tests/
# (lib.sh and the suite), /opt/cg/harness/shared.sh, zram.ko with its
# dependencies and a modules.dep under /lib/modules/$KRELEASE, and, when the
# host has Debian's prometheus-node-exporter (tests/harness/deps.sh installs
# it), /usr/bin/prometheus-node-exporter with the libraries it links (the C
# library and its loader, at their paths; about 5 MB compressed) for test 193,
# for the clients, bench and demo-qemu suites Debian's QEMU (stage_qemu), and
# for the stress suite Debian's fio (for tests/stress/060).
#
# Environment: KRELEASE (guest kernel release, required), BUILD (default
# <repo>/build), CG_MODULE_KO (default <repo>/collapse_guard.ko), CG_MODDIR
# (modules root, default /lib/modules: <root>/$KRELEASE, or the release
# directory itself), CG_GUEST_MODULES (default "zram lzo-rle").
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
CG_MODULE_KO=${CG_MODULE_KO:-$REPO/collapse_guard.ko}
CG_TESTMOD_KO=${CG_TESTMOD_KO:-$REPO/tests/modules/cg_testmod.ko}
CG_SELFTEST_KO=${CG_SELFTEST_KO:-$BUILD/selftest-module/collapse_guard.ko}
# zram and its default compressor, a module in some flavours (cloud-amd64)
CG_GUEST_MODULES=${CG_GUEST_MODULES:-zram lzo-rle}

CG_PROG=mkinitramfs
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

warn() {
	echo "mkinitramfs: $*" >&2
}

stage_busybox() {
	local bb
	bb=$(command -v busybox) || die "no busybox: apt-get install busybox-static"
	readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter' &&
		die "$bb is dynamically linked: apt-get install busybox-static"
	mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root}
	cp "$bb" "$ROOT/bin/busybox"
	# One process for the ~400 links (perl-base is always there).
	(cd "$ROOT" && "$bb" --list-full | grep -vx 'bin/busybox' |
		perl -nle 'symlink("/bin/busybox", $_) or die "$_: $!\n"')
	# The kernel opens /dev/console before /init runs; only root can make it
	# (else /init reopens it once devtmpfs is mounted).
	mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null || true
}

stage_harness() {
	install -m 755 "$HARNESS/guest-init" "$ROOT/init"
	install -D -m 644 "$HARNESS/shared.sh" "$ROOT/opt/cg/harness/shared.sh"
	install -D -m 644 "$REPO/tests/lib.sh" "$ROOT/opt/cg/tests/lib.sh"
	install -D -m 644 "$REPO/tests/everything.sh" "$ROOT/opt/cg/tests/everything.sh"
}

# stage_tests SUITE SOURCE
stage_tests() {
	local dest=$ROOT/opt/cg/tests/$1 name
	mkdir -p "$dest"
	if [ -d "$2" ]; then
		cp -aL "$2/." "$dest/"
	elif [ -f "$2" ]; then
		name=$(basename "$2")
		install -m 755 "$2" "$dest/001-$name"
	else
		die "no tests at $2"
	fi
}

stage_module() {
	if [ -f "$CG_MODULE_KO" ]; then
		install -D -m 644 "$CG_MODULE_KO" "$ROOT/opt/cg/collapse_guard.ko"
	else
		warn "no module at $CG_MODULE_KO: tests that load it will fail"
	fi
	if [ -f "$CG_TESTMOD_KO" ]; then
		install -D -m 644 "$CG_TESTMOD_KO" "$ROOT/opt/cg/cg_testmod.ko"
	else
		warn "no test helper module at $CG_TESTMOD_KO: tests that load it will fail"
	fi
	if [ -f "$CG_SELFTEST_KO" ]; then
		install -D -m 644 "$CG_SELFTEST_KO" "$ROOT/opt/cg/collapse_guard_selftest.ko"
	else
		warn "no test build of the module at $CG_SELFTEST_KO: tests that load it will fail"
	fi
}

stage_binaries() {
	local f
	mkdir -p "$ROOT/opt/cg/bin"
	[ -d "$BUILD/bin" ] || return 0
	for f in "$BUILD/bin"/*; do
		[ -f "$f" ] || continue
		if readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'; then
			warn "$f is dynamically linked and will not run in the guest"
		fi
		install -m 755 "$f" "$ROOT/opt/cg/bin/"
	done
}

# stage_program BIN USER: a dynamically linked program of the host's
# packages at its path, with the libraries ldd lists for it; a warning
# naming USER (the test that needs it) if the host lacks it.
stage_program() {
	if [ ! -x "$1" ]; then
		warn "no $1 (tests/harness/deps.sh installs it): $2 will fail"
		return 0
	fi
	install -D -m 755 "$1" "$ROOT$1"
	stage_libs "$1"
}

# stage_libs FILE...: the libraries ldd lists for each FILE, at their paths
# (the C library and its loader among them).
stage_libs() {
	local lib
	# (with several files, ldd heads each list with "FILE:")
	for lib in $(ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
		install -D -m 755 "$(readlink -f "$lib")" "$ROOT$lib"
	done
}

# stage_qemu: Debian's QEMU for the clients suite (tests/clients): the
# x86-64 system emulator from qemu-system-x86, the TCG accelerator module
# it loads at run time from qemu-system-common, and the libraries they
# link, taken from the host's installed packages (dpkg -L). No firmware:
# the VMs boot userspace/clients/vmbios.S (-bios). About 12 MB compressed.
stage_qemu() {
	local bin accel
	bin=$(dpkg -L qemu-system-x86 2>/dev/null | grep -x '/usr/bin/qemu-system-x86_64' || true)
	accel=$(dpkg -L qemu-system-common 2>/dev/null | grep '/qemu/accel-tcg-x86_64\.so$' || true)
	if [ -z "$bin" ] || [ -z "$accel" ]; then
		warn "no qemu-system-x86/qemu-system-common installed: the clients tests will fail"
		return 0
	fi
	install -D -m 755 "$bin" "$ROOT$bin"
	install -D -m 644 "$accel" "$ROOT$accel"
	stage_libs "$bin" "$accel"
}

# module_dir: the guest kernel's modules directory on the host.
module_dir() {
	local root=${CG_MODDIR:-/lib/modules}
	if [ -f "$root/modules.dep" ]; then
		echo "$root"
	else
		echo "$root/$KRELEASE"
	fi
}

# module_closure DIR MODULE...: the modules.dep paths of MODULEs and of all
# they depend on, dependencies first.
module_closure() {
	local dir=$1
	shift
	awk -v want="$*" '
		{ path = $1; sub(/:$/, "", path); deps[path] = ""
		  for (i = 2; i <= NF; i++) deps[path] = deps[path] " " $i
		  name = path; sub(/.*\//, "", name); sub(/\.ko.*$/, "", name)
		  byname[name] = path }
		function visit(p,   n, d, i) {
			if (p in seen) return
			seen[p] = 1
			n = split(deps[p], d, " ")
			for (i = 1; i <= n; i++) visit(d[i])
			print p
		}
		END { n = split(want, w, " ")
		      for (i = 1; i <= n; i++) if (w[i] in byname) visit(byname[w[i]]) }
	' "$dir/modules.dep"
}

# stage_kernel_modules: CG_GUEST_MODULES and their dependencies,
# decompressed (busybox insmod cannot read .ko.xz), with a modules.dep.
stage_kernel_modules() {
	local src dest rel out dep
	src=$(module_dir)
	dest=$ROOT/lib/modules/$KRELEASE
	mkdir -p "$dest"
	: >"$dest/modules.dep"
	if [ ! -f "$src/modules.dep" ]; then
		warn "no $src/modules.dep: no kernel modules (zram) in the guest"
		return 0
	fi
	# shellcheck disable=SC2086 # a list of module names
	for rel in $(module_closure "$src" $CG_GUEST_MODULES); do
		out=${rel%.xz}
		out=${out%.zst}
		out=${out%.gz}
		mkdir -p "$dest/$(dirname "$out")"
		case $rel in
		*.xz) xz -dc "$src/$rel" >"$dest/$out" ;;
		*.zst) zstd -qdc "$src/$rel" >"$dest/$out" ;;
		*.gz) gzip -dc "$src/$rel" >"$dest/$out" ;;
		*) cp "$src/$rel" "$dest/$out" ;;
		esac
		dep=$(sed -n "s|^$rel:||p" "$src/modules.dep" |
			sed 's/\.ko\.\(xz\|zst\|gz\)/.ko/g')
		echo "$out:$dep" >>"$dest/modules.dep"
	done
}

# pack: the staging tree as a gzip'd newc cpio owned by root.
pack() {
	(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -n -6 >"$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
}

main() {
	[ $# -eq 3 ] || die "usage: mkinitramfs.sh SUITE SOURCE OUTDIR"
	[ -n "${KRELEASE:-}" ] || die "KRELEASE is not set"
	ROOT=$3/rootfs
	OUT=$3/initramfs.cpio.gz
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	stage_busybox
	stage_harness
	stage_tests "$1" "$2"
	stage_module
	stage_binaries
	# Debian's node_exporter, a Go binary (test 193)
	stage_program /usr/bin/prometheus-node-exporter "test 193"
	case $1 in
	clients | bench | demo-qemu) stage_qemu ;;
	# Debian links every fio engine's library into the binary (rbd,
	# glusterfs, rdma...): about 32 MB compressed; 060 uses psync and mmap
	stress) stage_program /usr/bin/fio tests/stress/060 ;;
	esac
	stage_kernel_modules
	pack
}

main "$@"
