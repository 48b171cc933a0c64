#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE racing with UFFDIO_REGISTER (race_uffd_register):
# every hole that lseek still reported as a hole after the registration
# returned raises its missing-page event and is never filled by the collapse.
# The race was hit: some registrations landed after a collapse's early check
# and were caught by its sealed section (guard_veto_uffd_missing beyond
# guard_veto_uffd_missing_early). In mode off (stock 6.1) the same program fails.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

run_guarded_race race_uffd_register
sealed=$(($(cg_stat_delta s guard_veto_uffd_missing) - $(cg_stat_delta s guard_veto_uffd_missing_early)))
echo "registrations caught in the sealed section: $sealed"
assert_gt "$sealed" 0 "registrations that raced into a collapse's window"
cg_set_mode off
run_status 1 race_uffd_register
cg_unload
