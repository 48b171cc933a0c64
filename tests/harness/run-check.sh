#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one test suite in a QEMU guest booting Debian's 6.1 kernel with a
# busybox initramfs, and report it as TAP:
#   tests/harness/run-check.sh [--suite cases|stress|oracle|clients|emulator|bench|oneway-NAME]
#   tests/harness/run-check.sh --demo          (what run-demo.sh does)
#   tests/harness/run-check.sh --demo-qemu     (make demo-qemu)
# Prints one TAP line per test, the logs of failing tests (of every test for
# bench and demo), then "N passed, N failed[, N skipped]". Exits non-zero on a
# failing test, a test that never reported, a boot timeout, or a suspicious
# line in the guest console.
#
# Environment:
#   CG_TESTS         select tests by name: blank-separated globs, substrings or
#                    extended regexes (see tests/harness/shared.sh)
#   CG_KERNEL        bzImage to boot (default /boot/vmlinuz-$KRELEASE)
#   KRELEASE         guest release (default: tests/harness/pick-kernel.sh, or
#                    read from CG_KERNEL)
#   CG_MODULE_KO     module to test (default <repo>/collapse_guard.ko)
#   CG_TESTMOD_KO    the tests' helper module (default
#                    <repo>/tests/modules/cg_testmod.ko)
#   CG_SELFTEST_KO   the test build of the module, with fault switches
#                    (default $BUILD/selftest-module/collapse_guard.ko)
#   CG_MODDIR        modules root for zram.ko (default /lib/modules)
#   CG_ACCEL         tcg (default) or kvm
#   CG_TCG_THREAD    single or multi: TCG's vCPU threads (default single,
#                    multi for the bench). QEMU 7.2's multi-threaded TCG can
#                    keep running a stale translation of kernel text that
#                    another vCPU has just patched (text_poke: ftrace, jump
#                    labels); an int3 it no longer holds then traps forever.
#                    tests/README.md, "The emulator's stale int3".
#   CG_SMP, CG_MEM   vCPUs (2) and MiB of RAM (2048)
#   CG_STRESS_DURATION seconds of the long stress runs (make stress
#                    DURATION=; tests with "# timeout: duration+N")
#   CG_STRESS_MEMHIGH memory.high of cg_stress's cgroup (tests/everything.sh)
#   CG_STRESS_RELOADS reloads of tests/stress/101-reloads.sh (default 200)
#   CG_TIMEOUT_SCALE integer factor applied to every test's timeout (default
#                    1; slow debug kernels)
#   CG_BOOT_TIMEOUT  wall-clock seconds for the whole boot (default: the sum
#                    of the selected tests' (scaled) timeouts + 120)
#   CG_WATCHDOG_MARGIN seconds the guest may stay silent beyond the running
#                    test's (scaled) timeout, or between two tests, before
#                    the host asks it for blocked tasks and CPU backtraces
#                    (SysRq w and l) and kills it (default 240 x the scale)
#   CG_APPEND        extra kernel command line
#   CG_QEMU_ARGS     extra QEMU arguments (a two-node guest: -object and -numa);
#                    @HALF_MEM@ in them stands for half of CG_MEM, in MiB ("1024M")
#   CG_PVH           1 (default): boot the uncompressed kernel inside the
#                    bzImage through its PVH entry (skips the decompressor,
#                    about 5 s under TCG; cached in $BUILD/guest/kernel);
#                    0: boot the bzImage as it is
#   CG_SUITE_DIR     take the suite's tests from this directory instead of
#                    tests/<suite> (for trying the harness itself)
#   BUILD            build directory (default <repo>/build); logs go to
#                    $BUILD/guest/<suite>/
#   CG_GUEST_TAG     logs go to $BUILD/guest/<suite>-<tag>/ instead (the
#                    oracle's runs: 6.12)
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
export BUILD

# shellcheck source=tests/harness/shared.sh
. "$HARNESS/shared.sh"

CG_PROG=run-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

parse_args() {
	SUITE=cases
	SOURCE=
	SHOW_ALL_LOGS=
	while [ $# -gt 0 ]; do
		case $1 in
		--suite)
			[ $# -ge 2 ] || die "--suite needs a name"
			SUITE=$2
			shift 2 ;;
		--suite=*)
			SUITE=${1#--suite=}
			shift ;;
		--demo)
			SUITE=demo
			SOURCE=$HARNESS/demo.sh
			shift ;;
		--demo-qemu)
			SUITE=demo-qemu
			SOURCE=$HARNESS/demo-qemu.sh
			shift ;;
		-h | --help)
			sed -n '3,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
			exit 0 ;;
		*)
			die "unknown argument '$1' (try --help)" ;;
		esac
	done
	case $SUITE in
	cases | stress | oracle | clients | emulator | oneway-*) ;;
	bench | demo | demo-qemu) SHOW_ALL_LOGS=1 ;;
	*) die "unknown suite '$SUITE' (cases, stress, oracle, clients, emulator or bench)" ;;
	esac
	SOURCE=${SOURCE:-${CG_SUITE_DIR:-$REPO/tests/$SUITE}}
	SCALE=${CG_TIMEOUT_SCALE:-1}
	case $SCALE in
	'' | *[!0-9]* | 0) die "CG_TIMEOUT_SCALE must be a positive integer" ;;
	esac
	OUTDIR=$BUILD/guest/$SUITE${CG_GUEST_TAG:+-$CG_GUEST_TAG}
}

# kernel_release_of BZIMAGE: the release in the image's setup header.
kernel_release_of() {
	local off
	off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$1" bs=1 skip=$((off + 512)) count=128 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d ' ' -f 1
}

# pick_kernel: sets KERNEL and KRELEASE.
pick_kernel() {
	if [ -n "${CG_KERNEL:-}" ]; then
		KERNEL=$CG_KERNEL
		[ -r "$KERNEL" ] || die "cannot read CG_KERNEL=$KERNEL"
		KRELEASE=$(kernel_release_of "$KERNEL") ||
			die "no release string in $KERNEL: is it a bzImage?"
	else
		KRELEASE=${KRELEASE:-$("$HARNESS/pick-kernel.sh")} ||
			die "no 6.1 kernel with matching headers (run tests/harness/deps.sh)"
		KERNEL=/boot/vmlinuz-$KRELEASE
		[ -r "$KERNEL" ] || die "cannot read $KERNEL"
	fi
	export KRELEASE
}

# decompress_at FILE OFFSET FORMAT: the payload of FILE from OFFSET.
decompress_at() {
	case $3 in
	xz) tail -c +$(($2 + 1)) "$1" | xz -dc --single-stream ;;
	gzip) tail -c +$(($2 + 1)) "$1" | gzip -dc ;;
	zstd) tail -c +$(($2 + 1)) "$1" | zstd -qdc ;;
	esac 2>/dev/null
	return 0
}

# has_pvh_entry ELF: the ELF note XEN_ELFNOTE_PHYS32_ENTRY (18) is there.
has_pvh_entry() {
	readelf -n "$1" 2>/dev/null | grep -A 1 '^ *Xen ' | grep -q '(0x00000012)'
}

# extract_vmlinux BZIMAGE OUT: the kernel ELF inside the bzImage, if it
# has a PVH entry point.
extract_vmlinux() {
	local fmt magic off
	for fmt in xz gzip zstd; do
		case $fmt in
		xz) magic=$'\xfd7zXZ\x00' ;;
		gzip) magic=$'\x1f\x8b\x08' ;;
		zstd) magic=$'\x28\xb5\x2f\xfd' ;;
		esac
		for off in $(LC_ALL=C grep -abo "$magic" "$1" | head -n 3 | cut -d : -f 1); do
			decompress_at "$1" "$off" "$fmt" >"$2.tmp"
			if has_pvh_entry "$2.tmp"; then
				mv "$2.tmp" "$2"
				return 0
			fi
		done
	done
	rm -f "$2.tmp"
	return 1
}

# boot_image: the image for QEMU's -kernel: the cached PVH vmlinux of
# KERNEL when possible (see CG_PVH), else KERNEL.
boot_image() {
	local dir=$BUILD/guest/kernel key out
	if [ "${CG_PVH:-1}" = 0 ]; then
		echo "$KERNEL"
		return 0
	fi
	key=$(stat -L -c '%s-%Y' "$KERNEL")
	out=$dir/vmlinux-$KRELEASE-$key
	if [ ! -s "$out" ]; then
		mkdir -p "$dir"
		rm -f "$dir/vmlinux-$KRELEASE"-*
		if ! extract_vmlinux "$KERNEL" "$out"; then
			echo "# note: no PVH kernel in $KERNEL, booting the bzImage" >&2
			echo "$KERNEL"
			return 0
		fi
	fi
	echo "$out"
}

# check_module: the module must be built for the kernel the guest boots.
check_module() {
	local ko=${CG_MODULE_KO:-$REPO/collapse_guard.ko} magic
	if [ ! -f "$ko" ]; then
		echo "# warning: no module at $ko; tests that load it will fail" >&2
		return 0
	fi
	magic=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d ' ' -f 1) ||
		die "cannot read the vermagic of $ko"
	[ "$magic" = "$KRELEASE" ] ||
		die "$ko is built for '$magic', the guest boots $KRELEASE (make KDIR=/usr/src/linux-headers-$KRELEASE)"
}

# select_tests: sets TESTS (the expected test names, in order) and
# BOOT_TIMEOUT.
select_tests() {
	local f sum=0
	TESTS=()
	if [ -f "$SOURCE" ]; then
		f=$(basename "$SOURCE" .sh)
		TESTS=("001-$f")
		sum=$(cg_test_timeout "$SOURCE")
	else
		[ -d "$SOURCE" ] || die "no test directory $SOURCE"
		while read -r f; do
			TESTS+=("$(basename "$f" .sh)")
			sum=$((sum + $(cg_test_timeout "$f")))
		done < <(cg_selected_tests "$SOURCE" "${CG_TESTS:-}")
	fi
	[ ${#TESTS[@]} -gt 0 ] ||
		die "no test in $SOURCE matches CG_TESTS='${CG_TESTS:-}'"
	BOOT_TIMEOUT=${CG_BOOT_TIMEOUT:-$((sum * SCALE + 120))}
}

# tcg_thread: single-threaded TCG unless asked (CG_TCG_THREAD) or the bench,
# whose figures measure two CPUs working at once.
tcg_thread() {
	local thread=${CG_TCG_THREAD:-}
	[ -n "$thread" ] || { [ "$SUITE" = bench ] && thread=multi || thread=single; }
	case $thread in
	single | multi) echo "$thread" ;;
	*) die "CG_TCG_THREAD must be single or multi" ;;
	esac
}

accel_args() {
	case ${CG_ACCEL:-tcg} in
	tcg)
		echo "-accel tcg,thread=$(tcg_thread) -cpu max" ;;
	kvm)
		[ -w /dev/kvm ] || die "CG_ACCEL=kvm but /dev/kvm is not usable"
		echo "-accel kvm -cpu max" ;;
	*)
		die "CG_ACCEL must be tcg or kvm" ;;
	esac
}

kernel_cmdline() {
	local cmdline="console=ttyS0 panic=-1 nokaslr transparent_hugepage=madvise"
	# the watchdog's SysRq keys go through the emulated keyboard
	cmdline+=" sysrq_always_enabled"
	cmdline+=" cg.suite=$SUITE cg.krelease=$KRELEASE cg.timeout_scale=$SCALE"
	[ -z "${CG_STRESS_DURATION:-}" ] || cmdline+=" cg.duration=$CG_STRESS_DURATION"
	[ -z "${CG_STRESS_MEMHIGH:-}" ] || cmdline+=" cg.memhigh=$CG_STRESS_MEMHIGH"
	[ -z "${CG_STRESS_RELOADS:-}" ] || cmdline+=" cg.reloads=$CG_STRESS_RELOADS"
	if [ -n "${CG_TESTS:-}" ] && [ "$SUITE" != demo ]; then
		cmdline+=" cg.tests=$(printf '%s' "$CG_TESTS" | base64 -w 0)"
	fi
	echo "$cmdline${CG_APPEND:+ $CG_APPEND}"
}

# tap_line INDEX NAME STATUS REASON: the TAP line of one test result.
tap_line() {
	case $3 in
	pass) echo "ok $1 - $2" ;;
	skip) echo "ok $1 - $2 # SKIP $4" ;;
	*)
		echo "not ok $1 - $2"
		echo "#   $4" ;;
	esac
}

# CHANNEL_FRAMING: the first rules of every awk reader of results.raw. A
# log's body runs from "@@cg log-begin I LINES" to "@@cg log-end I", or
# ends after LINES lines if the end marker is lost (a lost marker must not
# swallow the result); an end marker may follow a last log line with no
# newline. For a line of a body it sets body=1 and text to the log's text;
# records (body=0) are left to the reader's own rules. Without LINES (the
# old form) only the marker ends a body.
# shellcheck disable=SC2016 # awk code
CHANNEL_FRAMING='
	{ body = 0 }
	$1 == "@@cg" && $2 == "log-end" { inlog = 0; next }
	inlog && left == 0 { inlog = 0 }
	inlog && (p = index($0, "@@cg log-end ")) > 0 {
		text = substr($0, 1, p - 1); body = 1; inlog = 0 }
	inlog { text = $0; body = 1; left-- }
	!body && $1 == "@@cg" && $2 == "log-begin" {
		inlog = 1; left = $4 == "" ? -1 : $4 + 0 }
'

# follow_results PID: prints the TAP line of each result as the guest sends
# it, until process PID (the guest) has ended.
follow_results() {
	local rec tag idx status reason
	tail -n +1 -F --pid="$1" "$OUTDIR/results.raw" 2>/dev/null |
		tr -d '\r' |
		awk "$CHANNEL_FRAMING"'
			!body && $1 == "@@cg" && $2 == "result" { print; fflush() }' |
		while IFS= read -r rec; do
			read -r _ _ idx status _ reason <<<"$rec"
			tag=${TESTS[idx - 1]:-test-$idx}
			tap_line "$idx" "$tag" "$status" "$reason"
		done
}

# run_qemu: the guest, killed after BOOT_TIMEOUT seconds.
run_qemu() {
	local image extra=${CG_QEMU_ARGS:-}
	image=$(boot_image)
	extra=${extra//@HALF_MEM@/$((${CG_MEM:-2048} / 2))M}
	# shellcheck disable=SC2086 # ACCEL holds several arguments
	exec timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 $ACCEL \
		-smp "${CG_SMP:-2}" -m "${CG_MEM:-2048}" $extra \
		-nodefaults -nographic -no-reboot -monitor none \
		-kernel "$image" -initrd "$OUTDIR/initramfs.cpio.gz" \
		-append "$(kernel_cmdline)" \
		-serial "file:$OUTDIR/console.log" \
		-serial "file:$OUTDIR/results.raw" \
		-chardev "pipe,id=cgmon,path=$OUTDIR/monitor" \
		-mon chardev=cgmon,mode=readline \
		</dev/null >"$OUTDIR/qemu.log" 2>&1
}

# open_test: "INDEX TIMEOUT" of the test the guest has begun and not
# reported yet (nothing when none), from the records of results.raw.
open_test() {
	tr -d '\r' <"$OUTDIR/results.raw" | awk "$CHANNEL_FRAMING"'
		body { next }
		$1 == "@@cg" && $2 == "begin" { open = $3 " " $5 }
		$1 == "@@cg" && $2 == "result" && open != "" &&
			split(open, o, " ") && o[1] == $3 { open = "" }
		END { if (open != "") print open }'
}

# guest_silent_too_long MARGIN: true when the guest has written nothing to
# the results channel for longer than the running test's timeout (none
# between tests) plus MARGIN seconds; says which test in $OUTDIR/watchdog.
guest_silent_too_long() {
	local idx tmo idle limit
	# the records first, then their age: a result that lands in between
	# makes the file younger, never a closed test look open or vice versa
	read -r idx tmo < <(open_test) || true
	idle=$(($(date +%s) - $(stat -c %Y "$OUTDIR/results.raw")))
	limit=$((${tmo:-0} + $1))
	[ "$idle" -gt "$limit" ] || return 1
	if [ -n "${idx:-}" ]; then
		echo "$idx no result $idle s after the test began (its timeout $tmo s + $1 s)"
	else
		echo "0 nothing from the guest for $idle s between tests"
	fi >"$OUTDIR/watchdog"
}

# sysrq KEY: presses Alt-SysRq-KEY on the guest's keyboard (the monitor).
sysrq() {
	echo "sendkey alt-sysrq-$1" >&3
}

# sample_vcpus N: the emulator's view of every vCPU's registers, N times a
# second apart, into monitor.log: what a vCPU runs when its kernel cannot
# say (interrupts off, or trapping forever).
sample_vcpus() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo "info registers -a" >&3
		sleep 1
	done
}

# vcpu_rips: the instruction pointers sampled by sample_vcpus, counted.
vcpu_rips() {
	grep -ao '^RIP=[0-9a-f]*' "$OUTDIR/monitor.log" 2>/dev/null |
		sort | uniq -c | awk '{ printf " %s (%s samples)", $2, $1 }'
}

# watch_guest PID: kills the guest (process PID) once it has been silent
# too long (a frozen guest or a test stuck beyond its guest-side timeout
# would otherwise run to the boot timeout), after asking its kernel for the
# blocked tasks and the CPUs' backtraces, which land in the console log.
watch_guest() {
	local margin=${CG_WATCHDOG_MARGIN:-$((240 * SCALE))}
	while kill -0 "$1" 2>/dev/null; do
		sleep 5
		guest_silent_too_long "$margin" || continue
		exec 3<>"$OUTDIR/monitor.in"
		sysrq w
		sysrq l
		sleep 10
		sample_vcpus 3
		exec 3>&-
		kill "$1" 2>/dev/null || true
		return 0
	done
}

# boot_guest: runs the guest to its power-off (printing results as they
# come), or kills it after BOOT_TIMEOUT seconds or when watch_guest finds it
# silent too long. Sets BOOT_STATUS (0, or 124 on timeout) and WALL.
boot_guest() {
	local start qemu follower watcher monitor
	rm -f "$OUTDIR/console.log" "$OUTDIR/results.raw" "$OUTDIR"/*.log \
		"$OUTDIR/results" "$OUTDIR/guest-info" "$OUTDIR/watchdog" \
		"$OUTDIR/monitor.in" "$OUTDIR/monitor.out"
	: >"$OUTDIR/results.raw"
	# QEMU's pipe chardev: it reads monitor.in and writes monitor.out
	mkfifo "$OUTDIR/monitor.in" "$OUTDIR/monitor.out"
	start=$(date +%s.%N)
	BOOT_STATUS=0
	run_qemu &
	qemu=$!
	follow_results "$qemu" &
	follower=$!
	watch_guest "$qemu" &
	watcher=$!
	cat "$OUTDIR/monitor.out" >"$OUTDIR/monitor.log" &
	monitor=$!
	wait "$qemu" || BOOT_STATUS=$?
	wait "$follower" || true
	kill "$watcher" "$monitor" 2>/dev/null || true
	wait "$watcher" "$monitor" 2>/dev/null || true
	WALL=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
}

# parse_results: results.raw -> one log per test ($OUTDIR/NAME.log),
# $OUTDIR/results (lines "INDEX STATUS DURATION_CS NAME REASON") and
# $OUTDIR/guest-info (hello, plan, begin and done records).
parse_results() {
	tr -d '\r' <"$OUTDIR/results.raw" | awk -v dir="$OUTDIR" "$CHANNEL_FRAMING"'
		function name_of(i) { return (i in names) ? names[i] : "test-" i }
		body { print text > logf; next }
		$1 != "@@cg" { next }
		$2 == "hello" || $2 == "done" || $2 == "plan" || $2 == "begin" {
			print $2, $3, $4 > (dir "/guest-info") }
		$2 == "test" || $2 == "begin" { names[$3] = $4 }
		$2 == "log-begin" {
			if (logf != "") close(logf)
			logf = dir "/" name_of($3) ".log"
			printf "" > logf }
		$2 == "result" {
			reason = $0
			sub(/^@@cg result [^ ]+ [^ ]+ [^ ]+ ?/, "", reason)
			print $3, $4, $5, name_of($3), reason > (dir "/results") }
	'
	touch "$OUTDIR/results" "$OUTDIR/guest-info"
}

# guest_info WHAT: the first field after WHAT in the guest's records.
guest_info() {
	awk -v w="$1" '$1 == w { print $2; exit }' "$OUTDIR/guest-info"
}

# console_hits: the lines of the console log that show a kernel problem.
console_hits() {
	cg_klog_problems "$OUTDIR/console.log" || true
}

# console_since_start INDEX NAME: the console log from the start of a test
# that never reported (where its crash or hang shows) into its log file.
console_since_start() {
	{
		echo "harness: no result from the guest; console since the test started:"
		tr -d '\r' <"$OUTDIR/console.log" |
			awk -v m="cg-init: [$1/${#TESTS[@]}] $2" 'index($0, m) == 1 { p = 1 } p'
	} >"$OUTDIR/$2.log"
}

print_log() {
	echo "# ---- $1 ($2): $OUTDIR/$1.log ----"
	if [ -f "$OUTDIR/$1.log" ]; then
		awk '{ print "#   " $0 }' "$OUTDIR/$1.log"
	else
		echo "#   (no log received)"
	fi
}

# count_results: PASSED FAILED SKIPPED from the results, STATUS and REASON
# per test name; the tests without a result get their "not ok" line here
# (the others were printed as they came) and count as failed.
count_results() {
	local i=0 name status reason
	PASSED=0 FAILED=0 SKIPPED=0
	STATUS=() REASON=()
	while read -r _ status _ name reason; do
		STATUS[$name]=$status
		REASON[$name]=$reason
	done <"$OUTDIR/results"
	for name in "${TESTS[@]}"; do
		i=$((i + 1))
		case ${STATUS[$name]:-} in
		pass) PASSED=$((PASSED + 1)) ;;
		skip) SKIPPED=$((SKIPPED + 1)) ;;
		fail) FAILED=$((FAILED + 1)) ;;
		*)
			FAILED=$((FAILED + 1))
			STATUS[$name]=none
			if [ -f "$OUTDIR/watchdog" ] &&
				[ "$(cut -d ' ' -f 1 "$OUTDIR/watchdog")" = "$i" ]; then
				REASON[$name]="no result: the host's watchdog killed the guest, $(cut -d ' ' -f 2- "$OUTDIR/watchdog")"
				console_since_start "$i" "$name"
			elif grep -qx "begin $i $name" "$OUTDIR/guest-info"; then
				REASON[$name]="no result: the guest crashed or hung during the test"
				console_since_start "$i" "$name"
			else
				REASON[$name]="no result: the guest stopped before the test"
			fi
			tap_line "$i" "$name" fail "${REASON[$name]}" ;;
		esac
	done
}

# print_test_logs: of the failed tests (all tests for bench and demo).
print_test_logs() {
	local name
	for name in "${TESTS[@]}"; do
		case ${STATUS[$name]} in
		fail) print_log "$name" "failed: ${REASON[$name]}" ;;
		none) [ ! -f "$OUTDIR/$name.log" ] ||
			print_log "$name" "${REASON[$name]}" ;;
		*) [ -z "$SHOW_ALL_LOGS" ] || print_log "$name" "${STATUS[$name]}" ;;
		esac
	done
}

# check_run: what is wrong with the run as a whole, beyond single tests.
# Prints it; false if anything is.
check_run() {
	local bad=0 release hits
	release=$(guest_info hello)
	if [ -f "$OUTDIR/watchdog" ]; then
		echo "# the host's watchdog killed the guest: $(cut -d ' ' -f 2- "$OUTDIR/watchdog") (CG_WATCHDOG_MARGIN); SysRq w and l are in $OUTDIR/console.log"
		echo "# the vCPUs were at:$(vcpu_rips) (nokaslr: addresses match /proc/kallsyms of any boot of this kernel)"
		bad=1
	elif [ "$BOOT_STATUS" -eq 124 ] || [ "$BOOT_STATUS" -eq 137 ]; then
		echo "# guest killed after the boot timeout of $BOOT_TIMEOUT s (CG_BOOT_TIMEOUT)"
		bad=1
	elif [ "$BOOT_STATUS" -ne 0 ]; then
		echo "# qemu exited with status $BOOT_STATUS:"
		awk '{ print "#   " $0 }' "$OUTDIR/qemu.log"
		bad=1
	fi
	if [ -z "$release" ]; then
		echo "# the guest never reported (no results channel?)"
		bad=1
	elif [ "$release" != "$KRELEASE" ]; then
		echo "# the guest runs $release, expected $KRELEASE"
		bad=1
	fi
	if [ -z "$(guest_info "done")" ]; then
		echo "# the guest did not finish the suite"
		bad=1
	fi
	hits=$(console_hits)
	if [ -n "$hits" ]; then
		echo "# the console log shows kernel problems ($OUTDIR/console.log):"
		echo "$hits" | head -n 20 | awk '{ print "#   " $0 }'
		bad=1
	fi
	if [ "$bad" -ne 0 ] && [ -z "$(guest_info begin)" ]; then
		echo "# console tail ($OUTDIR/console.log):"
		tr -d '\r' <"$OUTDIR/console.log" | tail -n 25 | awk '{ print "#   " $0 }'
	fi
	[ "$bad" -eq 0 ]
}

# report: after the run: missing results, logs, the run's problems, the
# summary. False on any failure.
report() {
	local ok=0
	declare -A STATUS REASON
	count_results
	print_test_logs
	check_run || ok=1
	echo "# guest $KRELEASE, ${CG_ACCEL:-tcg}, wall time ${WALL} s"
	cg_tap_totals "$PASSED" "$FAILED" "$SKIPPED"
	if [ "$SKIPPED" -gt 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	[ "$FAILED" -eq 0 ] && [ "$ok" -eq 0 ]
}

main() {
	parse_args "$@"
	ACCEL=$(accel_args)
	pick_kernel
	check_module
	select_tests
	mkdir -p "$OUTDIR"
	"$HARNESS/mkinitramfs.sh" "$SUITE" "$SOURCE" "$OUTDIR"
	echo "TAP version 13"
	echo "1..${#TESTS[@]}"
	boot_guest
	parse_results
	report
}

# channel-check.sh sources this file for its parsers, without running it
[ "${CG_RUN_CHECK_LIBRARY:-}" = 1 ] || main "$@"
