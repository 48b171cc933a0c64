# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest-side helpers for collapse_guard tests (busybox sh). A test sources it:
#   . /opt/cg/tests/lib.sh
# and is best written with "set -eu". The harness runs each test as root in a
# fresh directory under /tmp (also $HOME), with CG_KO (the module), CG_KRELEASE
# (the kernel release the host expects), CG_TEST_NAME and /opt/cg/bin first
# in PATH; stdin is /dev/null. A "# timeout: N" line among the first 20 sets
# the time limit (default 180 s). After the test it unloads the module,
# restores the THP/khugepaged knobs and releases swap whatever the test did.
#
# fail and skip print to stderr (the test log has both streams) so that their
# message is not lost inside $(...); there they end only the subshell, which
# "set -e" then turns into the end of the test.

CG_KO=${CG_KO:-/opt/cg/collapse_guard.ko}
CG_DBG=/sys/kernel/debug/collapse_guard
CG_PARAM_MODE=/sys/module/collapse_guard/parameters/mode
CG_THP=/sys/kernel/mm/transparent_hugepage
CG_KHUGEPAGED=$CG_THP/khugepaged
CG_SAVED_KNOBS=/tmp/.cg-khugepaged-saved

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# ---- the module ----------------------------------------------------------

cg_loaded() {
	grep -q '^collapse_guard ' /proc/modules
}

# cg_load [param=value...]: insmod the module under test.
cg_load() {
	[ -f "$CG_KO" ] || fail "module $CG_KO is not in the guest image"
	! cg_loaded || fail "collapse_guard is already loaded"
	insmod "$CG_KO" "$@" || fail "insmod $CG_KO $* failed"
}

# cg_unload: switch to off (in observe and guard the module pins itself:
# rmmod alone fails with EBUSY), through the parameter, which works also
# without debugfs and under lockdown, then rmmod.
cg_unload() {
	echo off >"$CG_PARAM_MODE" || fail "cannot set mode off before rmmod"
	rmmod collapse_guard || fail "rmmod collapse_guard failed"
}

# cg_mode: the active mode, the bracketed word of $CG_DBG/mode.
cg_mode() {
	_m=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "$CG_DBG/mode") ||
		fail "cannot read $CG_DBG/mode"
	[ -n "$_m" ] || fail "no active mode in $CG_DBG/mode"
	echo "$_m"
}

# cg_set_mode MODE: switch, and check that the mode file shows it.
cg_set_mode() {
	echo "$1" >"$CG_DBG/mode" || fail "cannot set mode $1"
	[ "$(cg_mode)" = "$1" ] || fail "mode is $(cg_mode) after setting $1"
}

# ---- statistics ----------------------------------------------------------

# Every statistic is read through cgctl: the one parser of the stats format
# (userspace/lib/cgu_stats.c) for the CLI and the tests.

# stat_in FILE NAME: the value of NAME in a saved stats file (false if absent).
stat_in() {
	cgctl stats --file "$1" --get "$2" 2>/dev/null
}

cg_stat() {
	cgctl stats --get "$1" || fail "no statistic $1 in $CG_DBG/stats"
}

# cg_state NAME: one of the module's states (debugfs "state": mode,
# redirect_live, <path>_available).
cg_state() {
	awk -v n="$1" '$1 == n { print $2; found = 1 } END { exit !found }' "$CG_DBG/state" ||
		fail "no state $1 in $CG_DBG/state"
}

cg_stats_save() {
	cgctl stats --save "$1" || fail "cannot save $CG_DBG/stats to $1"
}

# cg_stat_delta FILE NAME: current value of NAME minus the one saved in FILE.
cg_stat_delta() {
	cgctl stats --diff "$1" --get "$2" || fail "no statistic $2 in $1 or $CG_DBG/stats"
}

# ---- histograms and fault injection --------------------------------------

# hist_field NAME FIELD: count, sum or max of a histogram in debugfs "hist".
hist_field() {
	awk -v n="$1:" -v f="$2" '$1 == n {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] }
	}' "$CG_DBG/hist"
}

# inject_value POINT, inject_fired POINT: an injection point's armed value,
# and how many times it fired (debugfs "inject").
inject_value() {
	awk -v n="$1" '$1 == n { print $2 }' "$CG_DBG/inject"
}

inject_fired() {
	awk -v n="$1" '$1 == n { sub("fired=", "", $3); print $3 }' "$CG_DBG/inject"
}

# ---- trace events --------------------------------------------------------

CG_TRACE=/sys/kernel/tracing

# trace_start: an empty trace buffer recording the module's events only.
trace_start() {
	[ -d "$CG_TRACE/events/collapse_guard" ] ||
		fail "no events/collapse_guard in $CG_TRACE (module loaded? tracefs?)"
	echo 0 >"$CG_TRACE/tracing_on"
	echo >"$CG_TRACE/set_event"
	echo 4096 >"$CG_TRACE/buffer_size_kb"
	echo >"$CG_TRACE/trace"
	echo 1 >"$CG_TRACE/events/collapse_guard/enable"
	echo 1 >"$CG_TRACE/tracing_on"
}

trace_stop() {
	echo 0 >"$CG_TRACE/tracing_on"
	echo 0 >"$CG_TRACE/events/collapse_guard/enable"
}

# trace_events EVENT: the recorded EVENT lines, fields from "dev=" on.
trace_events() {
	sed -n "s/.* $1: //p" "$CG_TRACE/trace"
}

# field NAME LINE: the value of NAME=... in an event line.
field() {
	kv "$1" "$2"
}

# ---- assertions ----------------------------------------------------------

is_integer() {
	case $1 in
	'' | - | *[!0-9-]* | ?*-*) return 1 ;;
	esac
	return 0
}

# integers A B MSG: fail with MSG unless A and B are integers.
integers() {
	is_integer "$1" && is_integer "$2" && return 0
	fail "$3 (not integers: '$1' '$2')"
}

assert_eq() {
	integers "$@"
	[ "$1" -eq "$2" ] || fail "$3 (expected $1 == $2)"
}

assert_ne() {
	integers "$@"
	[ "$1" -ne "$2" ] || fail "$3 (expected $1 != $2)"
}

assert_gt() {
	integers "$@"
	[ "$1" -gt "$2" ] || fail "$3 (expected $1 > $2)"
}

assert_ge() {
	integers "$@"
	[ "$1" -ge "$2" ] || fail "$3 (expected $1 >= $2)"
}

# ---- waiting -------------------------------------------------------------

# uptime_cs: uptime in centiseconds.
uptime_cs() {
	read -r _up _ </proc/uptime
	_cs=${_up%.*}${_up#*.}
	_cs=${_cs#"${_cs%%[!0]*}"}
	echo "${_cs:-0}"
}

# wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds (return
# 0); return 1 once TIMEOUT_S seconds have passed.
wait_until() {
	_deadline=$(($(uptime_cs) + $1 * 100))
	shift
	while ! "$@"; do
		[ "$(uptime_cs)" -lt "$_deadline" ] || return 1
		sleep 0.1
	done
	return 0
}

# exited PID: the process has ended, reaped or not. "kill -0" is no test of
# that: it succeeds on a zombie, which a background job of this shell stays
# until the shell reaps it (192 once read a finished cgctl as still waiting).
exited() {
	[ ! -e "/proc/$1" ] && return 0
	_state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -z "$_state" ] || [ "$_state" = Z ]
}

# ---- THP and khugepaged knobs --------------------------------------------

# knob_get FILE: the active value ("always [madvise] never" -> madvise).
knob_get() {
	_v=$(cat "$1") || fail "cannot read $1"
	case $_v in
	*\[*\]*) _v=${_v#*\[}; _v=${_v%%\]*} ;;
	esac
	echo "$_v"
}

knob_set() {
	echo "$2" >"$1" || fail "cannot write $2 to $1"
}

# khugepaged_fast: save the knobs, then make khugepaged scan without pause.
khugepaged_fast() {
	[ -f "$CG_SAVED_KNOBS" ] || {
		for _k in "$CG_THP/enabled" "$CG_KHUGEPAGED/scan_sleep_millisecs" \
			"$CG_KHUGEPAGED/alloc_sleep_millisecs" \
			"$CG_KHUGEPAGED/pages_to_scan"; do
			echo "$_k $(knob_get "$_k")"
		done >"$CG_SAVED_KNOBS"
	}
	knob_set "$CG_THP/enabled" always
	knob_set "$CG_KHUGEPAGED/pages_to_scan" 4096
	knob_set "$CG_KHUGEPAGED/alloc_sleep_millisecs" 0
	knob_set "$CG_KHUGEPAGED/scan_sleep_millisecs" 0
}

# khugepaged_restore: the values saved by khugepaged_fast.
khugepaged_restore() {
	[ -f "$CG_SAVED_KNOBS" ] || return 0
	while read -r _k _v; do
		knob_set "$_k" "$_v"
	done <"$CG_SAVED_KNOBS"
	rm -f "$CG_SAVED_KNOBS"
}

# shmem_thp MODE: set shmem_enabled (always within_size advise never deny
# force); the harness restores it after the test.
shmem_thp() {
	knob_set "$CG_THP/shmem_enabled" "$1"
	[ "$(knob_get "$CG_THP/shmem_enabled")" = "$1" ] ||
		fail "shmem_enabled did not switch to $1"
}

# meminfo FIELD: the value (kB) of FIELD in /proc/meminfo.
meminfo() {
	awk -v f="$1:" '$1 == f { print $2; found = 1; exit }
		END { exit !found }' /proc/meminfo ||
		fail "no field $1 in /proc/meminfo"
}

# ---- memory cgroups (v2) --------------------------------------------------

CG_CGROOT=/sys/fs/cgroup

# memcg_enable CGROUP...: cgroup2 mounted, the memory controller on for the
# root's children, and each CGROUP created under it (removed by memcg_remove);
# skips the test where the kernel has no cgroup2 or memory controller.
memcg_enable() {
	grep -q " $CG_CGROOT cgroup2 " /proc/mounts ||
		mount -t cgroup2 none "$CG_CGROOT" || skip "no cgroup2"
	grep -qw memory "$CG_CGROOT/cgroup.controllers" || skip "no memory controller"
	echo +memory >"$CG_CGROOT/cgroup.subtree_control"
	for _cg in "$@"; do
		mkdir -p "$CG_CGROOT/$_cg" || fail "cannot create cgroup $_cg"
	done
}

# memcg_remove CGROUP...: remove the (empty) cgroups.
memcg_remove() {
	for _cg in "$@"; do
		rmdir "$CG_CGROOT/$_cg" 2>/dev/null || true
	done
}

# memcg_stat CGROUP NAME: the NAME entry of CGROUP's memory.stat (bytes).
memcg_stat() {
	sed -n "s/^$2 //p" "$CG_CGROOT/$1/memory.stat"
}

# in_memcg CGROUP CMD...: run CMD in CGROUP (a shell moves itself there, then
# execs CMD).
in_memcg() {
	_cgdir=$CG_CGROOT/$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$_cgdir" "$@"
}

memcg_stat_is() {
	[ "$(memcg_stat "$1" "$2")" = "$3" ]
}

# memcg_expect CGROUP NAME BYTES: NAME in CGROUP's memory.stat reaches BYTES
# within 10 s (6.1 flushes memcg statistics at most every 2 s).
memcg_expect() {
	wait_until 10 memcg_stat_is "$@" ||
		fail "memory.stat of $1: $2 is $(memcg_stat "$1" "$2"), expected $3"
}

# vmstat NAME: a /proc/vmstat counter.
vmstat() {
	awk -v f="$1" '$1 == f { print $2; found = 1; exit }
		END { exit !found }' /proc/vmstat || fail "no $1 in /proc/vmstat"
}

# Cross-cgroup collapse (4188b2592ff6): a file's pages charged to one memory
# cgroup, collapsed from another. The 2 MiB range keeps one hole (its last
# page), so the collapse fills a hole too.
CG_CROSS_PAGES=511

# memcg_cross_populate CGROUP FILE: FILE (on a tmpfs) 2 MiB long, its first
# CG_CROSS_PAGES pages written from CGROUP.
memcg_cross_populate() {
	in_memcg "$1" dd if=/dev/urandom of="$2" bs=4096 count="$CG_CROSS_PAGES" 2>/dev/null ||
		fail "cannot write $2 from cgroup $1"
	truncate -s 2M "$2" || fail "cannot extend $2"
	memcg_expect "$1" shmem $((CG_CROSS_PAGES * 4096))
}

# memcg_cross_collapse CGROUP FILE VIA: collapse FILE's range from CGROUP
# (collapse_path --via madvise|khugepaged): the huge page is charged there.
memcg_cross_collapse() {
	run in_memcg "$1" collapse_path --via "$3" --timeout 120 "$2"
}

# The tmpfs of the cross-cgroup checks (huge=advise: khugepaged takes
# MADV_HUGEPAGE ranges of it).
CG_CROSS_DIR=/tmp/cg-cross

# memcg_cross_mount: mount it (unmounted by memcg_cross_umount).
memcg_cross_mount() {
	mkdir -p "$CG_CROSS_DIR"
	mount -t tmpfs -o size=64M,huge=advise none "$CG_CROSS_DIR" ||
		fail "cannot mount a tmpfs on $CG_CROSS_DIR"
}

memcg_cross_umount() {
	umount "$CG_CROSS_DIR" 2>/dev/null || true
}

# cg_vmstat_back NAME BASE: NAME is back at BASE, within 64 pages of noise
cg_vmstat_back() {
	_d=$(($(vmstat "$1") - $2))
	[ "${_d#-}" -le 64 ] || fail "$1 moved by $_d pages over populate, collapse, delete"
}

# memcg_cross_check VIA EXPECT A B: populate from cgroup A, collapse from B (through
# VIA), delete; EXPECT is fixed (the guard) or drift (stock). Each call has
# its own pair of cgroups: a drift stays with its cgroup.
memcg_cross_check() {
	_f=$CG_CROSS_DIR/f.$1
	_shmem0=$(vmstat nr_shmem)
	_file0=$(vmstat nr_file_pages)
	memcg_cross_populate "$3" "$_f"
	memcg_cross_collapse "$4" "$_f" "$1"
	echo "collapsed: $3: shmem $(memcg_stat "$3" shmem), $4: shmem $(memcg_stat "$4" shmem)"
	if [ "$2" = fixed ]; then
		for _s in shmem file shmem_thp; do
			memcg_expect "$3" $_s 0
		done
		for _s in shmem file shmem_thp; do
			memcg_expect "$4" $_s 2097152
		done
	else
		memcg_expect "$3" shmem $((CG_CROSS_PAGES * 4096))
		memcg_expect "$4" shmem 4096
	fi
	rm "$_f"
	if [ "$2" = fixed ]; then
		for _s in shmem file shmem_thp; do
			memcg_expect "$3" $_s 0
			memcg_expect "$4" $_s 0
		done
	else
		# the drift: A is charged for pages that no longer exist
		memcg_expect "$3" shmem $((CG_CROSS_PAGES * 4096))
		memcg_expect "$3" file $((CG_CROSS_PAGES * 4096))
	fi
	cg_vmstat_back nr_shmem "$_shmem0"
	cg_vmstat_back nr_file_pages "$_file0"
}

# ---- benchmarks ------------------------------------------------------------

# bench_resolved SAMPLES A B PCT: true when the paired interval of B/A lies
# within PCT percent (collapse_bench resolved, its verdict appended to
# resolve.log), false when not yet; any other outcome fails the test.
bench_resolved() {
	_rc=0
	collapse_bench resolved "$1" "$2" "$3" --paired --within "$4" >>resolve.log || _rc=$?
	case $_rc in
	0) return 0 ;;
	1) return 1 ;;
	esac
	fail "collapse_bench resolved $2 $3 failed (exit $_rc)"
}

# bench_print_samples SAMPLES: the raw samples between BENCH SAMPLES
# markers (bench-table.sh saves them beside the table).
bench_print_samples() {
	echo "BENCH SAMPLES BEGIN"
	cat "$1"
	echo "BENCH SAMPLES END"
}

# ---- swap on zram --------------------------------------------------------

# swap_on_zram SIZE_MB: /dev/zram0 as swap; fails the test if impossible
# (a missing zram or a failing mkswap must not turn the swap tests into
# skips).
swap_on_zram() {
	# the default compressor, where it is a module (the crypto API's own
	# request for it needs modules.alias, which the guest does not have)
	grep -q 'lzo-rle' /proc/crypto || modprobe lzo-rle 2>/dev/null || true
	[ -e /sys/block/zram0 ] || modprobe zram num_devices=1 ||
		fail "no zram in this kernel (modprobe zram failed)"
	wait_until 5 test -b /dev/zram0 || fail "/dev/zram0 did not appear"
	echo 1 >/sys/block/zram0/reset 2>/dev/null
	echo "${1}M" >/sys/block/zram0/disksize ||
		fail "cannot size /dev/zram0 to ${1} MiB"
	mkswap /dev/zram0 >/dev/null || fail "mkswap /dev/zram0 failed"
	swapon /dev/zram0 || fail "swapon /dev/zram0 failed"
}

swap_off_zram() {
	swapoff /dev/zram0 || fail "swapoff /dev/zram0 failed"
	echo 1 >/sys/block/zram0/reset || fail "cannot reset /dev/zram0"
}

# ---- workload helpers shared by every suite

# kv KEY TEXT: the value of the last "KEY=value" word in TEXT.
kv() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n 1
}

# run CMD...: show CMD and its output (stdout and stderr), keep the output in
# OUT, and fail the test if CMD exits non-zero.
run() {
	echo "+ $*"
	_rc=0
	OUT=$("$@" 2>&1) || _rc=$?
	printf '%s\n' "$OUT"
	[ "$_rc" -eq 0 ] || fail "$1 exited with status $_rc"
}

# put FILE N: a background loop's count, replaced whole (a reader never sees
# it empty); count FILE: that count, 0 before the first put.
put() {
	echo "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}

count() {
	cat "$1" 2>/dev/null || echo 0
}

# storm_rounds STATUS_FILE: rounds collapse_storm has completed (0 before
# its first status write).
storm_rounds() {
	_r=$(sed -n 's/^rounds=//p' "$1" 2>/dev/null)
	echo "${_r:-0}"
}

# storm_progressed STATUS_FILE MIN: true once the storm completed MIN rounds.
storm_progressed() {
	[ "$(storm_rounds "$1")" -ge "$2" ]
}

# wait_storm STATUS_FILE PID N: wait (deadline 120 s) until the storm has
# completed N more rounds, failing if it died or stalled.
wait_storm() {
	_target=$(($(storm_rounds "$1") + $3))
	wait_until 120 storm_progressed "$1" "$_target" || {
		[ ! -f storm.log ] || tail -n 5 storm.log >&2
		fail "collapse_storm made no progress (rounds $(storm_rounds "$1"), wanted $_target)"
	}
	kill -0 "$2" 2>/dev/null || fail "collapse_storm (pid $2) is gone"
}

# stop_storm PID LOG: SIGTERM the storm, wait for it, and require a clean
# exit with every round verified.
stop_storm() {
	kill -TERM "$1" 2>/dev/null || fail "collapse_storm (pid $1) died early: $(cat "$2")"
	_rc=0
	wait "$1" || _rc=$?
	cat "$2"
	assert_eq "$_rc" 0 "collapse_storm exit status"
	grep -q 'result=ok' "$2" || fail "collapse_storm did not report result=ok"
}
