#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Swap on zram; memfd pages are pushed to swap with MADV_PAGEOUT. A guarded
# MADV_COLLAPSE swaps them back in (draining the LRU so they can be
# isolated) and collapses: contents verified, no swap left in the mapping,
# accounting balanced. Anonymous swapped ranges collapse as well.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

swap_on_zram 512
thp_quiet
cg_load mode=guard
cg_stats_save s
run cg_collapse shmem --ranges 2 --fill swapped --expect collapsed --check-accounting
expect_deltas s guard_calls=2 guard_committed=2 guard_rollbacks=0
run cg_collapse anon --ranges 2 --fill swapped --expect collapsed --check-accounting
cg_unload
swap_off_zram
