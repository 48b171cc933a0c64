#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# ftrace torn down under the module (ftrace_kill(), what the kernel does
# after an ftrace bug, called here by cg_testmod action=kill_ftrace): the
# redirection's ftrace_ops can no longer be unregistered and its call site
# may still enter the module, so the module must stay loaded for good:
#  - switching to off still stops the guard from running (the handler reads
#    the mode), and says once in the log that the module stays loaded;
#  - rmmod fails with EBUSY, however often the mode is switched.
# ftrace stays dead for the rest of the boot: a one-way test (tests/oneway,
# a boot of its own), which tells the harness (/tmp/.cg-pinned-for-good) not
# to unload the module after it.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

TESTMOD=/opt/cg/cg_testmod.ko
PINNED='ftrace was shut down under it, so the module stays loaded for good'

thp_quiet
[ -f "$TESTMOD" ] || fail "$TESTMOD is not in the guest image"
cg_load mode=guard
if insmod "$TESTMOD" action=kill_ftrace 2>err; then
	fail "cg_testmod action=kill_ftrace loaded"
fi
dmesg | grep -q 'calling ftrace_kill' || fail "cg_testmod did not kill ftrace: $(cat err)"

for round in 1 2 3; do
	echo off >"$CG_DBG/mode" || fail "round $round: cannot switch to off"
	[ "$(cg_mode)" = off ] || fail "round $round: mode is $(cg_mode) after off"
	if rmmod collapse_guard 2>err; then
		fail "round $round: rmmod succeeded with ftrace dead"
	fi
	cg_loaded || fail "round $round: collapse_guard is gone"
	cg_stats_save s
	run uffd_collapse_repro --expect lost
	expect_deltas s guard_calls=0
	cg_set_mode guard
done
touch /tmp/.cg-pinned-for-good
assert_eq "$(dmesg | grep -c "$PINNED")" 1 "log lines saying the module stays loaded"
