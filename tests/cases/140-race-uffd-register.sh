#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE racing with UFFDIO_REGISTER (race_uffd_register):
# every hole that lseek still reported as a hole after the registration
# returned raises its missing-page event and is never filled by the collapse.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=guard
cg_stats_save s
run race_uffd_register
expect_delta_ge s guard_calls 1
# every collapse_file call ran the guarded one
assert_eq "$(cg_stat_delta s guard_calls)" "$(cg_stat_delta s file_calls)" "guard_calls vs file_calls"
echo "guard_uffd_vetoed +$(cg_stat_delta s guard_uffd_vetoed), guard_page_filled +$(cg_stat_delta s guard_page_filled), guard_succeeded +$(cg_stat_delta s guard_succeeded)"
cg_unload
