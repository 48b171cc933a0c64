#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's statistics, on the host, no kernel: collapse_bench compare
# and resolved (userspace/lib/cgu_bench.c) on samples files made here.
#  - the two centres of paired log-ratios on ten pairs worked out by hand:
#    the 20% trimmed mean and the median, which differ there; the interval
#    holds the estimate; A and B swapped invert the ratio and the interval;
#    A samples beyond B's (in no pair) change neither the ratio nor the
#    columns;
#  - coverage, over 400 simulated runs of 40 pairs each: on lognormal
#    pairs (a true ratio of 1.05, log-ratios of sd 0.3) at least 368 of
#    the 95% intervals hold 1.05, for both centres, and the trimmed mean's
#    intervals are the narrower on average (the reason the bench uses it);
#    on right-skewed log-ratios (an exponential, whose 20% trimmed mean is
#    known in closed form) at least 368 of the trimmed mean's intervals hold
#    it: the bootstrap assumes no symmetry;
#  - resolved exits 0 when the interval is within PCT and 1 when not;
#    --estimator without --paired is a usage error (exit 2).
# The simulated runs come from a Park-Miller generator in awk arithmetic
# (exact in doubles), so that every awk draws the same numbers. Prints TAP;
# exits non-zero on a failure. Uses $BUILD/bin/collapse_bench (make -C
# userspace).
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

# expect_ratio WANT FILE A B [ARGS...]: compare's ratio is WANT and its
# interval holds it.
expect_ratio() {
	local want=$1 got
	shift
	got=$(ratio_ci "$@")
	awk -v want="$want" -v got="$got" 'BEGIN {
		split(got, g, " ")
		exit !(g[1] == want && g[2] <= g[1] && g[1] <= g[3])
	}' || { echo "#   got '$got', want $want inside its interval"; return 1; }
}

# expect_ci WANT FILE A B [ARGS...]: compare's ratio and interval are WANT.
expect_ci() {
	local want=$1 got
	shift
	got=$(ratio_ci "$@")
	[ "$got" = "$want" ] || { echo "#   got '$got', want '$want'"; return 1; }
}

# Ten pairs, A 1000 and B 1000 * 2^k for k = 0 0 0 1 2 3 5 9 9 30: the
# log-ratios are k ln 2; the trimmed mean drops two from each end (0 0 and
# 9 30) and averages 0 1 2 3 5 9, 20 / 6, so the ratio is 2^(10/3) =
# 10.079; the median is 2^((2 + 3) / 2) = 5.657.
hand_made() {
	local k
	for k in 0 0 0 1 2 3 5 9 9 30; do
		echo "h/a 1000"
		echo "h/b $(awk -v k="$k" 'BEGIN { printf "%.3f", 1000 * 2 ^ k }')"
	done >"$WORK/hand"
}

# simulate SEED PAIRS SHAPE: PAIRS pairs, A lognormal, B = A * 1.05 * e^d.
# SHAPE normal: d = 0.3 z; skewed: d = 0.3 (x - 0.76102), x exponential
# (its 20% trimmed mean: (1.2231 * 0.8 - 2.6094 * 0.2) / 0.6 = 0.76102,
# from the quantiles -ln 0.8 and -ln 0.2), so that the true centre of the
# log-ratios is ln 1.05 for the trimmed mean in both shapes.
simulate() {
	awk -v seed="$1" -v n="$2" -v shape="$3" '
	function u() {	# Park-Miller: 16807 x mod 2^31 - 1, exact in doubles
		x = (16807 * x) % 2147483647
		return x / 2147483647
	}
	function z() {
		return sqrt(-2 * log(u())) * cos(6.283185307179586 * u())
	}
	BEGIN {
		x = seed * 7919 + 1
		for (i = 0; i < n; i++) {
			a = 100 * exp(0.3 * z())
			d = shape == "normal" ? 0.3 * z() : 0.3 * (-log(u()) - 0.76102)
			printf "s/a %.6f\ns/b %.6f\n", a, a * 1.05 * exp(d)
		}
	}'
}

# coverage SHAPE ESTIMATOR...: over 400 runs of 40 pairs, per estimator,
# "held mean_width": how many intervals held 1.05, and their mean width.
coverage() {
	local shape=$1 seed est
	shift
	for seed in $(seq 1 400); do
		simulate "$seed" 40 "$shape" >"$WORK/sim" || return 1
		for est in "$@"; do
			echo "$est $(ratio_ci "$WORK/sim" s/a s/b --estimator "$est")" || return 1
		done
	done >"$WORK/coverage.$shape"
	for est in "$@"; do
		awk -v e="$est" '$1 == e { n++; held += ($3 <= 1.05 && $4 >= 1.05); w += $4 - $3 }
			END { if (n != 400) exit 1; printf "%d %.4f\n", held, w / n }' \
			"$WORK/coverage.$shape" || { echo "#   $shape $est: not 400 runs"; return 1; }
	done
}

# exits RC ARGS...: collapse_bench exits RC.
exits() {
	local want=$1 rc=0
	shift
	"$BENCH" "$@" >/dev/null 2>"$WORK/err" || rc=$?
	[ "$rc" -eq "$want" ] || { echo "#   exit $rc, want $want: $(head -n 1 "$WORK/err")"; return 1; }
}

main() {
	local normal skewed held_t w_t held_m w_m held_s w_s
	[ -x "$BENCH" ] || die "no $BENCH (make -C userspace BUILD=$BUILD)"
	mkdir -p "$WORK"

	hand_made
	ok_if "ten pairs worked out by hand, trimmed mean: 10.079, inside its interval" \
		expect_ratio 10.079 "$WORK/hand" h/a h/b
	ok_if "the same, median: 5.657, inside its interval" \
		expect_ratio 5.657 "$WORK/hand" h/a h/b --estimator median
	ok_if "A and B swapped: the ratio and its interval inverted" \
		expect_ci "$(ratio_ci "$WORK/hand" h/a h/b | awk '{
			printf "%.3f %.3f %.3f", 1 / $1, 1 / $3, 1 / $2 }')" "$WORK/hand" h/b h/a
	# A measured on after B stopped (the bench's migrations once a side
	# resolves): eleven more A samples, in no pair, that would be the median
	{ cat "$WORK/hand"; for _ in $(seq 11); do echo "h/a 99999"; done; } >"$WORK/hand-more"
	ok_if "paired, A longer than B: the same ratio and interval" \
		expect_ci "$(ratio_ci "$WORK/hand" h/a h/b)" "$WORK/hand-more" h/a h/b
	ok_if "...and the columns describe the paired samples only (A's median 1000, samples 10+10)" \
		test "$("$BENCH" compare "$WORK/hand-more" h/a h/b --paired |
			awk -F'|' '{ gsub(/ /, ""); print $3, $9 }')" = "1000 10+10"

	normal=$(coverage normal trimmed median) || die "the coverage runs failed"
	read -r held_t w_t held_m w_m <<<"$(tr '\n' ' ' <<<"$normal")"
	skewed=$(coverage skewed trimmed) || die "the coverage runs failed"
	read -r held_s w_s <<<"$skewed"
	echo "# 400 runs of 40 pairs, lognormal: trimmed mean held 1.05 in $held_t (mean width $w_t), median in $held_m ($w_m); skewed: trimmed mean in $held_s ($w_s)"
	ok_if "lognormal pairs: trimmed-mean intervals hold the true ratio in >= 368 of 400" \
		test "$held_t" -ge 368
	ok_if "lognormal pairs: median intervals hold it in >= 368 of 400" \
		test "$held_m" -ge 368
	ok_if "lognormal pairs: trimmed-mean intervals are the narrower on average" \
		awk -v t="$w_t" -v m="$w_m" 'BEGIN { exit !(t < m) }'
	ok_if "skewed log-ratios: trimmed-mean intervals hold its true value in >= 368 of 400" \
		test "$held_s" -ge 368

	simulate 7 400 normal >"$WORK/many"
	ok_if "resolved: 400 pairs of sd 0.3 are within 5% (exit 0)" \
		exits 0 resolved "$WORK/many" s/a s/b --paired --within 5
	simulate 7 10 normal >"$WORK/few"
	ok_if "resolved: 10 pairs are not within 5% (exit 1)" \
		exits 1 resolved "$WORK/few" s/a s/b --paired --within 5
	ok_if "--estimator without --paired: a usage error (exit 2)" \
		exits 2 compare "$WORK/few" s/a s/b --estimator median
	ok_if "...which says why" grep -q "is for --paired" "$WORK/err"

	echo "1..$N"
	cg_tap_totals $((N - FAILED)) "$FAILED" 0
	[ "$FAILED" -eq 0 ] || { echo "# $FAILED of $N failed"; return 1; }
}

main "$@"
