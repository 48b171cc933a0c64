#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# insmod creates /sys/kernel/debug/collapse_guard with mode, state (every
# state, in the documented order) and stats (every statistic, in the
# documented order, all zero; the states redirect_live and <path>_available
# still among them until the next release), rmmod removes it, and the module
# loads again afterwards.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

RESULTS="fail succeed pmd_null pmd_none pmd_mapped exceed_none_pte exceed_swap_pte
exceed_shared_pte pte_non_present pte_uffd_wp pte_mapped_hugepage page_ro
lack_referenced_page page_null scan_abort page_count page_lru page_lock page_anon
page_compound any_process vma_null vma_check address_range del_page_lru
alloc_huge_page_fail cgroup_charge_fail truncated page_has_private store_failed"

expected_names() {
	echo redirect_live
	for _path in file anon; do
		echo "${_path}_available"
		echo "${_path}_calls"
		echo "${_path}_returns"
		for _r in $RESULTS; do
			echo "${_path}_$_r"
		done
	done
	for _n in guard_calls guard_committed guard_cross_memcg guard_veto_uffd_missing \
		guard_veto_uffd_missing_early guard_veto_page_filled guard_holes_sealed \
		guard_store_failed guard_rollbacks guard_veto_not_shmem \
		guard_veto_unaligned stock_committed uffd_exposed \
		uffd_exposed_holes probe_missed; do
		echo "$_n"
	done
}

check_debugfs_present() {
	[ -d "$CG_DBG" ] || fail "$CG_DBG missing after insmod"
	[ -f "$CG_DBG/mode" ] || fail "$CG_DBG/mode missing"
	for _f in state stats hist reset inject anon_lock_timing; do
		[ -f "$CG_DBG/$_f" ] || fail "$CG_DBG/$_f missing"
	done
}

check_stats_layout() {
	expected_names >expected
	awk '{ print $1 }' "$CG_DBG/stats" >names
	diff expected names || fail "stats names differ from the documented list and order"
	# fresh, in mode guard: paths available, hooks live, every counter 0
	awk 'NF != 2 || $2 != ($1 ~ /_available$|^redirect_live$/) { bad = 1; print "unexpected line: " $0 }
		END { exit bad }' "$CG_DBG/stats" ||
		fail "a fresh module has nonzero or malformed stats (or a path unavailable)"
}

# check_state MODE LIVE: debugfs state, every line, of a module in MODE
# whose hooks are LIVE (1/0), both paths available.
check_state() {
	printf 'mode %s\nredirect_live %s\nfile_available 1\nanon_available 1\n' "$1" "$2" >expected
	diff expected "$CG_DBG/state" || fail "state differs from the documented lines"
}

check_unloaded() {
	! cg_loaded || fail "collapse_guard still in /proc/modules after rmmod"
	[ ! -e "$CG_DBG" ] || fail "$CG_DBG still exists after rmmod"
}

# shellcheck disable=SC2119 # no parameter: the default mode
cg_load
check_debugfs_present
check_stats_layout
check_state guard 1
cg_set_mode off
check_state off 0
cg_set_mode observe
check_state observe 1
cg_set_mode guard
run cgctl mode
[ "$(kv mode "$OUT")" = guard ] || fail "cgctl mode says $(kv mode "$OUT")"
[ "$(cg_mode)" = guard ] || fail "default mode is $(cg_mode), expected guard"
cg_unload
check_unloaded

# shellcheck disable=SC2119
cg_load
check_debugfs_present
[ "$(cg_mode)" = guard ] || fail "mode after reload is $(cg_mode)"
cg_unload
check_unloaded
echo "load/unload/reload ok"
