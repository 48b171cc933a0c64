#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 360
#
# The reproducer through khugepaged (fast settings, shmem_enabled=advise).
# Mode off: khugepaged fills the hole (detected by SEEK_HOLE, with a
# deadline), no event, zeros. Mode guard: the program waits until the
# module's own guard_veto_uffd_missing moves (khugepaged tried and was refused),
# then the hole must still be there and raise its event. (Once the event is
# answered with UFFDIO_COPY the range has no hole left, and khugepaged may
# then collapse it: guard_committed is not asserted.)
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

khugepaged_fast
shmem_thp advise
cg_load mode=off
run uffd_collapse_repro --via khugepaged --timeout 120 --expect lost

cg_set_mode guard
cg_stats_save s
run uffd_collapse_repro --via khugepaged --timeout 120 --wait-stat guard_veto_uffd_missing --expect guarded
expect_delta_ge s guard_veto_uffd_missing 1
cg_unload
