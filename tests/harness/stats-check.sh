#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's statistics, on the host, no kernel: collapse_bench compare
# and resolved (userspace/lib/cgu_bench.c) on samples files made here.
#  - the Hodges-Lehmann estimate and its signed-rank interval on six pairs
#    worked out by hand (the interval's ranks: an off-by-one moves both
#    ends), and swapping A and B inverts the ratio and the interval;
#  - coverage: of 200 simulated runs of 40 lognormal pairs (a true ratio of
#    1.05, log-ratios of sd 0.3), at least 180 intervals hold the true
#    ratio, for the Hodges-Lehmann interval and the median's bootstrap one,
#    and the Hodges-Lehmann intervals are the narrower on average (the
#    reason the bench uses them);
#  - resolved exits 0 when the interval is within PCT and 1 when not;
#    fewer than 6 pairs is a clear error (exit 2).
# The simulated runs come from awk with fixed seeds. Prints TAP; exits
# non-zero on a failure. Uses $BUILD/bin/collapse_bench (make -C userspace).
#   tests/harness/stats-check.sh        (make check)
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
BENCH=$BUILD/bin/collapse_bench
WORK=$BUILD/stats-check
N=0
FAILED=0

CG_PROG=stats-check
# shellcheck source=tests/harness/host.sh
. "$HARNESS/host.sh"

# ratio_ci FILE A B [ARGS...]: "ratio lo hi" of compare --paired.
ratio_ci() {
	local f=$1 a=$2 b=$3
	shift 3
	"$BENCH" compare "$f" "$a" "$b" --paired "$@" |
		awk -F'|' '{ gsub(/[][ ]/, "", $6); sub(/,/, " ", $6); print $5 + 0, $6 }'
}

# expect_ci WANT FILE A B: compare's ratio and interval are WANT.
expect_ci() {
	local want=$1 got
	shift
	got=$(ratio_ci "$@")
	[ "$got" = "$want" ] || { echo "#   got '$got', want '$want'"; return 1; }
}

# Six pairs, A 1 and B 2^k (k = 0..5): the log-ratios are k ln 2, their 21
# Walsh averages are (i + j) / 2 ln 2, median 2.5 ln 2, so the estimate is
# 2^2.5; for n = 6 the signed-rank critical value is 1 (21 / 2 - 1.96 *
# sqrt(6 * 7 * 13 / 24) = 1.15, rounded down), so the interval runs from
# the smallest Walsh average to the largest: [2^0, 2^5].
hand_made() {
	local k
	for k in 0 1 2 3 4 5; do
		echo "h/a 1000"
		echo "h/b $((1000 << k))"
	done >"$WORK/hand"
}

# simulate SEED PAIRS: PAIRS lognormal pairs, B = A * 1.05 * e^(0.3 z).
simulate() {
	awk -v seed="$1" -v n="$2" 'function z() {
		return sqrt(-2 * log(1 - rand())) * cos(6.283185307 * rand())
	}
	BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			a = 100 * exp(0.3 * z())
			printf "s/a %.6f\ns/b %.6f\n", a, a * 1.05 * exp(0.3 * z())
		}
	}'
}

# coverage: per estimator, the intervals that hold 1.05 and their mean
# width, over 200 runs: "hl_held hl_width median_held median_width".
coverage() {
	local seed est
	for seed in $(seq 1 200); do
		simulate "$seed" 40 >"$WORK/sim"
		for est in hl median; do
			echo "$est $(ratio_ci "$WORK/sim" s/a s/b --estimator "$est")"
		done
	done | awk '{ held[$1] += ($3 <= 1.05 && $4 >= 1.05); w[$1] += $4 - $3 }
		END { printf "%d %.4f %d %.4f\n", held["hl"], w["hl"] / 200,
			held["median"], w["median"] / 200 }'
}

# exits RC ARGS...: collapse_bench exits RC.
exits() {
	local want=$1 rc=0
	shift
	"$BENCH" "$@" >/dev/null 2>"$WORK/err" || rc=$?
	[ "$rc" -eq "$want" ] || { echo "#   exit $rc, want $want: $(head -n 1 "$WORK/err")"; return 1; }
}

main() {
	local cov held_hl w_hl held_med w_med
	[ -x "$BENCH" ] || die "no $BENCH (make -C userspace BUILD=$BUILD)"
	mkdir -p "$WORK"

	hand_made
	ok_if "six pairs worked out by hand: 5.657 [1.000, 32.000]" \
		expect_ci "5.657 1.000 32.000" "$WORK/hand" h/a h/b
	ok_if "A and B swapped: the ratio and its interval inverted" \
		expect_ci "0.177 0.031 1.000" "$WORK/hand" h/b h/a

	cov=$(coverage)
	read -r held_hl w_hl held_med w_med <<<"$cov"
	echo "# 200 runs of 40 pairs: Hodges-Lehmann held 1.05 in $held_hl (mean width $w_hl), the median in $held_med ($w_med)"
	ok_if "Hodges-Lehmann intervals hold the true ratio in >= 180 of 200 runs" \
		test "$held_hl" -ge 180
	ok_if "the median's bootstrap intervals hold it in >= 180 of 200 runs" \
		test "$held_med" -ge 180
	ok_if "Hodges-Lehmann intervals are the narrower on average" \
		awk -v h="$w_hl" -v m="$w_med" 'BEGIN { exit !(h < m) }'

	simulate 7 400 >"$WORK/many"
	ok_if "resolved: 400 pairs of sd 0.3 are within 5% (exit 0)" \
		exits 0 resolved "$WORK/many" s/a s/b --paired --within 5
	simulate 7 10 >"$WORK/few"
	ok_if "resolved: 10 pairs are not within 5% (exit 1)" \
		exits 1 resolved "$WORK/few" s/a s/b --paired --within 5
	head -n 10 "$WORK/few" >"$WORK/five"
	ok_if "five pairs: no Hodges-Lehmann interval, a clear error (exit 2)" \
		exits 2 compare "$WORK/five" s/a s/b --paired
	ok_if "...which says why" grep -q "fewer than 6 pairs" "$WORK/err"

	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ] || { echo "# $FAILED of $N failed"; return 1; }
}

main "$@"
