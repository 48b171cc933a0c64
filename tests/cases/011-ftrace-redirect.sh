#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Nothing done to the tracing subsystem turns the collapse_file redirection
# off behind the mode's back (the redirection's ftrace_ops is PERMANENT, as
# livepatch's):
#  - in guard and observe, "sysctl kernel.ftrace_enabled=0" fails with EBUSY
#    and the value stays 1; the guard still refuses the reproducer; rmmod
#    fails with EBUSY (the module pins itself) until the mode is off;
#  - in off, the sysctl may be changed; switching to guard or observe while
#    it is 0 fails with EBUSY, leaves the mode off, and says why in one line;
#  - insmod while it is 0 fails with one log line and leaves nothing behind,
#    whatever the mode (on 6.1, kprobes on ftrace used while it is 0 leave
#    ftrace's records unbalanced, and a later use shuts ftrace down);
#  - off releases collapse_file: an IPMODIFY user (cg_testmod action=ipmodify,
#    a livepatch stand-in) can take it, and guard is then refused with EBUSY;
#    while the module guards, the stand-in is refused.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

SYSCTL=/proc/sys/kernel/ftrace_enabled
TESTMOD=/opt/cg/cg_testmod.ko

ftrace_enabled() {
	cat "$SYSCTL"
}

# set_sysctl_fails VALUE: writing VALUE is refused with EBUSY, value unchanged.
set_sysctl_fails() {
	_before=$(ftrace_enabled)
	if echo "$1" 2>err >"$SYSCTL"; then
		fail "kernel.ftrace_enabled=$1 accepted in mode $(cg_mode)"
	fi
	grep -q 'busy' err || fail "kernel.ftrace_enabled=$1 refused, but not with EBUSY: $(cat err)"
	assert_eq "$(ftrace_enabled)" "$_before" "ftrace_enabled after the refused write"
}

set_sysctl() {
	echo "$1" >"$SYSCTL" || fail "cannot set kernel.ftrace_enabled=$1 in mode $(cg_mode)"
}

# mode_switch_fails MODE: writing MODE fails with EBUSY, the mode is unchanged.
mode_switch_fails() {
	_before=$(cg_mode)
	if echo "$1" 2>err >"$CG_DBG/mode"; then
		fail "mode $1 accepted although the redirection cannot be registered"
	fi
	grep -q 'busy' err || fail "mode $1 refused, but not with EBUSY: $(cat err)"
	[ "$(cg_mode)" = "$_before" ] || fail "mode is $(cg_mode) after a refused switch to $1"
}

log_count() {
	dmesg | grep -c "$1" || true
}

thp_quiet
assert_eq "$(ftrace_enabled)" 1 "ftrace_enabled at the start"

echo "== guard and observe hold the redirection"
cg_load mode=guard
for m in guard observe; do
	cg_set_mode "$m"
	set_sysctl_fails 0
	if rmmod collapse_guard 2>err; then
		fail "rmmod succeeded in mode $m"
	fi
	cg_loaded || fail "collapse_guard gone after a refused rmmod"
done
cg_set_mode guard
cg_stats_save s
run uffd_collapse_repro --expect guarded
expect_deltas s guard_calls=1 guard_veto_uffd_missing=1

echo "== off releases it"
cg_set_mode off
set_sysctl 0
n=$(log_count 'kernel.ftrace_enabled is 0')
mode_switch_fails guard
mode_switch_fails observe
assert_eq "$(log_count 'kernel.ftrace_enabled is 0')" $((n + 2)) \
	"log lines saying why the switch failed"
set_sysctl 1
cg_set_mode guard
cg_unload

echo "== insmod while ftrace is disabled"
set_sysctl 0
for m in guard observe off; do
	expect_refused_load 'kernel.ftrace_enabled is 0' "$CG_KO" mode="$m"
done
set_sysctl 1
cg_load mode=off
cg_unload

echo "== a livepatch stand-in and the module take turns"
[ -f "$TESTMOD" ] || fail "$TESTMOD is not in the guest image"
cg_load mode=off
insmod "$TESTMOD" action=ipmodify || fail "mode off: an IPMODIFY user cannot take collapse_file"
mode_switch_fails guard
dmesg | grep -q 'another IPMODIFY ftrace user' || fail "no log line naming the other IPMODIFY user"
rmmod cg_testmod
cg_set_mode guard
if insmod "$TESTMOD" action=ipmodify 2>err; then
	rmmod cg_testmod
	fail "mode guard: an IPMODIFY user took collapse_file"
fi
cg_stats_save s
run uffd_collapse_repro --expect guarded
expect_deltas s guard_calls=1
cg_unload
