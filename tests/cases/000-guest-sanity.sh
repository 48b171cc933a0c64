#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 60
#
# Harness self-test (no module needed): the guest is the environment the
# other tests expect - the host's 6.1 kernel, root, debugfs, THP in madvise
# mode as on the command line, userfaultfd, an empty working directory, and
# static test programs that run.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

check_kernel() {
	_rel=$(uname -r)
	case $_rel in
	6.1.*) ;;
	*) fail "guest kernel is $_rel, not 6.1" ;;
	esac
	[ -z "${CG_KRELEASE:-}" ] || [ "$_rel" = "$CG_KRELEASE" ] ||
		fail "guest runs $_rel, the host expected $CG_KRELEASE"
}

check_environment() {
	assert_eq "$(id -u)" 0 "tests run as root"
	[ -z "$(ls -A)" ] || fail "working directory $(pwd) is not empty"
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		fail "debugfs is not mounted on /sys/kernel/debug"
	grep -q ' /tmp tmpfs ' /proc/mounts || fail "/tmp is not a tmpfs"
	assert_ge "$(grep -c '^processor' /proc/cpuinfo)" 2 "at least 2 vCPUs"
}

check_thp() {
	[ -d "$CG_THP" ] || fail "no $CG_THP"
	[ -d "$CG_KHUGEPAGED" ] || fail "no $CG_KHUGEPAGED"
	[ "$(knob_get "$CG_THP/enabled")" = madvise ] ||
		fail "THP enabled is $(knob_get "$CG_THP/enabled"), not madvise"
	assert_gt "$(meminfo MemTotal)" 1000000 "MemTotal (kB)"
}

check_userfaultfd() {
	[ -c /dev/userfaultfd ] || fail "no /dev/userfaultfd"
	grep -q ' __x64_sys_userfaultfd$' /proc/kallsyms ||
		fail "no userfaultfd syscall in /proc/kallsyms"
}

check_programs() {
	for _p in cg_collapse cgctl; do
		command -v "$_p" >/dev/null 2>&1 || continue
		"$_p" --help >/dev/null || fail "$_p --help does not run in the guest"
	done
}

check_kernel
check_environment
check_thp
check_userfaultfd
check_programs
echo "guest: $(uname -r), $(grep -c '^processor' /proc/cpuinfo) vCPUs, $(meminfo MemTotal) kB"
