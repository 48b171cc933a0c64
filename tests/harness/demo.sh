#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Guest side of "make demo" (run by run-demo.sh as the only test): load
# collapse_guard (mode from cg.demo_mode= on the kernel command line, default
# guard), show the mode, run a shmem and an anonymous collapse, show the
# statistics (nonzero ones marked with *); then the observability: the
# exposure detector in mode observe (counter and uffd_exposed trace event),
# cgctl doctor with a process holding a MISSING registration, the guard's
# trace events for the same collapse, and the latency histograms.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

MISSING=

section() {
	echo
	echo "== $*"
}

# have PROGRAM: true if PROGRAM is in the guest, else say so (once).
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	case " $MISSING " in
	*" $1 "*) ;;
	*)
		echo "demo: '$1' is missing from /opt/cg/bin (build the userspace tools: make userspace)" >&2
		MISSING="$MISSING $1" ;;
	esac
	return 1
}

demo_mode() {
	_m=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^cg\.demo_mode=//p')
	echo "${_m:-guard}"
}

show_mode() {
	section "mode"
	if have cgctl; then
		cgctl mode
	else
		cat "$CG_DBG/mode"
	fi
}

# collapse KIND TITLE: one MADV_COLLAPSE workload of cg_collapse.
collapse() {
	section "$3"
	have cg_collapse || return 0
	cg_collapse "$1" --fill "$2" ||
		echo "demo: cg_collapse $1 exited with status $?"
}

# The bug and the fix, side by side: a memfd mapped twice, one mapping
# registered MISSING with userfaultfd, MADV_COLLAPSE through the other.
reproduce() {
	section "$3"
	have uffd_collapse_repro || return 0
	cg_set_mode "$1"
	uffd_collapse_repro --expect "$2" ||
		echo "demo: uffd_collapse_repro --expect $2 exited with status $?"
}

show_stats() {
	section "statistics (* = nonzero)"
	if have cgctl; then
		cgctl stats >stats.txt
	else
		cat "$CG_DBG/stats" >stats.txt
	fi
	awk '{ printf "%s %-28s %s\n", ($2 != 0 ? "*" : " "), $1, $2 }' stats.txt
}

# show_events: the module's trace events recorded since trace_start.
show_events() {
	echo "-- trace events (events/collapse_guard in tracefs):"
	grep 'collapse_guard\|guard_\|uffd_exposed\|stock_collapse' "$CG_TRACE/trace" |
		grep -v '^#' | sed 's/^ *//'
}

# The exposure detector: mode observe runs the stock code, which loses the
# event, and says so.
exposure() {
	reproduce observe lost "mode observe: the stock collapse loses the event, and the detector sees it"
	have cgctl && echo "uffd_exposed=$(cgctl stats --get uffd_exposed)"
	show_events
}

# cgctl doctor while a process holds a MISSING registration on a memfd.
doctor() {
	section "cgctl doctor, mode $1, with a VMM-like process holding a MISSING registration"
	if ! have cgctl || ! have uffd_hold; then
		return 0
	fi
	cg_set_mode "$1"
	cgctl doctor || echo "(cgctl doctor exit status $?)"
}

main_observability() {
	_holder=
	if have uffd_hold; then
		uffd_hold --mode missing >hold.out &
		_holder=$!
		wait_until 10 grep -q '^ready' hold.out || echo "demo: uffd_hold did not start"
	fi
	trace_start
	exposure
	doctor observe
	trace_stop
	trace_start
	reproduce guard guarded "mode guard: the same collapse is vetoed before any work"
	show_events
	trace_stop
	doctor guard
	[ -z "$_holder" ] || kill "$_holder"
	section "latency histograms (cgctl hist)"
	have cgctl && cgctl hist
}

main() {
	_mode=$(demo_mode)
	section "kernel $(uname -r): insmod collapse_guard mode=$_mode"
	cg_load mode="$_mode"
	show_mode
	collapse shmem full "shmem: MADV_COLLAPSE of a fully populated 2 MiB memfd range"
	collapse shmem partial "shmem: MADV_COLLAPSE of a half-populated range (256 holes)"
	collapse anon full "anonymous: MADV_COLLAPSE of a fully populated 2 MiB range"
	reproduce off lost "userfaultfd, stock 6.1 (mode off): the missing-page event is lost"
	reproduce guard guarded "userfaultfd, mode guard: collapse refused, event delivered"
	main_observability
	cg_set_mode "$_mode"
	show_stats
	cg_unload
	[ -z "$MISSING" ] || fail "the demo needs:$MISSING"
}

main
