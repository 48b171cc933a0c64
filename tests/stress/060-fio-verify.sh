#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: duration+300
#
# A peer workload that checks its own data: Debian's fio (staged into the
# stress suite's image by mkinitramfs.sh) with verify=crc32c on a tmpfs
# mounted huge=always, while khugepaged collapses at full speed and
# MADV_COLLAPSE runs beside it, under the guard, for CG_STRESS_DURATION
# seconds (default 600; make stress DURATION=).
#
# Four fio jobs per round, 32 MiB files each, 4 KiB blocks, verify_fatal=1,
# do_verify=1: a sequential write then verify and a mixed randrw, each with
# the psync and with the mmap engine (both built into fio). On huge=always
# every write into an empty 2 MiB range gets a huge page, which leaves
# nothing to collapse; so each round deletes the last round's files, lays
# them out anew (fio --create_only) with the mount switched to huge=never, in
# small pages, then switches it back to huge=always and runs the jobs: their
# writes, reads and verification go on while the small pages are collapsed
# under them. khugepaged reaches the mmap jobs' files through fio's
# mappings; collapse_path (MADV_COLLAPSE) walks every 2 MiB range of the
# psync jobs' files in a loop while the jobs run (a file deleted for the
# next layout under a running collapse_path is skipped).
#
# Fails if a round's layout left more than 4 MiB in huge pages, if a round
# of fio exits non-zero, reports an error in a job or a verify failure on
# stderr, if no collapse was committed by the guard, if khugepaged made no
# full scan or collapsed none of the files, or if a loop made no progress in
# a window.
# A negative check first shows that a failed verification is caught by the
# same parsing: a file fio wrote, verified intact (verify_only), then with a
# block overwritten with random bytes, must fail with that block's offset.
# A livelock, soft lockup or hung task is found by the harness's scan of
# the kernel log.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

DIR=/tmp/fioverify
SECONDS_RUN=${CG_STRESS_DURATION:-600}
SIZE_MB=32
# seconds in which every loop must progress: under TCG a fio round takes
# about 12 s, a collapse sweep about 7
WINDOW=60
command -v fio >/dev/null || fail "no fio in the guest image (tests/harness/deps.sh installs it)"
mkdir -p $DIR
mount -t tmpfs -o size=512M,huge=always none $DIR || fail "cannot mount a huge tmpfs"
trap 'touch $DIR.stop; wait; umount $DIR 2>/dev/null || true' EXIT
rm -f $DIR.stop $DIR.go $DIR.failed
khugepaged_fast
cg_load mode=guard
cg_stats_save s
full_scans0=$(cat "$CG_KHUGEPAGED/full_scans")
pages_collapsed0=$(cat "$CG_KHUGEPAGED/pages_collapsed")

running() {
	[ ! -e $DIR.stop ]
}

# fio_summary JSON ERR: jobs, jobs with an error, bytes written and read
# (verification included) from fio's JSON output, and the verify failures
# fio printed on stderr (each names the file and offset: "... at file F
# offset N, length L").
fio_summary() {
	json_flat <"$1" >"$1.flat" || fail "fio's output $1 is not one JSON value"
	awk -F= -v verr="$(grep -c ' at file .* offset ' "$2" || true)" '
		/^jobs\.[0-9]+\.jobname=/ { jobs++ }
		/^jobs\.[0-9]+\.error=/ { if ($2 != 0) errors++ }
		/^jobs\.[0-9]+\.write\.io_bytes=/ { w += $2 }
		/^jobs\.[0-9]+\.read\.io_bytes=/ { r += $2 }
		END { printf "jobs=%d errors=%d written=%.0f read=%.0f verify_errors=%d\n",
			jobs, errors, w, r, verr }' "$1.flat"
}

# ---- negative check: a corrupted block must be reported -------------------

cat >neg.fio <<EOF
[global]
directory=$DIR
size=8M
bs=4k
verify=crc32c
verify_fatal=1
overwrite=1
clocksource=clock_gettime
[neg]
ioengine=psync
rw=write
EOF
fio --do_verify=0 --output-format=json --output=neg-write.json neg.fio 2>neg-write.err ||
	{ cat neg-write.err; fail "fio could not write $DIR/neg.0.0"; }
# intact, the same verification passes
rc=0
fio --verify_only=1 --output-format=json --output=neg-intact.json neg.fio 2>neg-intact.err || rc=$?
sum=$(fio_summary neg-intact.json neg-intact.err)
echo "negative check, intact: rc=$rc $sum"
if [ "$rc" -ne 0 ] || [ "$(kv errors "$sum")" -ne 0 ] || [ "$(kv verify_errors "$sum")" -ne 0 ] ||
	[ "$(kv read "$sum")" -ne $((8 << 20)) ]; then
	cat neg-intact.err
	fail "fio's verification of an intact file failed (or read less than its 8 MiB)"
fi
# block 1000 (the middle of the 2048) overwritten with random bytes
dd if=/dev/urandom of=$DIR/neg.0.0 bs=4096 seek=1000 count=1 conv=notrunc 2>/dev/null ||
	fail "cannot overwrite block 1000 of $DIR/neg.0.0"
rc=0
fio --verify_only=1 --output-format=json --output=neg-bad.json neg.fio 2>neg-bad.err || rc=$?
sum=$(fio_summary neg-bad.json neg-bad.err)
echo "negative check, corrupted: rc=$rc $sum"
cat neg-bad.err
[ "$rc" -ne 0 ] || fail "fio exited 0 on a corrupted file"
[ "$(kv errors "$sum")" -eq 1 ] || fail "fio's JSON shows no job error on a corrupted file"
[ "$(kv verify_errors "$sum")" -ge 1 ] || fail "fio printed no verify failure on a corrupted file"
grep -q " at file $DIR/neg.0.0 offset $((1000 * 4096)), " neg-bad.err ||
	fail "fio's verify failure does not name the corrupted block (offset $((1000 * 4096)))"
rm -f $DIR/neg.0.0

# ---- the run ------------------------------------------------------------

cat >round.fio <<EOF
[global]
directory=$DIR
size=${SIZE_MB}M
bs=4k
verify=crc32c
verify_fatal=1
do_verify=1
overwrite=1
randrepeat=0
clocksource=clock_gettime
[write-psync]
ioengine=psync
rw=write
[randrw-psync]
ioengine=psync
rw=randrw
[write-mmap]
ioengine=mmap
rw=write
[randrw-mmap]
ioengine=mmap
rw=randrw
EOF

# fio rounds until stopped; totals in fio.rounds, fio.written, fio.read
fio_loop() {
	_n=0 _w=0 _r=0
	while running; do
		rm -f $DIR.go
		# fio lays out only missing or short files: the last round's,
		# collapsed, would stay huge
		rm -f $DIR/*.0.0
		mount -o remount,huge=never $DIR || { echo "remount huge=never failed"; touch $DIR.failed; return; }
		fio --create_only=1 --output-format=json --output=layout.json round.fio 2>layout.err ||
			{ cat layout.err; echo "fio's layout failed"; touch $DIR.failed; return; }
		mount -o remount,huge=always $DIR || { echo "remount huge=always failed"; touch $DIR.failed; return; }
		_huge0=$(meminfo ShmemHugePages)
		# (a collapse_path already running when .go went may add one)
		[ "$_huge0" -le 4096 ] ||
			{ echo "the layout left $_huge0 kB in huge pages"; touch $DIR.failed; return; }
		_c0=$(cg_stat_delta s guard_committed)
		touch $DIR.go
		_rc=0
		fio --output-format=json --output=round.json round.fio 2>round.err || _rc=$?
		_sum=$(fio_summary round.json round.err) || { touch $DIR.failed; return; }
		echo "fio round $((_n + 1)): rc=$_rc $_sum huge_kb=$_huge0->$(meminfo ShmemHugePages) guard_committed=+$(($(cg_stat_delta s guard_committed) - _c0))"
		if [ "$_rc" -ne 0 ] || [ "$(kv jobs "$_sum")" -ne 4 ] || [ "$(kv errors "$_sum")" -ne 0 ] ||
			[ "$(kv verify_errors "$_sum")" -ne 0 ] || [ "$(kv written "$_sum")" -lt $((2 * SIZE_MB << 20)) ]; then
			cat round.err
			touch $DIR.failed
			return
		fi
		_n=$((_n + 1))
		_w=$((_w + $(kv written "$_sum")))
		_r=$((_r + $(kv read "$_sum")))
		put fio.written $_w
		put fio.read $_r
		put fio.rounds $_n
	done
}

# MADV_COLLAPSE of every 2 MiB range of the psync jobs' files, sweep after
# sweep while a round's jobs run; calls, collapses (the range PMD-mapped
# afterwards, also when it already was) and skips (a file deleted for the
# next layout: open fails with ENOENT) in collapse.*
collapse_loop() {
	_sweeps=0 _calls=0 _collapsed=0 _gone=0
	while running; do
		if [ ! -e $DIR.go ]; then
			sleep 0.1
			continue
		fi
		for _f in write-psync randrw-psync; do
			_off=0
			while [ $_off -lt $((SIZE_MB << 20)) ]; do
				[ -e $DIR.go ] || break 2
				if _out=$(collapse_path --expect any --offset $_off "$DIR/$_f.0.0" 2>&1); then
					_calls=$((_calls + 1))
					_collapsed=$((_collapsed + $(kv collapsed "$_out")))
					[ "$(kv einval "$_out")" -eq 0 ] ||
						{ echo "$_out"; echo "MADV_COLLAPSE gave EINVAL"; touch $DIR.failed; return; }
				else
					case $_out in
					*"setup: open $DIR/$_f.0.0: No such file or directory"*) _gone=$((_gone + 1)) ;;
					*) echo "$_out"; touch $DIR.failed; return ;;
					esac
				fi
				_off=$((_off + (2 << 20)))
			done
		done
		_sweeps=$((_sweeps + 1))
		put collapse.calls $_calls
		put collapse.collapsed $_collapsed
		put collapse.gone $_gone
		put collapse.sweeps $_sweeps
	done
}

fio_loop >fio.log 2>&1 &
collapse_loop >collapse.log 2>&1 &

# every loop must keep moving: checked each WINDOW s over the run
stop() {
	touch $DIR.stop
	wait
	cat fio.log collapse.log
	fail "$*"
}
end=$(($(uptime_cs) + SECONDS_RUN * 100))
while [ "$(uptime_cs)" -lt "$end" ]; do
	before="$(count fio.rounds) $(count collapse.sweeps) $(cat "$CG_KHUGEPAGED/full_scans")"
	t=0
	while [ $t -lt $WINDOW ] && [ ! -e $DIR.failed ]; do
		sleep 1
		t=$((t + 1))
	done
	[ ! -e $DIR.failed ] || stop "a loop failed"
	after="$(count fio.rounds) $(count collapse.sweeps) $(cat "$CG_KHUGEPAGED/full_scans")"
	# shellcheck disable=SC2086 # one word per counter
	set -- $before
	for a in $after; do
		[ "$a" -gt "$1" ] || stop "a loop made no progress in $WINDOW s (fio rounds, collapse sweeps, khugepaged full scans before: $before; after: $after)"
		shift
	done
	echo "progress: fio rounds $(count fio.rounds), collapse sweeps $(count collapse.sweeps), guard_committed +$(cg_stat_delta s guard_committed)"
done
touch $DIR.stop
wait
cat fio.log collapse.log
[ ! -e $DIR.failed ] || fail "a loop failed"
full_scans=$(($(cat "$CG_KHUGEPAGED/full_scans") - full_scans0))
pages_collapsed=$(($(cat "$CG_KHUGEPAGED/pages_collapsed") - pages_collapsed0))
echo "fio: rounds=$(count fio.rounds) written=$(count fio.written) read=$(count fio.read) verify_errors=0"
echo "MADV_COLLAPSE: calls=$(count collapse.calls) collapsed=$(count collapse.collapsed) file_gone=$(count collapse.gone) sweeps=$(count collapse.sweeps)"
echo "khugepaged: full_scans=$full_scans pages_collapsed=$pages_collapsed"
cgctl stats --diff s --nonzero
[ "$(count fio.rounds)" -ge 1 ] || fail "no fio round completed"
[ "$(cg_stat_delta s guard_committed)" -ge 1 ] || fail "no collapse committed under the guard"
[ "$(count collapse.collapsed)" -ge 1 ] || fail "MADV_COLLAPSE collapsed nothing"
[ "$full_scans" -ge 1 ] || fail "khugepaged made no full scan"
# pages_collapsed counts khugepaged's anonymous collapses too (anon_succeed:
# collapse_path makes none)
[ "$pages_collapsed" -gt "$(cg_stat_delta s anon_succeed)" ] ||
	fail "khugepaged collapsed none of fio's files (pages_collapsed +$pages_collapsed, anon_succeed +$(cg_stat_delta s anon_succeed))"
cg_unload
