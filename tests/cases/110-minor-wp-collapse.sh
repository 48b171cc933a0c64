#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Guard mode refuses only MISSING registrations: a range registered MINOR or
# WP on another mapping still collapses (MADV_COLLAPSE and khugepaged) and
# ends PMD-mapped; the registered mapping still gets its minor fault (and
# sees the collapsed data) or its write-protect fault.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=guard
for m in minor wp; do
	cg_stats_save s
	run uffd_collapse_repro --mode "$m" --expect collapsed
	expect_deltas s guard_calls=1 guard_committed=1 guard_veto_uffd_missing=0 file_succeed=1
done

khugepaged_fast
shmem_thp advise
for m in minor wp; do
	cg_stats_save s
	run uffd_collapse_repro --mode "$m" --via khugepaged --timeout 120 --expect collapsed
	expect_delta_ge s guard_committed 1
	expect_deltas s guard_veto_uffd_missing=0
done
cg_unload
