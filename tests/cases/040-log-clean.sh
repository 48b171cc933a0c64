#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# Load, exercise every mode and both paths, unload: the kernel log of the
# test holds exactly one "loaded, mode guard" and one "unloaded" line from the
# module, nothing else from it but the kernel's own taint notices, and no
# message at warning level or above except those notices. (The harness also
# fails the test on BUG/WARNING/lockdep/... lines.)
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

# Kernel notices about loading an unsigned out-of-tree module.
TAINT_NOTICES='module verification failed|loading out-of-tree module taints kernel'

exercise() {
	run cg_collapse shmem --fill partial --expect collapsed
	run cg_collapse anon --fill partial --expect collapsed
	run uffd_collapse_repro --expect guarded
	for _m in observe off guard; do
		cg_set_mode "$_m"
		run cg_collapse shmem --fill single --expect collapsed
	done
	printf 'bogus\n' >"$CG_DBG/mode" 2>/dev/null && fail "bogus mode accepted"
	cat "$CG_DBG/stats" >/dev/null
}

# shellcheck disable=SC2119 # no parameter: the default mode
cg_load
exercise
cg_unload

dmesg -r >klog
echo "kernel log of this test:"
cat klog

grep 'collapse_guard' klog >module-lines || fail "no line from collapse_guard in the kernel log"
assert_eq "$(grep -c 'collapse_guard: version [0-9.]* loaded, mode guard$' module-lines)" 1 "'loaded, mode guard' lines"
assert_eq "$(grep -c 'collapse_guard: unloaded$' module-lines)" 1 "'unloaded' lines"
grep -Ev 'collapse_guard: (version [0-9.]+ loaded, mode guard|unloaded)$' module-lines |
	grep -Ev "$TAINT_NOTICES" >unexpected || true
[ ! -s unexpected ] || fail "unexpected lines from the module: $(cat unexpected)"
awk '/collapse_guard: version [0-9.]* loaded, mode guard$/ { l = NR } /collapse_guard: unloaded$/ { u = NR }
	END { exit !(l && u && l < u) }' klog || fail "'unloaded' does not follow 'loaded'"

grep -E '^<[0-4]>' klog | grep -Ev "$TAINT_NOTICES" >loud || true
[ ! -s loud ] || fail "messages at warning level or above: $(cat loud)"
echo "kernel log clean"
