# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest-side driver of cg_stress (userspace/stress), for the one-minute run
# of make check (tests/cases/210-stress-everything.sh) and the long one of
# make stress (tests/stress/100-everything.sh). Source it after tests/lib.sh:
#   stress_setup                 memory cgroup, swap on zram, two tmpfs
#                                mounts (huge=advise), khugepaged at full
#                                speed, the wrong-veto trace, baselines
#   stress_run NAME ARGS...      cg_stress in the cgroup; its log NAME.log,
#                                its exit status in $STRESS_RC
#   stress_check NAME            leak checks and the final table; fails the
#                                test on a failed check of cg_stress, a wrong
#                                veto, a leak
#
# The wrong-veto trace: a userfaultfd veto (guard_veto, reason uffd_missing)
# is right only on the tmpfs that holds the MISSING files; the event's filter
# keeps every other one, streamed from trace_pipe (events recorded in the
# instant before an rmmod can be dropped with the module's events).
#
# Memory pressure: the cgroup's memory.high (CG_STRESS_MEMHIGH, default 24M)
# is below the 32 MiB of files, so its processes reclaim, to zram, on every
# return to userspace; memory.max (96M) is only a backstop. A memory.max
# below the files would make khugepaged, which charges the cgroup and never
# returns to userspace, reclaim for it for seconds on end in every collapse.

# shellcheck source=tests/harness/shared.sh
. /opt/cg/harness/shared.sh

STRESS_CG=/sys/fs/cgroup
STRESS_DATA=/tmp/cg-stress-data
STRESS_UFFD=/tmp/cg-stress-uffd

stress_cgroup() {
	grep -q " $STRESS_CG cgroup2 " /proc/mounts ||
		mount -t cgroup2 none $STRESS_CG || fail "cannot mount cgroup2"
	grep -qw memory $STRESS_CG/cgroup.controllers || fail "no memory controller"
	echo +memory >$STRESS_CG/cgroup.subtree_control ||
		fail "cannot enable the memory controller"
	mkdir -p $STRESS_CG/cg_stress
	echo "${CG_STRESS_MEMHIGH:-24M}" >$STRESS_CG/cg_stress/memory.high &&
		echo 96M >$STRESS_CG/cg_stress/memory.max ||
		fail "cannot set memory.high and memory.max"
}

# stress_kdev PATH: the kernel's dev_t (major << 20 | minor) of a mount.
stress_kdev() {
	_mm=$(awk -v m="$1" '$5 == m { print $3 }' /proc/self/mountinfo)
	[ -n "$_mm" ] || fail "$1 is not a mount point"
	echo $(((${_mm%%:*} << 20) | ${_mm#*:}))
}

# The filter and enable of the wrong-veto trace, as a script (the toggler
# runs it again after every insmod).
stress_veto_script() {
	_ev=$CG_TRACE/events/collapse_guard/guard_veto
	_dev=$(stress_kdev $STRESS_UFFD)
	cat >"$PWD/after-load.sh" <<EOF
echo 'reason == "uffd_missing" && dev != $_dev' >$_ev/filter &&
echo 1 >$_ev/enable
EOF
}

stress_setup() {
	stress_cgroup
	swap_on_zram 256
	mkdir -p $STRESS_DATA $STRESS_UFFD
	mount -t tmpfs -o huge=advise,size=64m tmpfs $STRESS_DATA &&
		mount -t tmpfs -o huge=advise,size=64m tmpfs $STRESS_UFFD ||
		fail "cannot mount the stress tmpfs"
	khugepaged_fast
	# full speed still (no sleep), in passes short enough for the toggler
	# to see khugepaged between them
	knob_set "$CG_KHUGEPAGED/pages_to_scan" 512
	shmem_thp advise
	stress_veto_script
	echo 0 >"$CG_TRACE/tracing_on"
	echo >"$CG_TRACE/set_event"
	echo 4096 >"$CG_TRACE/buffer_size_kb"
	echo >"$CG_TRACE/trace"
	echo 1 >"$CG_TRACE/tracing_on"
	cat "$CG_TRACE/trace_pipe" >vetoes.log &
	STRESS_PIPE=$!
	STRESS_SHMEM0=$(meminfo Shmem)
	STRESS_THP0=$(meminfo ShmemHugePages)
}

# stress_run NAME ARGS...: cg_stress in the cgroup (a subshell moves itself
# there first); its output in NAME.log, written by a cat outside the cgroup
# (a log on tmpfs written from inside would stay charged to it), the exit
# status as the log's last line and in STRESS_RC.
stress_run() {
	_name=$1
	shift
	if [ -d "$CG_DBG" ]; then
		sh "$PWD/after-load.sh" || fail "cannot set up the wrong-veto trace"
	fi
	echo "+ cg_stress $*"
	sh -c "echo \$\$ >$STRESS_CG/cg_stress/cgroup.procs || exit 2
		cg_stress --data-dir $STRESS_DATA --uffd-dir $STRESS_UFFD \
			--after-load 'sh $PWD/after-load.sh' $* 2>&1
		echo cg_stress_exit=\$?" | cat >"$_name.log"
	STRESS_RC=$(sed -n 's/^cg_stress_exit=//p' "$_name.log")
	[ -n "$STRESS_RC" ] || fail "cg_stress did not run: $(cat "$_name.log")"
}

# stress_expect_ok NAME: the run found nothing wrong and covered what it
# was asked to: exit 0; 3 is cg_stress's "not enough coverage" (no MISSING
# cycle under guard from start to end, or no reload, even after running
# on), said apart from a correctness failure (1).
stress_expect_ok() {
	case $STRESS_RC in
	0) ;;
	3) fail "not enough coverage, not a correctness failure: $(grep '^COVERAGE:' "$1.log")" ;;
	*) fail "cg_stress found a failure (exit status $STRESS_RC)" ;;
	esac
}

# stress_value NAME COUNTER: a counter of cg_stress's table.
stress_value() {
	awk -v k="$2" '$1 == k { print $2 }' "$1.log"
}

stress_memcg() {
	sed -n "s/^$1 //p" $STRESS_CG/cg_stress/memory.stat
}

stress_memcg_empty() {
	grep -qx 'shmem 0' $STRESS_CG/cg_stress/memory.stat
}

# stress_check NAME: leaks and the log, then the table.
stress_check() {
	# stop recording; what trace_pipe has not consumed yet is in trace
	echo 0 >"$CG_TRACE/tracing_on"
	kill "$STRESS_PIPE" 2>/dev/null
	wait "$STRESS_PIPE" 2>/dev/null || true
	grep guard_veto "$CG_TRACE/trace" >>vetoes.log || true
	_wrong=$(grep -c 'guard_veto' vetoes.log) || true
	wait_until 20 stress_memcg_empty || true
	dmesg >klog.txt
	_klog=$(cg_klog_problems klog.txt | wc -l)
	cat "$1.log"
	echo "-- after the run (this script)"
	printf '   %-32s %12s\n' wrong_uffd_vetoes "$_wrong" \
		memcg_shmem_bytes "$(stress_memcg shmem)" \
		memcg_shmem_thp_bytes "$(stress_memcg shmem_thp)" \
		shmem_kb_delta $(($(meminfo Shmem) - STRESS_SHMEM0)) \
		shmem_huge_kb_delta $(($(meminfo ShmemHugePages) - STRESS_THP0)) \
		swap_used_kb $(($(meminfo SwapTotal) - $(meminfo SwapFree))) \
		kernel_log_findings "$_klog"
	[ "$_wrong" -eq 0 ] || { head -20 vetoes.log; fail "$_wrong userfaultfd veto(es) on files no userfaultfd maps"; }
	# Memory left is a leak: huge pages charged, or the machine's Shmem
	# grown (below). The cgroup's "shmem" statistic alone is not memory:
	# a collapse whose huge page is charged elsewhere moves it
	# (4188b2592ff6), and the stock kernel of the off and observe
	# windows does not carry that fix; seen after it too (2026-12-03:
	# 1921024 bytes, the machine's Shmem +16 kB). Reported, not failed.
	_drift=$(stress_memcg shmem)
	[ "$_drift" -eq 0 ] ||
		echo "note: the cgroup's shmem statistic ends at $_drift bytes (statistics drift, not memory: the machine's Shmem is checked below)"
	assert_eq "$(stress_memcg shmem_thp)" 0 "huge shmem bytes left charged"
	[ $(($(meminfo ShmemHugePages) - STRESS_THP0)) -le 0 ] ||
		fail "ShmemHugePages grew: huge pages leaked"
	[ $(($(meminfo Shmem) - STRESS_SHMEM0)) -lt 1024 ] ||
		fail "Shmem grew by $(($(meminfo Shmem) - STRESS_SHMEM0)) kB: pages leaked"
	[ "$_klog" -eq 0 ] || fail "kernel log: $(cg_klog_problems klog.txt | head -3)"
}

stress_teardown() {
	umount $STRESS_DATA $STRESS_UFFD 2>/dev/null
	rmdir $STRESS_CG/cg_stress 2>/dev/null
	return 0
}
