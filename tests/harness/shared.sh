# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by the host side (run-check.sh, bash) and by the guest /init (busybox
# sh): which tests of a suite run, how long each may take, and which kernel log
# lines fail a test. POSIX sh only.

# Kernel log lines that fail the test during which they appear, and the whole
# run when they appear anywhere on the console. BUG, WARNING, Oops, KASAN,
# UBSAN and lockdep must stand as words ("DEBUG_..." is no hit).
CG_KLOG_BAD='(^|[^[:alnum:]_])(BUG|WARNING|Oops|KASAN|UBSAN|lockdep)([^[:alnum:]_]|$)'
CG_KLOG_BAD="$CG_KLOG_BAD|possible circular|possible recursive locking"
CG_KLOG_BAD="$CG_KLOG_BAD|soft lockup|hard LOCKUP|hung task|blocked for more than"
CG_KLOG_BAD="$CG_KLOG_BAD|self-detected stall|detected stalls"
CG_KLOG_BAD="$CG_KLOG_BAD|general protection|Call Trace|Kernel panic"
CG_KLOG_BAD="$CG_KLOG_BAD|Bad page|bad pmd|Bad rss-counter|Bad swap|Busy inodes"
CG_KLOG_BAD="$CG_KLOG_BAD|list_add corruption|list_del corruption|rcu_preempt detected|rcu_sched detected"

# Lines that match the above but report no problem, each one exactly: a
# PROVE_LOCKING kernel announces itself at every boot.
CG_KLOG_BENIGN='rcu: 	RCU lockdep checking is enabled\.$'

# cg_klog_problems [FILE]: the lines of a kernel log (stdin without FILE)
# that show a kernel problem.
cg_klog_problems() {
	tr -d '\r' <"${1:-/dev/stdin}" | grep -Ev "$CG_KLOG_BENIGN" |
		grep -E "$CG_KLOG_BAD"
}

CG_DEFAULT_TIMEOUT=180

# cg_test_timeout_of FILE: sets $timeout to the "# timeout: N" header of a
# test (within its first 20 lines), else to the default; "# timeout:
# duration+N" is $CG_STRESS_DURATION + N. Shell builtins only.
cg_test_timeout_of() {
	timeout=$CG_DEFAULT_TIMEOUT
	_n=0
	while [ "$_n" -lt 20 ] && IFS= read -r _l; do
		_n=$((_n + 1))
		case $_l in
		'#'*timeout:*)
			_l=${_l#*timeout:}
			_l=${_l#"${_l%%[! ]*}"}
			_l=${_l%"${_l##*[! ]}"}
			case $_l in
			duration+*)
				# a long run: its duration (make stress
				# DURATION=, default 600 s) plus N
				_l=${_l#duration+}
				case $_l in
				'' | *[!0-9]*) ;;
				*) timeout=$((${CG_STRESS_DURATION:-600} + _l)); return 0 ;;
				esac ;;
			'' | *[!0-9]*) ;;
			*) timeout=$_l; return 0 ;;
			esac ;;
		esac
	done <"$1"
}

# cg_test_timeout FILE: prints what cg_test_timeout_of finds.
cg_test_timeout() {
	cg_test_timeout_of "$1"
	echo "$timeout"
}

# cg_suite_tests DIR: the tests of a suite (DIR/NNN-name.sh), one per line, in
# the order they run. Other files in DIR are helpers, not tests.
cg_suite_tests() {
	for _f in "$1"/[0-9][0-9][0-9]-*.sh; do
		[ -f "$_f" ] && echo "$_f"
	done
	return 0
}

# cg_pattern_matches NAME PATTERN: PATTERN with one of ^ $ ( ) | + \ { is an
# extended regex searched in NAME (CG_TESTS='^0(1|2)'); else a shell glob
# matching the start of NAME (CG_TESTS='00[1-3]', '*uffd*'); a word without
# wildcards matches anywhere in NAME (CG_TESTS=uffd). Globs and words may end
# in ".sh".
cg_pattern_matches() {
	# (busybox sh takes a leading ^ in brackets as negation, even quoted)
	# shellcheck disable=SC2016 # the $ is one of the characters
	case $2 in
	*['$()|+\{^']*)
		printf '%s\n' "$1" | grep -Eq -- "$2" ;;
	*[*?[]*)
		# shellcheck disable=SC2254 # $2 is a glob on purpose
		case $1.sh in $2*) return 0 ;; esac
		return 1 ;;
	*)
		case $1.sh in *"$2"*) return 0 ;; esac
		return 1 ;;
	esac
}

# cg_test_selected NAME PATTERNS: true when PATTERNS (separated by blanks) is
# empty or one of them matches NAME (a test's file name without ".sh").
cg_test_selected() {
	[ -n "$2" ] || return 0
	_hit=1
	_noglob=
	case $- in *f*) _noglob=1 ;; esac
	set -f
	for _pat in $2; do
		if cg_pattern_matches "$1" "$_pat"; then
			_hit=0
			break
		fi
	done
	[ -n "$_noglob" ] || set +f
	return $_hit
}

# cg_selected_tests DIR PATTERNS: the tests of DIR that PATTERNS select.
cg_selected_tests() {
	cg_suite_tests "$1" | while read -r _f; do
		_n=${_f##*/}
		if cg_test_selected "${_n%.sh}" "$2"; then
			echo "$_f"
		fi
	done
}
