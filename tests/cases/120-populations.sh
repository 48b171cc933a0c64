#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Guard mode collapses full, partial (every other page) and single-page
# ranges with every byte verified, and the accounting balances: the memfd's
# st_blocks, the mapping's Rss, meminfo Shmem and ShmemHugePages move exactly
# as expected (cg_collapse --check-accounting); a refused collapse changes
# none of them. After the programs exit, meminfo is back where it started.
# The porting trap of folio_isolate_lru() (0 on success on 6.1, true since
# 6.3): the test build that reads it as a bool (selftest=isolate_lru_bool)
# isolates nothing, and every collapse of a populated range is refused
# (SCAN_DEL_PAGE_LRU, EAGAIN) with the range unchanged.
# The isolation's iteration (c8a8f3b4a95a): the test build that sets the
# cursor back to the page it has just isolated (selftest=xas_set_index)
# meets that page again, locked by itself, and refuses every range with a
# present page before its last index (full, partial, and single: page 0):
# SCAN_PAGE_LOCK for each range, EAGAIN, and no page-filled veto.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

settled() {
	[ "$(meminfo ShmemHugePages)" -eq "$1" ]
}

thp_quiet
cg_load mode=guard
huge0=$(meminfo ShmemHugePages)
shmem0=$(meminfo Shmem)

for fill in full partial single; do
	case $fill in
	full) holes=0 ;;
	partial) holes=512 ;;
	single) holes=1022 ;;
	esac
	cg_stats_save s
	run cg_collapse shmem --ranges 2 --fill "$fill" --expect collapsed --check-accounting
	expect_deltas s guard_calls=2 guard_committed=2 guard_rollbacks=0 \
		guard_holes_sealed="$holes" guard_veto_uffd_missing=0
	run cg_collapse anon --ranges 2 --fill "$fill" --expect collapsed --check-accounting
done

cg_stats_save s
run cg_collapse shmem --ranges 2 --fill partial --uffd-missing --expect refused --check-accounting
# MADV_COLLAPSE stops at the first refused range: one call, one veto.
expect_deltas s guard_calls=1 guard_committed=0 guard_veto_uffd_missing=1

wait_until 10 settled "$huge0" || fail "ShmemHugePages $(meminfo ShmemHugePages) kB, was $huge0 kB"
shmem1=$(meminfo Shmem)
echo "meminfo Shmem: $shmem0 kB before, $shmem1 kB after"
assert_ge "$shmem1" $((shmem0 - 512)) "meminfo Shmem dropped below its start"
assert_ge $((shmem0 + 512)) "$shmem1" "meminfo Shmem leaked"
cg_unload

cg_load_without isolate_lru_bool
cg_stats_save s
run cg_collapse shmem --ranges 2 --fill full --expect refused --check-accounting
[ "$(kv errno "$OUT")" = EAGAIN ] || fail "errno $(kv errno "$OUT"), expected EAGAIN"
expect_delta_ge s file_del_page_lru 1
expect_deltas s guard_committed=0
cg_unload

cg_load_without xas_set_index
for fill in full partial single; do
	cg_stats_save s
	run cg_collapse shmem --ranges 2 --fill "$fill" --expect refused --check-accounting
	[ "$(kv errno "$OUT")" = EAGAIN ] || fail "$fill: errno $(kv errno "$OUT"), expected EAGAIN"
	# MADV_COLLAPSE goes on to the next range after SCAN_PAGE_LOCK
	expect_deltas s file_page_lock=2 guard_committed=0 guard_veto_page_filled=0
done
cg_unload
