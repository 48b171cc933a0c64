#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# The emulator runs kernel text that another vCPU patches: the stock
# function tracer is switched on and off collapse_file() (ftrace rewrites
# its call site, and the tracer flips jump labels in __schedule, through
# text_poke and a temporary int3) for 120 seconds, while collapse_storm
# (MADV_COLLAPSE on two threads) and khugepaged call collapse_file() on both
# vCPUs. No module is loaded: this checks the guest machine, not our code.
#
# Under QEMU 7.2's multi-threaded TCG both vCPUs went on executing an int3
# the kernel had already replaced, trapping forever (within 90 to 130
# switches in each of three boots); single-threaded TCG ran 550 switches
# clean. make check's guests run single-threaded (run-check.sh, tcg_thread).
# A hang is caught by the harness (the test's timeout, then the watchdog,
# which samples the vCPUs' registers); after every 10 switches the storm
# must complete a round, and it must end with every round verified.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

SECONDS_TO_RUN=120
T=/sys/kernel/tracing

uptime_s() {
	cut -d . -f 1 /proc/uptime
}

# tracer_cycle: one switch of the function tracer on collapse_file, on and off.
tracer_cycle() {
	echo collapse_file >"$T/set_ftrace_filter"
	echo function >"$T/current_tracer"
	echo nop >"$T/current_tracer"
}

[ -d "$T/events" ] || mount -t tracefs tracefs "$T"
grep -qx collapse_file "$T/available_filter_functions" ||
	fail "collapse_file is not traceable on this kernel"
start_storm
wait_storm storm.status "$storm" 1

end=$(($(uptime_s) + SECONDS_TO_RUN))
switches=0
while [ "$(uptime_s)" -lt "$end" ]; do
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		tracer_cycle
	done
	switches=$((switches + 10))
	wait_storm storm.status "$storm" 1
done
echo >"$T/set_ftrace_filter"
echo "$switches switches of the function tracer in $SECONDS_TO_RUN s," \
	"storm at $(storm_rounds storm.status) rounds"
stop_storm "$storm" storm.log
khugepaged_restore
