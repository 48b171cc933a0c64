# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the test cases of this suite (not a test: the harness runs
# only NNN-name.sh). Sourced after /opt/cg/tests/lib.sh:
#   . "$(dirname "$0")/helpers.sh"

# run_status STATUS CMD...: like run, but CMD must exit with STATUS.
run_status() {
	_want=$1
	shift
	echo "+ $* (expecting exit status $_want)"
	_rc=0
	OUT=$("$@" 2>&1) || _rc=$?
	printf '%s\n' "$OUT"
	[ "$_rc" -eq "$_want" ] || fail "$1 exited with status $_rc, expected $_want"
}

# refuse_write FILE BYTES: one write(2) of BYTES (printf format) to FILE must
# fail with EINVAL (dd reports the errno).
refuse_write() {
	# shellcheck disable=SC2059 # the bytes to write are the format
	if printf "$2" | dd of="$1" bs=64 conv=notrunc 2>err; then
		fail "writing '$2' to $1 succeeded"
	fi
	grep -q 'Invalid argument' err || fail "writing '$2' to $1 failed, but not with EINVAL: $(cat err)"
}

# fail_with_deltas SAVED MSG: show every statistic that moved since SAVED,
# then fail with MSG.
fail_with_deltas() {
	echo "statistics that moved:"
	cgctl stats --diff "$1" --nonzero || true
	fail "$2"
}

# expect_deltas SAVED NAME=DELTA...: each statistic moved by exactly DELTA
# since the stats were saved to SAVED.
expect_deltas() {
	_saved=$1
	shift
	for _nd in "$@"; do
		_d=$(cg_stat_delta "$_saved" "${_nd%%=*}")
		[ "$_d" -eq "${_nd#*=}" ] ||
			fail_with_deltas "$_saved" "statistic ${_nd%%=*} moved by $_d, expected ${_nd#*=}"
	done
}

# delta_reached SAVED NAME MIN: the statistic moved by at least MIN.
delta_reached() {
	[ "$(cg_stat_delta "$1" "$2")" -ge "$3" ]
}

# wait_delta SAVED NAME MIN TIMEOUT_S: wait until the statistic has moved by
# at least MIN since SAVED (the collapsing task counts after the collapse
# became visible), failing after TIMEOUT_S seconds.
wait_delta() {
	wait_until "$4" delta_reached "$1" "$2" "$3" ||
		fail_with_deltas "$1" "statistic $2 did not move by $3 within $4 s"
}

# expect_delta_ge SAVED NAME MIN: the statistic moved by at least MIN.
expect_delta_ge() {
	_d=$(cg_stat_delta "$1" "$2")
	[ "$_d" -ge "$3" ] ||
		fail_with_deltas "$1" "statistic $2 moved by $_d, expected at least $3"
}

# start_storm: khugepaged fast, shmem THP on madvise, and a 2-thread
# collapse_storm in the background (pid in $storm, progress in storm.status).
start_storm() {
	khugepaged_fast
	shmem_thp advise
	collapse_storm --seconds 0 --threads 2 --status storm.status >storm.log 2>&1 &
	storm=$!
}

# stat_above NAME N: the statistic NAME is above N now.
stat_above() {
	[ "$(cg_stat "$1")" -gt "$2" ]
}

# show_deltas SAVED: print the statistics that moved since SAVED.
show_deltas() {
	echo "statistics that moved:"
	cgctl stats --diff "$1" --nonzero || fail "cgctl stats --diff $1 failed"
}

# expect_no_deltas SAVED: no statistic moved since SAVED.
expect_no_deltas() {
	_moved=$(cgctl stats --diff "$1" --nonzero) || fail "cgctl stats --diff $1 failed"
	[ -z "$_moved" ] || fail "statistics moved although nothing should count: $_moved"
}

# thp_quiet: keep khugepaged from collapsing anything on its own (it stops
# when both knobs are "never"); MADV_COLLAPSE ignores these knobs. The
# harness restores them after the test.
thp_quiet() {
	knob_set "$CG_THP/enabled" never
	shmem_thp never
}

# cg_load_without FIX [param=value...]: the test build of the module, in mode
# guard, without one fix it carries (selftest=FIX, module/selftest.c): the
# negative control of the test that shows the fix.
cg_load_without() {
	_ko=/opt/cg/collapse_guard_selftest.ko
	[ -f "$_ko" ] || fail "the test build $_ko is not in the guest image"
	! cg_loaded || fail "collapse_guard is already loaded"
	_fix=$1
	shift
	insmod "$_ko" mode=guard selftest="$_fix" "$@" || fail "insmod $_ko selftest=$_fix failed"
}

# run_guarded_race PROG [ARGS...]: runs a race program against the guard
# (quiet khugepaged, statistics saved in "s", output in OUT), then asserts
# that the guarded collapse_file ran, for every collapse_file call, and shows
# how the collapses ended.  The module stays loaded for further checks.
run_guarded_race() {
	thp_quiet
	cg_load mode=guard
	cg_stats_save s
	run "$@"
	expect_delta_ge s guard_calls 1
	assert_eq "$(cg_stat_delta s guard_calls)" "$(cg_stat_delta s file_calls)" \
		"guard_calls vs file_calls"
	for _n in guard_committed guard_veto_uffd_missing guard_veto_page_filled \
		guard_rollbacks guard_store_failed; do
		printf '%s +%s ' "$_n" "$(cg_stat_delta s "$_n")"
	done
	echo
}

# expect_refused_load REASON KO [PARAM...]: insmod KO PARAM... fails, every
# line it logs is REASON (at least one: busybox insmod tries finit_module,
# then init_module), and it leaves nothing loaded, no debugfs directory.
expect_refused_load() {
	_reason=$1
	shift
	_n=$(dmesg | grep -c "$_reason" || true)
	_all=$(dmesg | grep -c 'collapse_guard' || true)
	if insmod "$@" 2>err; then
		cg_unload
		fail "insmod $* succeeded"
	fi
	_lines=$(($(dmesg | grep -c "$_reason" || true) - _n))
	assert_ge "$_lines" 1 "lines saying '$_reason'"
	assert_eq "$(dmesg | grep -c 'collapse_guard' || true)" $((_all + _lines)) \
		"log lines of the refused load (other than its reason)"
	! cg_loaded || fail "collapse_guard loaded after insmod $*"
	[ ! -e "$CG_DBG" ] || fail "$CG_DBG left behind by insmod $*"
}
