#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make debug-check`: the guest test suite on the debug kernel built by
# tests/harness/build-debug-kernel.sh (KASAN, lockdep, DEBUG_VM, ...).
#
# 1. makes sure the debug kernel is built (fast when it is up to date);
# 2. builds the module against the debug tree in a copy of the kernel-side
#    sources, $CG_DEBUG_DIR/module-build (so /work/main/collapse_guard.ko,
#    built for Debian's kernel, is left alone); any warning fails;
# 3. builds the userspace tools and the vm selftests into $CG_DEBUG_BUILD
#    (default $CG_DEBUG_DIR/build, so the guest image and logs of
#    `make check` are not overwritten either);
# 4. runs tests/harness/run-check.sh (arguments are passed on, e.g.
#    `--suite stress`) with the debug kernel, the debug module, longer
#    timeouts and more guest memory.
#
# Environment:
#   CG_DEBUG_DIR       debug tree location (default /var/tmp/collapse-guard-debug)
#   CG_TIMEOUT_SCALE   multiplier of every test timeout (default 4)
#   CG_MEM             guest RAM in MiB (default 3072: KASAN shadow memory)
#   CG_DEBUG_BUILD     userspace/guest output directory (default $CG_DEBUG_DIR/build)
#   CG_APPEND          extra kernel command line (kasan_multi_shot is always added)
#   CG_TESTS, CG_ACCEL, CG_BOOT_TIMEOUT are honoured by the harness as for
#                      `make check`.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CG_DEBUG_DIR=${CG_DEBUG_DIR:-/var/tmp/collapse-guard-debug}
TREE=$CG_DEBUG_DIR/linux-source-6.1
BZIMAGE=$TREE/arch/x86/boot/bzImage
MODULE_BUILD=$CG_DEBUG_DIR/module-build
MODULE_LOG=$CG_DEBUG_DIR/module-build.log
# Not inherited from the top Makefile on purpose: its BUILD is the one of
# `make check`.
DEBUG_BUILD=${CG_DEBUG_BUILD:-$CG_DEBUG_DIR/build}
KERNEL_SIDE="module include debugfs Kbuild VERSION"
TESTMOD_BUILD=$CG_DEBUG_DIR/testmod-build
SELFTEST_BUILD=$CG_DEBUG_DIR/selftest-module-build
SCALE=${CG_TIMEOUT_SCALE:-4}
MEM=${CG_MEM:-3072}

export CG_DEBUG_DIR

say() {
	printf 'debug-check: %s\n' "$*"
}

CG_PROG=debug-check
# shellcheck source=tests/harness/host.sh
. "$HERE/host.sh"

ensure_debug_kernel() {
	"$HERE/build-debug-kernel.sh" || die "debug kernel build failed"
	[ -f "$BZIMAGE" ] || die "no debug kernel at $BZIMAGE"
	[ -f "$TREE/include/config/kernel.release" ] ||
		die "no kernel.release in $TREE (run make debug-kernel)"
}

debug_release() {
	cat "$TREE/include/config/kernel.release"
}

# Copies the kernel-side sources only (no objects from other builds); the
# objects of earlier debug builds stay, so the rebuild is incremental.
sync_module_sources() {
	local item
	mkdir -p "$MODULE_BUILD"
	for item in $KERNEL_SIDE; do
		[ -e "$REPO/$item" ] || die "missing $REPO/$item"
	done
	# shellcheck disable=SC2086 # word splitting wanted: a list of paths
	(cd "$REPO" && rsync -a --delete \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude='modules.order' --exclude='Module.symvers' \
		--exclude='*.symvers' --exclude='.*.d' --exclude='*.tmp' \
		$KERNEL_SIDE "$MODULE_BUILD/")
}

# Builds collapse_guard.ko against the debug tree; fails on any warning
# (compiler or modpost) even though CONFIG_WERROR already makes the
# compiler's warnings errors.
build_debug_module() {
	local release vermagic
	say "building the module against $TREE in $MODULE_BUILD"
	if ! make -C "$TREE" M="$MODULE_BUILD" modules >"$MODULE_LOG" 2>&1; then
		cat "$MODULE_LOG" >&2
		die "module build failed against the debug kernel"
	fi
	if grep -qi 'warning' "$MODULE_LOG"; then
		grep -i -B2 -A4 'warning' "$MODULE_LOG" >&2
		die "module build against the debug kernel has warnings"
	fi
	[ -f "$MODULE_BUILD/collapse_guard.ko" ] || die "no collapse_guard.ko produced"
	release=$(debug_release)
	vermagic=$(modinfo -F vermagic "$MODULE_BUILD/collapse_guard.ko")
	case $vermagic in
	"$release "*) ;;
	*) die "vermagic '$vermagic' does not match the debug kernel '$release'" ;;
	esac
}

# The project's tools and the kernel's vm selftests (as `make check` does
# with `make all selftests`), into the debug run's own $DEBUG_BUILD/bin.
build_debug_testmod() {
	say "building the test helper module against $TREE in $TESTMOD_BUILD"
	mkdir -p "$TESTMOD_BUILD"
	rsync -a --delete "$REPO/tests/modules/Kbuild" "$REPO/tests/modules/cg_testmod.c" \
		"$TESTMOD_BUILD/"
	make -C "$TREE" M="$TESTMOD_BUILD" modules >"$MODULE_LOG.testmod" 2>&1 || {
		cat "$MODULE_LOG.testmod" >&2
		die "test helper module build failed against the debug kernel"
	}
}

build_debug_selftest_module() {
	say "building the module's test build against $TREE in $SELFTEST_BUILD"
	# shellcheck disable=SC2086 # word splitting wanted: a list of paths
	(cd "$MODULE_BUILD" && mkdir -p "$SELFTEST_BUILD" && rsync -a --delete --exclude='*.o' --exclude='*.ko' \
		--exclude='.*.cmd' --exclude='*.mod*' --exclude='*.symvers' \
		--exclude='modules.order' $KERNEL_SIDE "$SELFTEST_BUILD/")
	make -C "$TREE" M="$SELFTEST_BUILD" CG_SELFTEST=1 modules >"$MODULE_LOG.selftest" 2>&1 || {
		cat "$MODULE_LOG.selftest" >&2
		die "the module's test build failed against the debug kernel"
	}
}

build_userspace() {
	say "building userspace and selftests into $DEBUG_BUILD"
	make -C "$REPO/userspace" BUILD="$DEBUG_BUILD" ||
		die "userspace build failed"
	BUILD="$DEBUG_BUILD" "$HERE/build-selftests.sh" ||
		die "selftests build failed"
}

# An empty modules root: zram and zsmalloc are built into the debug kernel,
# so the guest needs no kernel module besides collapse_guard.
empty_moddir() {
	local dir=$CG_DEBUG_DIR/guest-modules
	mkdir -p "$dir"
	: >"$dir/modules.dep"
	echo "$dir"
}

# The harness, pointed at the debug kernel and module. CG_PVH=0: the debug
# kernel has no PVH entry (see debug.config), boot the bzImage as it is.
# run_suite RUNNER ARGS...: run-check.sh or run-oneway.sh on the debug kernel.
run_suite() {
	local release runner=$1
	shift
	release=$(debug_release)
	say "running the suite on $release (timeouts x$SCALE, $MEM MiB)"
	BUILD="$DEBUG_BUILD" \
	KRELEASE="$release" \
	CG_KRELEASE="$release" \
	CG_KERNEL="$BZIMAGE" \
	CG_MODULE_KO="$MODULE_BUILD/collapse_guard.ko" \
	CG_TESTMOD_KO="$TESTMOD_BUILD/cg_testmod.ko" \
	CG_SELFTEST_KO="$SELFTEST_BUILD/collapse_guard.ko" \
	CG_MODDIR="$(empty_moddir)" \
	CG_TIMEOUT_SCALE="$SCALE" \
	CG_MEM="$MEM" \
	CG_PVH=0 \
	CG_APPEND="kasan_multi_shot${CG_APPEND:+ $CG_APPEND}" \
		"$HERE/$runner" "$@"
}

main() {
	[ -x "$HERE/run-check.sh" ] || die "tests/harness/run-check.sh is missing"
	ensure_debug_kernel
	sync_module_sources
	build_debug_module
	build_debug_testmod
	build_debug_selftest_module
	build_userspace
	rc=0
	run_suite run-check.sh "$@" || rc=1
	run_suite run-oneway.sh || rc=1
	return $rc
}

main "$@"
