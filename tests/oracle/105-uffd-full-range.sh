#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Upstream (6.12, no module) on the cases of tests/cases/105: a full range
# under a MISSING registration collapses (MADV_COLLAPSE and khugepaged), one
# hole is refused, and the last hole filled while MADV_COLLAPSE runs is never
# lost and the full range then collapses.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

! cg_loaded || fail "collapse_guard is loaded on the oracle kernel"
knob_set "$CG_THP/enabled" never
shmem_thp never
run uffd_collapse_repro --hole none --expect collapsed
run uffd_collapse_repro --hole 300 --expect guarded --allow-unmap
run race_last_hole --iterations 40 --min-overlap 1
khugepaged_fast
shmem_thp advise
run uffd_collapse_repro --hole none --via khugepaged --timeout 120 --expect collapsed
