#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE in a loop against hole punching, writes,
# truncation and regrowth (race_truncate): the file always equals the model
# of the completed operations, no SIGBUS inside the file size.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=guard
cg_stats_save s
run race_truncate
expect_delta_ge s guard_calls 1
# every collapse_file call ran the guarded one
assert_eq "$(cg_stat_delta s guard_calls)" "$(cg_stat_delta s file_calls)" "guard_calls vs file_calls"
echo "guard_succeeded +$(cg_stat_delta s guard_succeeded), guard_rollbacks +$(cg_stat_delta s guard_rollbacks), guard_store_failed +$(cg_stat_delta s guard_store_failed)"
cg_unload
