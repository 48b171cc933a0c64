# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by the tests of tests/clients, after tests/lib.sh and
# tests/cases/helpers.sh: QEMU postcopy
# migrations in the guest, each run under a mode and judged against what
# that mode must give.
#
# On Debian's 6.1 kernel a test loads the module and runs each case in mode
# off (stock 6.1: the negative control must show the loss), observe (stock
# 6.1, seen: uffd_exposed moves) and guard (no loss, the veto counted). On
# another kernel (make clients runs the suite on the 6.12 oracle too) there
# is no module, and the kernel's own collapse must give what guard gives.

QP_QEMU=/usr/bin/qemu-system-x86_64
QP_BIOS=/opt/cg/bin/vmbios.bin
QP_TMP=/mnt/cg-clients
QP_WORK=/tmp/qp
QP_STATS=/tmp/qp.stats
# bandwidth (MiB/s) of the first try; each try for coverage halves it
QP_BANDWIDTH=${QP_BANDWIDTH:-4}
QP_TRIES=3

# upstream_kernel: true on a kernel that has the upstream fix (the oracle).
upstream_kernel() {
	case $(uname -r) in
	6.1.*) return 1 ;;
	*) return 0 ;;
	esac
}

# clients_modes: the modes a case runs in on this kernel.
clients_modes() {
	if upstream_kernel; then
		echo upstream
	else
		echo off observe guard
	fi
}

# clients_setup: QEMU present, the module loaded in guard (6.1), a tmpfs
# for the RAM files at $QP_TMP (clients_mount remounts it with huge=...).
clients_setup() {
	[ -x "$QP_QEMU" ] || fail "no $QP_QEMU in the guest image (qemu-system-x86 on the host?)"
	[ -f "$QP_BIOS" ] || fail "no $QP_BIOS in the guest image"
	if upstream_kernel; then
		! cg_loaded || fail "collapse_guard is loaded on $(uname -r)"
	else
		cg_load mode=guard
	fi
	clients_mount ""
}

qp_mounted() {
	grep -q " $QP_TMP " /proc/mounts
}

# clients_mount [OPTIONS]: (re)mount the RAM files' tmpfs.
clients_mount() {
	! qp_mounted || umount "$QP_TMP" || fail "cannot unmount $QP_TMP"
	mkdir -p "$QP_TMP"
	mount -t tmpfs -o "size=256m${1:+,$1}" cg-clients "$QP_TMP" ||
		fail "cannot mount a tmpfs at $QP_TMP with ${1:-no options}"
}

# qp_value KEY: KEY's value in the last run's report.
qp_value() {
	kv "$1" "$(printf '%s' "$QP_OUT" | tr '\n' ' ')"
}

# qp_counter NAME: the statistic's move during the last run ("-" without
# the module).
qp_counter() {
	if [ -f "$QP_STATS" ]; then
		cg_stat_delta "$QP_STATS" "$1"
	else
		echo -
	fi
}

# postcopy MODE BANDWIDTH ARGS...: one migration under MODE (off, observe,
# guard or upstream); sets QP_RC and QP_OUT and prints one summary line:
# status, pages checked and wrong, migration time, QEMU's downtime and the
# running VM's pause, and the counters moved.
postcopy() {
	_mode=$1 _bw=$2
	shift 2
	rm -rf "$QP_WORK" "$QP_STATS" "${QP_TMP:?}"/*
	mkdir -p "$QP_WORK"
	if [ "$_mode" != upstream ]; then
		cg_set_mode "$_mode"
		cg_stats_save "$QP_STATS"
	fi
	# observe: the uffd_exposed events, for their victim
	[ "$_mode" != observe ] || trace_start
	QP_RC=0
	QP_OUT=$(qemu_postcopy --qemu "$QP_QEMU" --bios "$QP_BIOS" \
		--workdir "$QP_WORK" --source-file "$QP_TMP/src-ram" \
		--bandwidth "$_bw" "$@" 2>"$QP_WORK/driver.err") || QP_RC=$?
	[ "$_mode" != observe ] || trace_stop
	echo "$_mode (bandwidth $_bw MiB/s, $*): exit $QP_RC," \
		"status $(qp_value status), $(qp_value pages) pages checked," \
		"$(qp_value wrong) wrong ($(qp_value zero) zero)," \
		"time $(qp_value time_ms) ms, downtime $(qp_value downtime_ms) ms," \
		"VM pause $(qp_value vm_pause_us) us," \
		"EEXIST logged $(qp_value eexist);" \
		"MADV_COLLAPSE $(qp_value collapse_attempts_in_postcopy) in postcopy" \
		"($(qp_value collapsed) ok, $(qp_value refused_ebusy) EBUSY)," \
		"khugepaged full scans in postcopy $(qp_value khugepaged_full_scans_in_postcopy);" \
		"guard_veto_uffd_missing +$(qp_counter guard_veto_uffd_missing)," \
		"uffd_exposed +$(qp_counter uffd_exposed), guard_calls +$(qp_counter guard_calls)"
	# 2: a setup step failed; 4: a QEMU never greeted (did not start)
	case $QP_RC in
	2 | 4)
		cat "$QP_WORK/driver.err" "$QP_WORK"/*.log
		fail "qemu_postcopy could not run the migration (exit $QP_RC)"
		;;
	esac
}

# qp_lost: the last migration lost data (pages wrong, or not completed).
qp_lost() {
	[ "$QP_RC" -eq 1 ]
}

# qp_reached VIA: the collapser reached the destination's RAM while it was
# in postcopy: MADV_COLLAPSE was called then, or khugepaged made two full
# scans (each visits the backend's mapping) in that window.
qp_reached() {
	case $1 in
	madvise) [ "$(qp_value collapse_attempts_in_postcopy)" -gt 0 ] ;;
	khugepaged) [ "$(qp_value khugepaged_full_scans_in_postcopy)" -ge 2 ] ;;
	*) true ;;
	esac
}

# expect_case MODE VIA ARGS...: run the migration under MODE with the
# collapser VIA (madvise, khugepaged, touch) and judge it:
#   off, observe  stock 6.1: the loss (the negative control); observe also
#                 counts it in uffd_exposed
#   guard         every page intact, the migration completed, the veto
#                 counted (khugepaged and MADV_COLLAPSE reached the holes)
#   upstream      every page intact
# touch is apart: a backend that reads the RAM through its own unregistered
# mapping fills holes without any collapse; userfaultfd reports only faults
# through the registered VMA, so every mode loses, and the module is not
# called. A run whose collapser did not reach the RAM in postcopy is tried
# again with half the bandwidth (a longer window), QP_TRIES times in all,
# then fails as COVERAGE, not as a correctness failure.
expect_case() {
	_m=$1 _via=$2 _try=1 _bw=$QP_BANDWIDTH
	shift 2
	while :; do
		postcopy "$_m" "$_bw" --collapse "$_via" "$@"
		if [ "$_via" = touch ] || qp_lost || qp_reached "$_via"; then
			break
		fi
		[ "$_try" -lt "$QP_TRIES" ] ||
			fail "COVERAGE: $_via never reached the destination's RAM in postcopy ($QP_TRIES tries, down to $_bw MiB/s)"
		_try=$((_try + 1))
		_bw=$(((_bw + 1) / 2))
		echo "  $_via did not reach the RAM in postcopy: again at $_bw MiB/s"
	done
	judge_case "$_m" "$_via"
}

# qp_fail MESSAGE: fail, with what the module counted during the run.
qp_fail() {
	if [ -f "$QP_STATS" ]; then
		echo "statistics moved during the run:"
		cgctl stats --diff "$QP_STATS" | awk '$2 != 0'
	fi
	cat "$QP_WORK/dst.log"
	fail "$*"
}

# every_mode VIA ARGS...: expect_case in each mode of this kernel.
every_mode() {
	for _each in $(clients_modes); do
		expect_case "$_each" "$@"
	done
}

# judge_doctor MODE: what cgctl doctor said during the migration (010 and
# 030 run it with --during): the destination QEMU and its RAM (the memfd,
# or the memory backend's file), in MODE's state.
judge_doctor() {
	_out=$QP_WORK/during.out
	[ -f "$_out" ] || return 0
	case $1 in
	off | observe) _state=EXPOSED ;;
	guard) _state=protected ;;
	*) _state="not affected" ;;
	esac
	grep -Eq "^     $_state: pid [0-9]+ \(qemu-system-x86\) .* (/memfd:|$QP_TMP/dst-ram)" "$_out" || {
		cat "$_out"
		fail "$1: cgctl doctor did not name the destination QEMU's RAM (memfd or file) as $_state"
	}
	echo "$1: cgctl doctor during the migration: $(grep "(qemu-system-x86)" "$_out" | head -n 1 | sed 's/^ *//')"
}

# judge_victim WHAT: (observe) an uffd_exposed event names the destination
# QEMU as the victim: the process whose registered mapping lost the events.
judge_victim() {
	_dst=$(qp_value dst_pid)
	trace_events uffd_exposed | grep -q "victim_pid=$_dst victim_comm=qemu-system-x86\$" || {
		trace_events uffd_exposed
		fail "$1: no uffd_exposed event names the destination QEMU (pid $_dst) as the victim"
	}
	echo "$1: uffd_exposed names the victim: $(trace_events uffd_exposed | grep -o 'victim_pid=[0-9]* victim_comm=.*' | head -n 1)"
}

judge_case() {
	_what="$1, $2"
	judge_doctor "$1"
	if [ "$2" = touch ]; then
		qp_lost || qp_fail "$_what: a backend's own faults filled holes, yet nothing was lost"
		[ "$(qp_counter guard_calls)" = - ] || assert_eq "$(qp_counter guard_calls)" 0 "$_what: guarded collapses"
		return 0
	fi
	case $1 in
	off | observe)
		qp_lost || qp_fail "$_what: stock 6.1 lost nothing (the negative control)"
		[ "$1" = off ] || {
			assert_gt "$(qp_counter uffd_exposed)" 0 "$_what: uffd_exposed"
			judge_victim "$_what"
		}
		;;
	guard)
		qp_lost && qp_fail "$_what: the guard lost data: $(qp_value wrong) pages wrong, status $(qp_value status)"
		assert_gt "$(qp_counter guard_veto_uffd_missing)" 0 "$_what: guard_veto_uffd_missing"
		;;
	upstream)
		qp_lost && qp_fail "$_what: upstream lost data: $(qp_value wrong) pages wrong, status $(qp_value status)"
		;;
	esac
	return 0
}

# broken_guard VIA ARGS...: (6.1) the same migration under the test build
# of the guard that never sees a MISSING registration
# (selftest=no_uffd_check): it must lose data, or the case could not tell a
# broken guard from a working one. The working module is loaded again.
broken_guard() {
	! upstream_kernel || return 0
	cg_unload
	cg_load_without no_uffd_check
	postcopy guard "$QP_BANDWIDTH" --collapse "$@"
	qp_lost || qp_fail "the guard without its MISSING check lost nothing: the case cannot tell"
	echo "  the guard without its MISSING check (selftest=no_uffd_check) lost data, as it must"
	cg_unload
	cg_load mode=guard
}

# clients_cleanup: unmount, unload (the harness restores the THP knobs).
clients_cleanup() {
	rm -rf "$QP_WORK" "$QP_STATS"
	! qp_mounted || umount "$QP_TMP"
	upstream_kernel || cg_unload
}
