#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# MADV_COLLAPSE of anonymous ranges moves anon_calls / anon_succeed by the
# number of ranges in observe and guard mode (the anonymous path is only
# observed, never replaced), and nothing in mode off.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=observe

cg_stats_save s
run cg_collapse anon --fill full --expect collapsed
expect_deltas s anon_calls=1 anon_returns=1 anon_succeed=1 file_calls=0 guard_calls=0

cg_stats_save s
run cg_collapse anon --ranges 3 --fill partial --expect collapsed
expect_deltas s anon_calls=3 anon_returns=3 anon_succeed=3 file_calls=0

cg_set_mode guard
cg_stats_save s
run cg_collapse anon --ranges 2 --fill single --expect collapsed
expect_deltas s anon_calls=2 anon_returns=2 anon_succeed=2 file_calls=0 guard_calls=0

cg_set_mode off
cg_stats_save s
run cg_collapse anon --fill partial --expect collapsed
expect_no_deltas s
cg_unload
