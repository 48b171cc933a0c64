#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# A call the guard cannot handle is refused quietly, with a counted reason
# and EINVAL's scan result (SCAN_FAIL), before anything is allocated:
#  - collapse_file() for a file that is not shmem, and for a shmem file at
#    an index that is not PMD aligned, called directly (cg_testmod
#    action=call_collapse_file): guard_veto_not_shmem and
#    guard_veto_unaligned count one each, nothing else moves;
#  - MADV_COLLAPSE of a MAP_PRIVATE /dev/zero mapping at an unaligned file
#    offset, syzkaller's way into collapse_file() (an anonymous VMA that
#    keeps /dev/zero as its file). Kernels with the caller fixed (upstream
#    6.14, backported to 6.1.y) take the anonymous path and never call
#    collapse_file(); older ones do, and the guard must refuse it (EINVAL).
#    Either way the data is intact and the log clean (no WARN, also on the
#    DEBUG_VM kernel, where stock 6.1 hits a VM_BUG_ON: mode off is not run).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

TESTMOD=/opt/cg/cg_testmod.ko

thp_quiet
cg_load mode=guard
[ -f "$TESTMOD" ] || fail "$TESTMOD is not in the guest image"

cg_stats_save s
if insmod "$TESTMOD" action=call_collapse_file 2>err; then
	rmmod cg_testmod
	fail "cg_testmod action=call_collapse_file stayed loaded"
fi
dmesg | grep 'cg_testmod: collapse_file' || fail "cg_testmod did not call collapse_file: $(cat err)"
# busybox insmod tries finit_module, then init_module: k calls of each kind
k=$(dmesg | grep -c 'cg_testmod: collapse_file(/dev/zero, index 1)')
assert_ge "$k" 1 "calls of collapse_file on /dev/zero"
for what in /dev/zero shmem; do
	assert_eq "$(dmesg | grep -c "collapse_file($what, index 1) returned 0\$")" "$k" \
		"collapse_file($what, index 1) calls that returned SCAN_FAIL (0)"
done
expect_deltas s file_calls=$((2 * k)) file_fail=$((2 * k)) guard_calls=$((2 * k)) \
	guard_veto_not_shmem="$k" guard_veto_unaligned="$k" guard_committed=0 \
	guard_rollbacks=0 guard_holes_sealed=0 guard_veto_uffd_missing=0

for off in 1 37; do
	cg_stats_save s
	run collapse_devzero --offset-pages "$off" --expect any
	if [ "$(cg_stat_delta s file_calls)" -eq 0 ]; then
		echo "MADV_COLLAPSE took the anonymous path (caller fixed in this kernel)"
		[ "$(kv collapse_ret "$OUT")" = 0 ] || fail "anonymous collapse of /dev/zero failed"
		continue
	fi
	[ "$(kv errno "$OUT")" = EINVAL ] || fail "collapse_file on /dev/zero: errno $(kv errno "$OUT")"
	expect_deltas s file_calls=1 file_fail=1 guard_veto_not_shmem=1 guard_committed=0
done
cg_unload
