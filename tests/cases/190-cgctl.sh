#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# cgctl, every subcommand, against the module in the guest:
#  - without the module: status says "not loaded" (exit 1) and stats says why
#    it cannot read (exit 1);
#  - status: the version the module reports, the mode, and whether the
#    redirection is registered (yes in guard, no in off);
#  - stats: the table carries every statistic of debugfs with its value,
#    --nonzero only the nonzero ones, --json parses (json_flat, a reader
#    independent of cgctl) to exactly the same names and values, --diff
#    --get the change since --save, --get of a renamed counter or of a
#    state (debugfs state) reads it and says so;
#  - watch: the guarded collapses run during the watch add up, interval by
#    interval, to the number made;
#  - hist: the drawn count is debugfs's, --raw is debugfs's text, an unknown
#    name fails; reset zeroes statistics and histograms;
#  - doctor: protected (0) in guard, exposed (1) in observe, off and without
#    the module while a process holds a MISSING registration on a memfd
#    (listed by pid), not affected (3) for a MINOR registration or private
#    anonymous memory; without the module, where one would come from (a
#    modules directory, CG_MODULES_DIR, with an installed module, with
#    headers, with neither: "no headers for <release>", what to do);
#  - a non-root user is told to run it as root.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

NOBODY=65534

# expect_out TEXT: the last command's output contains TEXT.
expect_out() {
	case $OUT in
	*"$1"*) ;;
	*) fail "output lacks '$1'" ;;
	esac
}

# holder MODE [--anon]: a uffd_hold in the background, ready (pid in $holder).
holder() {
	uffd_hold --mode "$@" >hold.out 2>&1 &
	holder=$!
	wait_until 10 grep -q '^ready' hold.out || { cat hold.out; fail "uffd_hold not ready"; }
	cat hold.out
}

stop_holder() {
	kill "$holder"
	wait "$holder" || true
}

thp_quiet

echo "== without the module"
run_status 1 cgctl status
expect_out "not loaded"
run_status 1 cgctl stats
expect_out "collapse_guard is not loaded"

echo "== status"
cg_load mode=guard
run cgctl status
expect_out "version $(cat /sys/module/collapse_guard/version)"
expect_out "mode:            guard"
expect_out "redirect live:   yes"
run cgctl mode off
run cgctl status
expect_out "redirect live:   no"
run cgctl mode guard

echo "== stats"
run cg_collapse shmem --ranges 2 --expect collapsed
run cgctl stats
while read -r name value; do
	printf '%s\n' "$OUT" | grep -Eq "^$name +$value\$" ||
		fail "cgctl stats lacks '$name $value'"
done <"$CG_DBG/stats"
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq "$(wc -l <"$CG_DBG/stats")" ] ||
	fail "cgctl stats has another number of lines than debugfs"
run cgctl stats --nonzero
printf '%s\n' "$OUT" | awk '$2 == 0 { bad = 1 } END { exit bad }' ||
	fail "--nonzero printed a zero"
expect_out guard_calls
cgctl stats --json >stats.json
json_flat <stats.json >flat || { cat stats.json; fail "cgctl stats --json is not JSON"; }
tr ' ' '=' <"$CG_DBG/stats" | sort >raw
sort flat | cmp - raw || { diff flat raw; fail "JSON and debugfs differ"; }
cg_stats_save s
run cg_collapse shmem --expect collapsed
assert_eq "$(cgctl stats --diff s --get guard_calls)" 1 "--diff --get guard_calls"
run_status 2 cgctl stats --bogus
run_status 1 cgctl stats --get no_such_stat
# a name of the previous release reads the renamed counter, and says so
run cgctl stats --get guard_succeeded
expect_out "guard_succeeded is now guard_committed"
[ "$(cgctl stats --get guard_succeeded 2>/dev/null)" = "$(cgctl stats --get guard_committed)" ] ||
	fail "guard_succeeded does not read guard_committed"
# a state asked as a statistic reads it until the next release, and says so
run cgctl stats --get redirect_live
expect_out "redirect_live is a state, not a statistic"
[ "$(cgctl stats --get redirect_live 2>/dev/null)" = "$(cg_state redirect_live)" ] ||
	fail "cgctl stats --get redirect_live is not debugfs state's"

echo "== watch"
cgctl watch 1 --count 5 >watch.out &
watcher=$!
wait_until 10 grep -q '^time' watch.out || fail "watch printed no header"
run cg_collapse shmem --ranges 3 --expect collapsed
wait "$watcher" || fail "watch failed"
cat watch.out
# columns: time file file_ok guard ...: the guard column, rates over 1 s
guards=$(awk 'NR > 1 { s += $4 } END { printf "%d", s }' watch.out)
assert_eq "$guards" 3 "guarded collapses seen by watch"
assert_eq "$(grep -c '^[0-9]' watch.out)" 5 "watch lines"

echo "== hist"
raw_count=$(hist_field guard_collapse_ns count)
run cgctl hist guard_collapse_ns
expect_out "guard_collapse_ns: $raw_count recorded"
run cgctl hist --raw
[ "$OUT" = "$(cat "$CG_DBG/hist")" ] || fail "hist --raw differs from debugfs"
run_status 1 cgctl hist no_such_hist
run cgctl hist
expect_out "seal_irqsoff_ns:"

echo "== reset"
run cgctl reset
assert_eq "$(cgctl stats --get guard_calls)" 0 "guard_calls after reset"
run cgctl hist guard_collapse_ns
expect_out "guard_collapse_ns: 0 recorded"

echo "== doctor"
run cgctl doctor
expect_out "verdict: protected"
# the stable release Debian's ABI name hides, when uname -v gives it
case $(uname -v) in
*"Debian "*) expect_out "kernel $(uname -r) (Debian $(uname -v | sed 's/.*Debian \([^ ]*\).*/\1/'))" ;;
esac
# shmem_enabled=advise: khugepaged may not come to a memfd on 6.1 (2cf1338454a8)
shmem_thp advise
run cgctl doctor
expect_out "2cf1338454a8 is not in 6.1.y"
shmem_thp never
run cgctl doctor
case $OUT in
*2cf1338454a8*) fail "doctor's shmem_enabled=advise note with shmem_enabled=never" ;;
esac
# enabled=never with shmem THP on: 6.1 stops khugepaged (00f58104202c is
# not in 6.1.y), and doctor says so; not with enabled=madvise
knob_set "$CG_THP/enabled" never
shmem_thp always
khugepaged_gone() {
	! grep -qx khugepaged /proc/[0-9]*/comm 2>/dev/null
}
wait_until 10 khugepaged_gone || fail "khugepaged runs with enabled=never on this kernel"
run cgctl doctor
expect_out "6.1 does not run khugepaged"
knob_set "$CG_THP/enabled" madvise
run cgctl doctor
case $OUT in
*"does not run khugepaged"*) fail "doctor's enabled=never note with enabled=madvise" ;;
esac
shmem_thp never
holder missing
hpid=$holder
run cgctl doctor
expect_out "verdict: protected"
expect_out "protected: pid $hpid (uffd_hold)"
run cgctl mode observe
run_status 1 cgctl doctor
expect_out "verdict: exposed"
expect_out "EXPOSED: pid $hpid (uffd_hold)"
run cgctl mode off
run_status 1 cgctl doctor
cg_unload
run_status 1 cgctl doctor
expect_out "collapse_guard is not loaded"
expect_out "verdict: exposed"
# where the module would come from: none and no headers (an ABI Debian
# publishes no headers for), headers but no build, an installed module
rel=$(uname -r)
mkdir -p mods/none/"$rel" mods/headers/"$rel"/build mods/dkms/"$rel"/updates/dkms
: >mods/dkms/"$rel"/updates/dkms/collapse_guard.ko
run_status 1 env CG_MODULES_DIR="$PWD/mods/none" cgctl doctor
expect_out "no headers for $rel: DKMS cannot build the module here"
expect_out "apt install linux-headers-$rel"
expect_out "no headers for 6.1.0-48, -49, -51, -52"
expect_out "boot a 6.1 kernel with headers"
case $rel in
6.1.0-[0-9]*-*)
	# the flavour's metapackages, which follow the newest ABI
	expect_out "apt install linux-image-${rel#6.1.0-*-} linux-headers-${rel#6.1.0-*-}, then reboot" ;;
esac
run_status 1 env CG_MODULES_DIR="$PWD/mods/headers" cgctl doctor
expect_out "dkms autoinstall -k $rel"
case $OUT in
*"no headers for"*) fail "doctor says 'no headers' with $PWD/mods/headers/$rel/build there" ;;
esac
run_status 1 env CG_MODULES_DIR="$PWD/mods/dkms" cgctl doctor
expect_out "a module is installed for $rel: modprobe collapse_guard"
stop_holder
holder minor
run_status 3 cgctl doctor
expect_out "verdict: not affected"
stop_holder
holder missing --anon
run_status 3 cgctl doctor
expect_out "verdict: not affected"
stop_holder

echo "== not root"
cg_load mode=guard
run_status 1 runas "$NOBODY" "$NOBODY" cgctl stats
expect_out "run cgctl as root"
run_status 2 runas "$NOBODY" "$NOBODY" cgctl doctor
expect_out "needs root"
run_status 1 runas "$NOBODY" "$NOBODY" cgctl mode off
assert_eq "$(cg_state redirect_live)" 1 "a non-root mode write changed nothing"
cg_set_mode off
cg_unload
