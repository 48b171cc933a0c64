#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a 6.1 debug kernel (KASAN, lockdep, DEBUG_VM, ...) for `make debug-check`.
#
# The tree lives outside the repository, in $CG_DEBUG_DIR
# (default /var/tmp/collapse-guard-debug):
#   $CG_DEBUG_DIR/linux-source-6.1/                   the configured, built tree
#   $CG_DEBUG_DIR/linux-source-6.1/arch/x86/boot/bzImage
#   $CG_DEBUG_DIR/build.log                           the build's output
#
# Config: x86_64_defconfig + kvm_guest.config + tests/harness/debug.config,
# then olddefconfig; every option of the fragment is verified afterwards.
# Builds bzImage, modules (for Module.symvers) and modules_prepare, so an
# out-of-tree module builds with `make -C <tree> M=<dir>`.
#
# Idempotent: when bzImage exists and the config still satisfies the
# fragment it was built from, it only prints where the kernel is.
#
# Environment:
#   CG_DEBUG_DIR    where to build (default /var/tmp/collapse-guard-debug)
#   CG_DEBUG_JOBS   make -j value (default: number of CPUs)
#   CG_DEBUG_FORCE  1 = rebuild the config and run make even if up to date
#
# Prints, at the end, the lines
#   debug-kernel: release <kernelrelease>
#   debug-kernel: bzImage <path>
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
FRAGMENT=$HERE/debug.config
SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz
CG_DEBUG_DIR=${CG_DEBUG_DIR:-/var/tmp/collapse-guard-debug}
CG_DEBUG_JOBS=${CG_DEBUG_JOBS:-$(nproc)}
CG_DEBUG_FORCE=${CG_DEBUG_FORCE:-0}
TREE=$CG_DEBUG_DIR/linux-source-6.1
LOG=$CG_DEBUG_DIR/build.log
STAMP=$TREE/.cg-fragment.sha256
BZIMAGE=$TREE/arch/x86/boot/bzImage
BUILD_DEPS="bc bison flex libelf-dev libssl-dev cpio kmod rsync xz-utils make gcc dwarves"

say() {
	printf 'debug-kernel: %s\n' "$*"
}

CG_PROG=debug-kernel
# shellcheck source=tests/harness/host.sh
. "$HERE/host.sh"

# Packages from $BUILD_DEPS (and linux-source-6.1) that are not installed.
missing_packages() {
	local pkg
	for pkg in $BUILD_DEPS; do
		dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || printf '%s ' "$pkg"
	done
	[ -f "$SOURCE_TARBALL" ] || printf 'linux-source-6.1 '
}

install_build_deps() {
	local missing
	missing=$(missing_packages)
	[ -n "$missing" ] || return 0
	say "installing: $missing"
	[ "$(id -u)" = 0 ] || die "need root to install: $missing"
	# shellcheck disable=SC2086 # word splitting wanted: a package list
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$missing >>"$LOG" 2>&1 || die "apt-get install failed (see $LOG)"
	[ -f "$SOURCE_TARBALL" ] || die "$SOURCE_TARBALL still missing"
}

# Unpacks the source into $TREE (atomically: a half-extracted tree is never
# taken for a complete one).
extract_source() {
	local tmp
	[ -f "$TREE/Makefile" ] && return 0
	say "extracting $SOURCE_TARBALL"
	tmp=$CG_DEBUG_DIR/extract.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -C "$tmp" -xf "$SOURCE_TARBALL"
	[ -f "$tmp/linux-source-6.1/Makefile" ] ||
		die "unexpected tarball layout (no linux-source-6.1/Makefile)"
	rm -rf "$TREE"
	mv "$tmp/linux-source-6.1" "$TREE"
	rmdir "$tmp"
}

# The option lines of the fragment: "CONFIG_X=val" or "# CONFIG_X is not set".
fragment_options() {
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$FRAGMENT"
}

# Prints every fragment option that .config does not honour; returns 1 if any.
verify_config() {
	local config=$TREE/.config line name bad=0
	[ -f "$config" ] || return 1
	while IFS= read -r line; do
		case $line in
		'# CONFIG_'*)
			name=${line#'# '}
			name=${name%' is not set'}
			if grep -q "^$name=" "$config"; then
				printf '  wanted "%s", got "%s"\n' "$line" \
					"$(grep "^$name=" "$config")"
				bad=1
			fi
			;;
		*)
			name=${line%%=*}
			if ! grep -qxF -- "$line" "$config"; then
				printf '  wanted "%s", got "%s"\n' "$line" \
					"$(grep -E "^(# )?${name}[= ]" "$config" || echo unset)"
				bad=1
			fi
			;;
		esac
	done < <(fragment_options)
	return "$bad"
}

fragment_hash() {
	sha256sum "$FRAGMENT" | cut -d' ' -f1
}

# True when the tree, its bzImage and a config built from this very
# fragment (and honouring it) are all there.
is_up_to_date() {
	[ "$CG_DEBUG_FORCE" = 1 ] && return 1
	[ -f "$BZIMAGE" ] && [ -f "$TREE/Module.symvers" ] || return 1
	[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(fragment_hash)" ] || return 1
	verify_config >/dev/null
}

kmake() {
	nice -n 19 make -C "$TREE" "$@"
}

# defconfig + kvm_guest.config + our fragment, then olddefconfig, verified.
configure_tree() {
	local report
	say "configuring (x86_64_defconfig + kvm_guest.config + $(basename "$FRAGMENT"))"
	rm -f "$STAMP"
	{
		kmake x86_64_defconfig
		kmake kvm_guest.config
		(cd "$TREE" && ARCH=x86 scripts/kconfig/merge_config.sh -m \
			.config "$FRAGMENT")
		kmake olddefconfig
	} >>"$LOG" 2>&1 || die "configuration failed (see $LOG)"
	if ! report=$(verify_config); then
		printf '%s\n' "$report" >&2
		die "options of $FRAGMENT did not take effect (see above)"
	fi
	fragment_hash >"$STAMP"
}

build_tree() {
	say "building bzImage, modules, modules_prepare with -j$CG_DEBUG_JOBS (log: $LOG)"
	if ! kmake -j"$CG_DEBUG_JOBS" bzImage modules modules_prepare >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "kernel build failed (see $LOG)"
	fi
	[ -f "$BZIMAGE" ] || die "build finished without $BZIMAGE"
}

report_result() {
	say "release $(make -s -C "$TREE" kernelrelease)"
	say "bzImage $BZIMAGE"
	say "tree $TREE"
}

# Serialises concurrent runs (a background build and `make debug-check`).
take_lock() {
	exec 9>"$CG_DEBUG_DIR/.lock"
	if ! flock -n 9; then
		say "another build is running in $CG_DEBUG_DIR; waiting for it"
		flock 9
	fi
}

main() {
	local start elapsed
	[ -f "$FRAGMENT" ] || die "no fragment at $FRAGMENT"
	mkdir -p "$CG_DEBUG_DIR"
	take_lock
	if is_up_to_date; then
		say "up to date"
		report_result
		return 0
	fi
	start=$(date +%s)
	: >"$LOG"
	install_build_deps
	extract_source
	configure_tree
	build_tree
	elapsed=$(($(date +%s) - start))
	say "built in $((elapsed / 60)) min $((elapsed % 60)) s"
	report_result
}

main "$@"
