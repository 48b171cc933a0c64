#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# A switch to off never waits without a word. Removing the collapse_file
# redirection waits for an RCU-tasks grace period: every task must sleep
# once of its own accord, and khugepaged with scan_sleep_millisecs=0 and
# work to do does not.
#  1. A held grace period (cg_testmod action=hold_rcu_tasks: a kernel
#     thread that never sleeps, as such a khugepaged): cgctl mode off is
#     still waiting after 4 s, and has said so: why, the tasks running (the
#     holder among them), and how to get through. Once the holder stops it
#     completes, and the mode is off.
#  2. The same hold with --nudge-khugepaged and scan_sleep_millisecs=0:
#     after 2 s cgctl raises it to 1000 and says so; once through, it
#     restores 0 and says so.
#  3. Interrupted (SIGINT) while it waits: the value is restored, cgctl
#     says so, and the switch completes in the kernel once the holder stops.
#  4. khugepaged at full speed with work (a collapse storm), nothing held:
#     the switch completes, the value is 0 after; if the switch waited past
#     2 s, cgctl nudged khugepaged.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

SLEEP_KNOB=$CG_KHUGEPAGED/scan_sleep_millisecs
# a failed check must not leave the holder running: every later switch
# (the harness's own cleanup too) would wait for it
trap 'rmmod cg_testmod 2>/dev/null || true' EXIT
thp_quiet
cg_load mode=guard

# said FILE: cgctl has said all of it, on stderr (FILE): that the switch is
# waiting, on what, and how to get through; nudged FILE: that it raised
# scan_sleep_millisecs
said() {
	grep -q 'to get through' "$1"
}

nudged() {
	grep -q 'raised khugepaged' "$1"
}

# 1. the grace period held by a task that never sleeps
insmod /opt/cg/cg_testmod.ko action=hold_rcu_tasks || fail "cannot start the holder"
cgctl mode off >off.out 2>off.err &
off=$!
wait_until 60 said off.err || fail "cgctl did not say it waits: $(cat off.err)"
kill -0 $off 2>/dev/null || {
	cat off.out off.err
	fail "the switch to off did not wait for the held grace period"
}
cat off.err
grep -q 'the switch to off is waiting: .*RCU-tasks grace period' off.err ||
	fail "cgctl waits without saying why"
grep -q 'running now:.*cg_hold (pid [0-9]*)' off.err ||
	fail "cgctl does not name the running tasks"
grep -q -- '--nudge-khugepaged' off.err || fail "cgctl offers no way through"
rmmod cg_testmod
wait_until 60 exited "$off" || fail "the switch did not complete once the holder stopped"
wait $off || fail "cgctl mode off failed: $(cat off.err)"
grep -q '^mode=off$' off.out || fail "cgctl printed $(cat off.out)"
[ "$(cg_mode)" = off ] || fail "mode $(cg_mode) after the switch"
grep -q 'the switch to off took' off.err || fail "cgctl did not say how long the switch took"

# 2. the nudge, held the same way: cgctl raises scan_sleep_millisecs from 0
# after its 2 s and restores it once the switch is through
khugepaged_fast
cg_set_mode guard
hold_off() {
	insmod /opt/cg/cg_testmod.ko action=hold_rcu_tasks || fail "cannot start the holder"
	cgctl mode off --nudge-khugepaged >nudge.out 2>nudge.err &
	off=$!
	wait_until 60 nudged nudge.err || fail "cgctl did not nudge khugepaged: $(cat nudge.err)"
	# still waiting (the usual case): the value is raised. A value other
	# than 1000 is right only if the grace period ended at the nudge and
	# cgctl has put it back: then cgctl exits at once (seen twice: the
	# switch took 2.3 s); a cgctl still waiting 10 s later read it wrong
	held=1
	value=$(cat "$SLEEP_KNOB")
	if [ "$value" != 1000 ]; then
		held=0
		wait_until 10 exited "$off" ||
			fail "scan_sleep_millisecs is $value while cgctl still waits, nudged: $(cat nudge.err)"
	fi
	grep -q 'raised khugepaged.s scan_sleep_millisecs from 0 to 1000 for the switch' nudge.err ||
		fail "cgctl did not say it raised scan_sleep_millisecs: $(cat nudge.err)"
}
hold_off
rmmod cg_testmod
wait $off || fail "cgctl mode off --nudge-khugepaged failed: $(cat nudge.err)"
cat nudge.err
assert_eq "$(cat "$SLEEP_KNOB")" 0 "scan_sleep_millisecs after the switch"
grep -q 'restored khugepaged.s scan_sleep_millisecs to 0' nudge.err ||
	fail "cgctl did not say it restored scan_sleep_millisecs"
[ "$(cg_mode)" = off ] || fail "mode $(cg_mode) after the nudged switch"

# 3. interrupted while it waits: scan_sleep_millisecs is restored, and the
# switch goes on in the kernel
cg_set_mode guard
hold_off
if [ "$held" -eq 0 ]; then
	echo "the grace period was not held past the nudge this time: no SIGINT case"
	rmmod cg_testmod
	wait $off || fail "cgctl mode off failed: $(cat nudge.err)"
	assert_eq "$(cat "$SLEEP_KNOB")" 0 "scan_sleep_millisecs after the switch"
else
	# the grace period may still end between the check and the signal:
	# then the switch is through and says so, and there is nothing to
	# interrupt
	kill -INT $off 2>/dev/null || true
	if wait $off; then
		grep -q 'the switch to off took' nudge.err ||
			fail "cgctl exited 0 on SIGINT: $(cat nudge.err)"
		held=0
	fi
	cat nudge.err
	assert_eq "$(cat "$SLEEP_KNOB")" 0 "scan_sleep_millisecs after SIGINT"
	[ "$held" -eq 0 ] || grep -q 'interrupted; scan_sleep_millisecs restored' nudge.err ||
		fail "cgctl did not say it restored scan_sleep_millisecs on SIGINT"
	rmmod cg_testmod
	wait_until 60 sh -c "grep -q '\\[off\\]' $CG_PARAM_MODE" || fail "the switch did not complete in the kernel"
fi

# 4. khugepaged at full speed with work (a collapse storm), nothing held:
# the switch completes; if it waited past 2 s, cgctl nudged khugepaged
cg_set_mode guard
start_storm
wait_storm storm.status "$storm" 2
t0=$(uptime_cs)
cgctl mode off --nudge-khugepaged >nudge.out 2>nudge.err || fail "cgctl mode off --nudge-khugepaged failed: $(cat nudge.err)"
t1=$(uptime_cs)
cat nudge.out nudge.err
stop_storm "$storm" storm.log
[ "$(cg_mode)" = off ] || fail "mode $(cg_mode) after the switch under the storm"
assert_eq "$(cat "$SLEEP_KNOB")" 0 "scan_sleep_millisecs after (restored)"
if [ $((t1 - t0)) -ge 250 ]; then
	grep -q 'raised khugepaged.s scan_sleep_millisecs from 0 to 1000' nudge.err ||
		fail "the switch waited $(((t1 - t0) / 100)) s but cgctl did not nudge khugepaged"
else
	echo "the switch took $(((t1 - t0) * 10)) ms: khugepaged let it through without a nudge"
fi
cg_unload
