#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# append: debugfs=off
#
# Without debugfs (booted with debugfs=off) the module still loads and
# guards, says once that its statistics are unavailable and where the
# control is, and the module parameter switches the mode.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
grep -q 'debugfs=off' /proc/cmdline || fail "not booted with debugfs=off"
cg_load mode=guard
assert_eq "$(dmesg | grep -c 'collapse_guard: debugfs unavailable')" 1 \
	"lines saying debugfs is unavailable"
[ ! -e "$CG_DBG/mode" ] || fail "$CG_DBG/mode exists with debugfs=off"
run uffd_collapse_repro --expect guarded
echo off >"$CG_PARAM_MODE" || fail "cannot switch off through the parameter"
run uffd_collapse_repro --expect lost
echo guard >"$CG_PARAM_MODE" || fail "cannot switch to guard through the parameter"
run uffd_collapse_repro --expect guarded
cg_unload
