#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# Control where debugfs is locked down, as on a Secure Boot machine: after
# insmod, lockdown is raised to integrity (it cannot be lowered again, nor
# can an unsigned module be loaded after it: a one-way test). Then the
# debugfs mode file refuses writes with EPERM, the statistics still read,
# and the module parameter (and cgctl, which uses it) still switches the
# mode, with the same EINVAL for bad input; the guard keeps working and the
# module unloads.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

LOCKDOWN=/sys/kernel/security/lockdown

# Debian's kernels have the lockdown LSM; a kernel built without it (the
# debug kernel's defconfig) cannot run this test.
grep -qw securityfs /proc/filesystems || skip "this kernel has no securityfs"
[ -e "$LOCKDOWN" ] || mount -t securityfs securityfs /sys/kernel/security ||
	fail "cannot mount securityfs"
grep -qw lockdown /sys/kernel/security/lsm || skip "this kernel has no lockdown LSM"
[ -e "$LOCKDOWN" ] || fail "the lockdown LSM is active but $LOCKDOWN is missing"

thp_quiet
cg_load mode=guard
echo integrity >"$LOCKDOWN" || fail "cannot raise lockdown to integrity"
grep -q '\[integrity\]' "$LOCKDOWN" || fail "lockdown is $(cat "$LOCKDOWN")"

if echo off 2>err >"$CG_DBG/mode"; then
	fail "debugfs mode accepted a write under lockdown"
fi
grep -q 'not permitted' err || fail "debugfs write refused, but not with EPERM: $(cat err)"
cg_stats_save s
grep -q '\[guard\]' "$CG_PARAM_MODE" || fail "mode is $(cat "$CG_PARAM_MODE") after the refused write"

if echo bogus 2>err >"$CG_PARAM_MODE"; then
	fail "the mode parameter accepted 'bogus'"
fi
grep -q 'Invalid argument' err || fail "'bogus' refused, but not with EINVAL: $(cat err)"
grep -q '\[guard\]' "$CG_PARAM_MODE" || fail "mode changed after a refused write"

run uffd_collapse_repro --expect guarded
echo off >"$CG_PARAM_MODE" || fail "the mode parameter refused off under lockdown"
grep -q '\[off\]' "$CG_PARAM_MODE" || fail "mode is $(cat "$CG_PARAM_MODE") after off"
run uffd_collapse_repro --expect lost
run cgctl mode guard
[ "$(kv mode "$OUT")" = guard ] || fail "cgctl mode guard under lockdown: $(kv mode "$OUT")"
run uffd_collapse_repro --expect guarded
run cgctl stats --nonzero
expect_deltas s guard_calls=2 guard_veto_uffd_missing=2
cg_unload
! cg_loaded || fail "collapse_guard still loaded"
