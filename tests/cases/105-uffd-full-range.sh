#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 420
#
# Refuse only what upstream refuses. Upstream vetoes a collapse under a
# MISSING-mode userfaultfd only when the range has holes (ac492b9c70ca): a
# full range loses no event and collapses (stock 6.1 and 6.12 both do).
#   1. A full range under MISSING collapses in every mode: MADV_COLLAPSE
#      returns 0, B is PMD-mapped, a read through A raises no event and sees
#      the data; under guard the guarded path ran it (guard_committed) and
#      nothing was vetoed. The same through khugepaged.
#   2. One hole under MISSING is refused, early, before any work.
#   3. The last hole filled (UFFDIO_COPY) while MADV_COLLAPSE runs over and
#      over (race_last_hole): refused while it is a hole, never EEXIST for
#      the copy, the reader sees its data, and the full range then collapses
#      under the registration. Stock 6.1 (mode off) fills the hole first and
#      fails the program.
# The control of 1: the test build without the parity
# (selftest=early_any_registration) refuses the full range.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=off
run uffd_collapse_repro --hole none --expect collapsed
# the control: stock 6.1 loses the last hole's event to the collapse
run_status 1 race_last_hole --iterations 3

cg_set_mode guard
# 1. the full range, through MADV_COLLAPSE
cg_stats_save s
run uffd_collapse_repro --hole none --expect collapsed
expect_deltas s guard_calls=1 guard_committed=1 guard_veto_uffd_missing=0 \
	guard_veto_uffd_missing_early=0 guard_holes_sealed=0 guard_rollbacks=0

# 2. one hole: refused before any work
cg_stats_save s
run uffd_collapse_repro --hole 300 --expect guarded
expect_deltas s guard_calls=1 guard_veto_uffd_missing=1 guard_veto_uffd_missing_early=1 \
	guard_committed=0 guard_holes_sealed=0 guard_rollbacks=0

# 3. the last hole filled during the collapses; every round ends collapsed
cg_stats_save s
run race_last_hole --iterations 40 --min-overlap 1
expect_delta_ge s guard_committed 40
expect_delta_ge s guard_veto_uffd_missing 1
assert_eq "$(cg_stat_delta s guard_calls)" "$(cg_stat_delta s file_calls)" \
	"guard_calls vs file_calls"

# 1'. the full range, through khugepaged
khugepaged_fast
shmem_thp advise
cg_stats_save s
run uffd_collapse_repro --hole none --via khugepaged --timeout 120 --expect collapsed
expect_delta_ge s guard_committed 1
expect_deltas s guard_veto_uffd_missing=0
cg_unload

thp_quiet
cg_load_without early_any_registration
run_status 1 uffd_collapse_repro --hole none --expect collapsed
cg_unload
