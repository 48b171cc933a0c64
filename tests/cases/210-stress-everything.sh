#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# cg_stress for one minute (the long run is make stress): mutators,
# collapsers, readers, MISSING/MINOR/WP userfaultfd workers and khugepaged at
# full speed, in a memory cgroup that swaps to zram, while the mode switches
# and the module is removed and loaded again (every other removal with a
# guarded collapse held in flight). No lost event, no hole filled behind a
# handler under guard, no wrong byte, no wrong veto, no leaked page or block,
# a clean log (tests/everything.sh).
#
# First the negative control: 20 s of MISSING workers and collapsers in mode
# off, held to the guard's promise (--guarded). Stock 6.1 must fail it.
# Last, the stall watchdog: a toggler held in one step (an --after-load
# command that sleeps 60 s) fails the run after --stall-seconds, naming the
# step in the output and on the console, and the run ends on its own.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/everything.sh
. /opt/cg/tests/everything.sh
trap stress_teardown EXIT

stress_setup
cg_load mode=off
stress_run control --seconds 20 --guarded --data-files 0 --readers 0 --no-minor --no-wp
tail -n 25 control.log
assert_eq "$STRESS_RC" 1 "cg_stress exit status in mode off (the stock kernel's bug)"
lost=$(($(stress_value control missing_events_lost) + $(stress_value control missing_holes_filled_behind)))
assert_gt "$lost" 0 "MISSING events lost or holes filled in mode off"

cg_set_mode guard
stress_run everything --seconds 60 --toggle --module "$CG_KO" --reload-every 4 --expect-guarded
stress_check everything
stress_expect_ok everything
assert_gt "$(stress_value everything missing_events_expected)" 0 "MISSING events expected"
assert_gt "$(stress_value everything rmmod_insmod)" 0 "reloads during the run"

printf '#!/bin/sh\nsleep 60\n' >stall.sh
chmod +x stall.sh
stress_run stall --seconds 300 --toggle --module "$CG_KO" --reload-every 1 \
	--guard-dwell 500 --after-load="$PWD/stall.sh" --stall-seconds 25 --no-sysrq \
	--data-files 2 --missing-files 0 --readers 0 --collapsers 1 --no-minor --no-wp
grep '^stall: \|stalled' stall.log || true
assert_eq "$STRESS_RC" 1 "cg_stress exit status with a stalled toggler"
grep -q "the toggler stalled in step '--after-load command'" stall.log ||
	fail "no stall reported in the --after-load step"
# the toggler (no other cg_stress process waits for a child)
grep -q '^stall: task [0-9]*/[0-9]* (cg_stress) state S wchan do_wait$' stall.log ||
	fail "the stall report does not show the toggler waiting for its command"
dmesg | grep -q "cg_stress: stall: the toggler has been in step '--after-load command'" ||
	fail "the stall report did not reach the kernel log"
cg_unload
