#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Guard mode, refused collapses against lock-free observers (race_seek_hole):
# while holes are sealed with retry entries and unsealed again, lseek
# SEEK_HOLE/SEEK_DATA and mincore never report a hole as data; afterwards the
# holes are intact and raise their events.
#
# 1. Through the seal: nothing registered during the loop, every collapse
#    made to veto inside the sealed section (inject uffd_veto), so each
#    refusal sealed and unsealed the holes. Asserts that every refusal was
#    a sealed-stage one, that holes were sealed, and that the observer ran
#    during refused collapses (overlapped > 0).
# 2. The registered range: every refusal is the early one (nothing sealed).
# 3. Mode off, the stock kernel, fails the same program.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=guard
cg_stats_save s
echo "uffd_veto 1000000" >"$CG_DBG/inject"
run race_seek_hole --late-register
echo off >"$CG_DBG/inject"
refused=$(kv refused "$OUT")
assert_gt "$refused" 0 "refused collapses"
assert_gt "$(kv overlapped "$OUT")" 0 "refused collapses the observer ran through"
sealed=$(($(cg_stat_delta s guard_veto_uffd_missing) - $(cg_stat_delta s guard_veto_uffd_missing_early)))
assert_eq "$sealed" "$refused" "sealed-stage vetoes vs refusals"
expect_delta_ge s guard_holes_sealed "$refused"
expect_deltas s guard_committed=0 guard_veto_uffd_missing_early=0

cg_stats_save s2
run race_seek_hole
refused=$(kv refused "$OUT")
assert_gt "$refused" 0 "refused collapses (registered)"
expect_deltas s2 guard_veto_uffd_missing="$refused" guard_veto_uffd_missing_early="$refused" \
	guard_committed=0

# stock 6.1 (mode off) has the bug: the same program must catch it
cg_set_mode off
run_status 1 race_seek_hole
cg_unload
