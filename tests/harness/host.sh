# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by the host-side scripts of tests/harness (not by the guest):
#   CG_PROG=name; . "$HARNESS/host.sh"
# CG_PROG is the name their messages start with.

# die MESSAGE...: the message on stderr, then exit 2 (a setup error, not a
# test failure).
die() {
	echo "${CG_PROG:-harness}: $*" >&2
	exit 2
}

# cg_tap_totals PASS FAIL SKIP: a runner's totals as a TAP comment, in
# kselftest's form (tests/harness/check.sh adds them up).
cg_tap_totals() {
	echo "# Totals: pass:$1 fail:$2 xfail:0 xpass:0 skip:$3 error:0"
}
