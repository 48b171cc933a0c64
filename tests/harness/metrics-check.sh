#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make metrics-check: cgctl stats --prometheus on the host, no kernel. Feeds
# saved debugfs files (tests/host/fixtures: state, stats, hist, mode, in
# the module's formats) through cgctl, both as a saved copy (--file,
# --hist-file) and as a stand-in debugfs directory (CG_DEBUGFS,
# CG_MODE_FILE), and checks the output with promtool check metrics
# (Debian's prometheus package, installed with apt when missing) and by
# value: the mode gauges, cumulative buckets in seconds, _sum and _count,
# every statistic once, the states from debugfs state (and from stats for a
# module of 0.3.0 without it, or a saved copy), collapse_guard_up 0 without
# the module, --output written atomically, and usage errors. Prints TAP; exits non-zero on a
# failure. Uses $BUILD/bin/cgctl (make -C userspace builds it).
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
CGCTL=$BUILD/bin/cgctl
FIX=$REPO/tests/host/fixtures
WORK=$BUILD/metrics-check
N=0
FAILED=0

CG_PROG=metrics-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

# promtool_ok FILE: promtool accepts it, lint included (its output shown).
promtool_ok() {
	local out
	out=$(promtool check metrics <"$1" 2>&1) || { indent <<<"$out"; return 1; }
	[ -z "$out" ] || { indent <<<"$out"; return 1; }
}

promtool_rejects() {
	! promtool check metrics <"$1" >/dev/null 2>&1
}

# has FILE LINE: the exact sample line is in FILE.
has() {
	grep -qxF -- "$2" "$1" || { echo "#   missing: $2"; return 1; }
}

# samples FILE: the sample lines (no comments).
samples() {
	grep -v '^#' "$1"
}

# buckets_sane FILE: per histogram, le increasing, counts cumulative, +Inf
# equal to _count, and _count the sum of debugfs's buckets.
buckets_sane() {
	awk -v hist="$FIX/hist" '
	BEGIN {
		while ((getline line < hist) > 0) {
			if (line ~ /^[a-z]/) {
				split(line, a, ":"); name = a[1]
				sub(/_ns$/, "_seconds", name)
				match(line, /sum=[0-9]+/)
				sum[name] = substr(line, RSTART + 4, RLENGTH - 4)
				total[name] = 0
			} else {
				split(line, a, ": "); total[name] += a[2]
			}
		}
	}
	match($0, /^collapse_guard_[a-z_]+_bucket\{le="[^"]+"\} /) {
		split($0, p, "_bucket{le=\""); n = p[1]; sub(/^collapse_guard_/, "", n)
		split(p[2], q, "\"} "); le = q[1]; c = q[2] + 0
		if (le != "+Inf" && (n in lastle) && le + 0 <= lastle[n]) bad("le not increasing " $0)
		if ((n in lastc) && c < lastc[n]) bad("not cumulative " $0)
		lastle[n] = le + 0; lastc[n] = c
		if (le == "+Inf") inf[n] = c
		next
	}
	/_count / { n = $1; sub(/^collapse_guard_/, "", n); sub(/_count$/, "", n); cnt[n] = $2 }
	/_seconds_sum / { n = $1; sub(/^collapse_guard_/, "", n); sub(/_sum$/, "", n); s[n] = $2 }
	function bad(m) { print "#   " m; err = 1 }
	END {
		for (n in total) {
			if (!(n in inf) || inf[n] != cnt[n] || cnt[n] != total[n])
				bad(n ": +Inf " inf[n] ", _count " cnt[n] ", debugfs buckets " total[n])
			if (sprintf("%.9f", sum[n] / 1e9) != sprintf("%.9f", s[n]))
				bad(n ": _sum " s[n] ", debugfs sum " sum[n] " ns")
		}
		exit err
	}' "$1"
}

# every_stat_once FILE: one sample per line of the stats fixture, with its
# value, besides up, mode and the histograms.
every_stat_once() {
	local want got
	want=$(wc -l <"$FIX/stats")
	got=$(samples "$1" | grep -cv -e '^collapse_guard_up ' -e '^collapse_guard_mode{' \
		-e '_seconds')
	[ "$want" -eq "$got" ] || { echo "#   $got samples for $want statistics"; return 1; }
	has "$1" 'collapse_guard_guard_veto_uffd_missing_total 41' &&
	has "$1" 'collapse_guard_probe_missed_total 2' &&
	has "$1" 'collapse_guard_calls_total{path="anon"} 9120' &&
	has "$1" 'collapse_guard_results_total{path="file",result="pte_mapped_hugepage"} 88' &&
	has "$1" 'collapse_guard_path_available{path="file"} 1'
}

# types FILE: states are gauges, everything counted a counter named _total.
types() {
	has "$1" '# TYPE collapse_guard_redirect_live gauge' &&
	has "$1" '# TYPE collapse_guard_path_available gauge' &&
	has "$1" '# TYPE collapse_guard_mode gauge' &&
	has "$1" '# TYPE collapse_guard_up gauge' &&
	has "$1" '# TYPE collapse_guard_guard_collapse_seconds histogram' &&
	! grep -E '^# TYPE .* counter$' "$1" | grep -v '_total counter$' &&
	! grep -E '^# TYPE collapse_guard_[a-z_]*(live|available) counter' "$1" &&
	[ "$(grep -c '^# HELP ' "$1")" -eq "$(grep -c '^# TYPE ' "$1")" ]
}

# usage_error ARGS...: cgctl exits 2 and says why.
usage_error() {
	local rc=0
	"$CGCTL" "$@" >/dev/null 2>"$WORK/usage.err" || rc=$?
	if [ "$rc" -ne 2 ] || ! grep -q '^cgctl: stats: ' "$WORK/usage.err"; then
		echo "#   cgctl $* exited $rc: $(head -n 1 "$WORK/usage.err")"
		return 1
	fi
}

# fails_clearly MESSAGE ARGS...: cgctl exits 1 with MESSAGE.
fails_clearly() {
	local msg=$1 rc=0
	shift
	"$CGCTL" "$@" >/dev/null 2>"$WORK/fail.err" || rc=$?
	if [ "$rc" -ne 1 ] || ! grep -q -- "$msg" "$WORK/fail.err"; then
		echo "#   cgctl $* exited $rc: $(head -n 1 "$WORK/fail.err")"
		return 1
	fi
}

# mode_gauges FILE: guard 1, the others 0.
mode_gauges() {
	has "$1" 'collapse_guard_mode{mode="guard"} 1' &&
	has "$1" 'collapse_guard_mode{mode="off"} 0' &&
	has "$1" 'collapse_guard_mode{mode="observe"} 0'
}

no_mode() {
	! grep -q '^collapse_guard_mode' "$1"
}

# same_but_mode LIVE SAVED
same_but_mode() {
	diff <(grep -v 'collapse_guard_mode' "$1") "$2" >/dev/null
}

# only_up0 FILE: the one sample is collapse_guard_up 0, and promtool takes it.
only_up0() {
	[ "$(samples "$1")" = 'collapse_guard_up 0' ] && promtool_ok "$1"
}

# replaced_whole DIR FILE EXPECTED: DIR holds FILE only, 0644, as expected.
replaced_whole() {
	cmp -s "$1/$2" "$3" && [ "$(stat -c %a "$1/$2")" = 644 ] && [ "$(ls "$1")" = "$2" ]
}

# standins: stand-in debugfs directories in $WORK: old/ a module of 0.3.0
# (no state file, the states in stats), next/ the next release (no states in
# stats), anon0/ a state that says what stats does not (anon_available 0).
standins() {
	mkdir -p "$WORK/old" "$WORK/next" "$WORK/anon0"
	cp "$FIX/stats" "$FIX/hist" "$WORK/old/"
	grep -Ev '^(redirect_live|[a-z]+_available) ' "$FIX/stats" >"$WORK/next/stats"
	cp "$FIX/hist" "$FIX/state" "$WORK/next/"
	cp "$FIX/stats" "$FIX/hist" "$WORK/anon0/"
	sed 's/^anon_available 1$/anon_available 0/' "$FIX/state" >"$WORK/anon0/state"
}

# prom_from DIR OUT: cgctl stats --prometheus on stand-in directory DIR.
prom_from() {
	CG_DEBUGFS=$1 CG_MODE_FILE=$FIX/mode "$CGCTL" stats --prometheus >"$2"
}

main() {
	local live=$WORK/live.prom saved=$WORK/saved.prom out=$WORK/textfile
	[ -x "$CGCTL" ] || die "no $CGCTL (make -C userspace BUILD=$BUILD)"
	[ ! -e /sys/module/collapse_guard ] ||
		die "collapse_guard is loaded on this host: the 'not loaded' test cannot run"
	rm -rf "$WORK"
	mkdir -p "$WORK" "$out"
	cg_apt_ensure "$WORK/apt.log" prometheus
	echo "TAP version 13"

	CG_DEBUGFS=$FIX CG_MODE_FILE=$FIX/mode "$CGCTL" stats --prometheus >"$live"
	"$CGCTL" stats --prometheus --file "$FIX/stats" --hist-file "$FIX/hist" >"$saved"

	ok_if "promtool accepts the live output ($(samples "$live" | wc -l) samples)" \
		promtool_ok "$live"
	ok_if "promtool accepts the output of a saved copy (--file --hist-file)" \
		promtool_ok "$saved"
	printf 'collapse_guard_up{ 1\n' >"$WORK/broken.prom"
	ok_if "promtool rejects a broken exposition (the check is real)" \
		promtool_rejects "$WORK/broken.prom"
	ok_if "mode gauges: guard 1, off and observe 0" mode_gauges "$live"
	ok_if "no mode from a saved copy (the stats file has none)" no_mode "$saved"
	ok_if "redirect_live and *_available are gauges; counters end in _total; HELP per TYPE" \
		types "$live"
	ok_if "every statistic once, with its value" every_stat_once "$live"
	ok_if "histograms: cumulative le buckets in seconds, +Inf = _count, _sum from debugfs" \
		buckets_sane "$live"
	ok_if "the saved copy gives the live samples but the mode" \
		same_but_mode "$live" "$saved"
	ok_if "collapse_guard_up 1 while readable" has "$live" 'collapse_guard_up 1'
	standins
	prom_from "$WORK/old" "$WORK/old.prom"
	ok_if "a module of 0.3.0 (no debugfs state): its states read from stats, the same samples" \
		cmp -s "$live" "$WORK/old.prom"
	prom_from "$WORK/next" "$WORK/next.prom"
	ok_if "no states in stats (the next release): the same samples" \
		cmp -s "$live" "$WORK/next.prom"
	prom_from "$WORK/anon0" "$WORK/anon0.prom"
	ok_if "the states come from debugfs state, not from stats" \
		has "$WORK/anon0.prom" 'collapse_guard_path_available{path="anon"} 0'

	CG_DEBUGFS=$WORK/no-such-dir "$CGCTL" stats --prometheus --output "$out/cg.prom"
	ok_if "module not loaded: exit 0, only collapse_guard_up 0" only_up0 "$out/cg.prom"
	CG_DEBUGFS=$FIX CG_MODE_FILE=$FIX/mode "$CGCTL" stats --prometheus --output "$out/cg.prom"
	ok_if "--output: the file replaced whole, mode 0644, no temporary file left" \
		replaced_whole "$out" cg.prom "$live"

	ok_if "usage error: --prometheus --json" usage_error stats --prometheus --json
	ok_if "usage error: --prometheus --diff" usage_error stats --prometheus --diff "$FIX/stats"
	ok_if "usage error: --output without --prometheus" usage_error stats --output "$out/x"
	ok_if "usage error: --hist-file without --file" \
		usage_error stats --prometheus --hist-file "$FIX/hist"
	ok_if "a hist file given as stats: a clear error" \
		fails_clearly "is not a collapse_guard stats file" \
		stats --prometheus --file "$FIX/hist"
	ok_if "a missing saved copy: a clear error" \
		fails_clearly "cannot read $WORK/none" stats --prometheus --file "$WORK/none"
	ok_if "--output into a missing directory: a clear error, nothing written" \
		fails_clearly "cannot create a temporary file" \
		stats --prometheus --file "$FIX/stats" --output "$WORK/none/cg.prom"

	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ] || { echo "# $FAILED of $N failed"; return 1; }
}

main "$@"
