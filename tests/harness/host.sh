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

# cg_apt_ensure LOG PACKAGE...: installs with apt-get the PACKAGEs that are
# not installed (as root; apt-get update first when the install fails), its
# output to LOG; dies when it cannot. Starts no service: where no
# /usr/sbin/policy-rc.d exists, one refusing every start is there during the
# installation (prometheus and prometheus-node-exporter, wanted for their
# binaries, would start their daemons through their init scripts or units);
# nothing needs a running systemd.
cg_apt_ensure() {
	_log=$1
	shift
	_missing=
	for _p in "$@"; do
		[ "$(dpkg-query -W -f='${db:Status-Status}' "$_p" 2>/dev/null)" = installed ] ||
			_missing="$_missing $_p"
	done
	[ -n "$_missing" ] || return 0
	[ "$(id -u)" -eq 0 ] || die "missing$_missing (as root: apt-get install$_missing)"
	echo "# ${CG_PROG:-harness}: installing$_missing (log: $_log)"
	mkdir -p "$(dirname "$_log")"
	: >"$_log"
	(
		export DEBIAN_FRONTEND=noninteractive
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			trap 'rm -f /usr/sbin/policy-rc.d' EXIT
			trap 'exit 130' INT TERM
			printf '#!/bin/sh\n# %s: no service starts while it installs\nexit 101\n' \
				"${CG_PROG:-harness}" >/usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
		fi
		# shellcheck disable=SC2086 # one word per package
		apt-get install -y -qq --no-install-recommends $_missing >>"$_log" 2>&1 || {
			apt-get update -qq >>"$_log" 2>&1
			# shellcheck disable=SC2086 # one word per package
			apt-get install -y -qq --no-install-recommends $_missing >>"$_log" 2>&1
		}
	) || {
		tail -n 20 "$_log" >&2
		die "cannot install$_missing (see $_log)"
	}
}

# ok DESCRIPTION, not_ok DESCRIPTION: one TAP result, counted in N and (the
# failures) FAILED, which the script sets to 0. indent: a command's output
# as TAP comments.
ok() {
	N=$((N + 1))
	echo "ok $N - $1"
}

not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $1"
}

indent() {
	sed 's/^/#   /'
}

# ok_if DESCRIPTION COMMAND...: ok when the command succeeds, not ok when
# it fails.
ok_if() {
	_what=$1
	shift
	if "$@"; then ok "$_what"; else not_ok "$_what"; fi
}
