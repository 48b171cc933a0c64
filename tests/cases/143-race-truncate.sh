#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE in a loop against hole punching, writes,
# truncation and regrowth (race_truncate): the file always equals the model
# of the completed operations, no SIGBUS inside the file size. The race is
# shown hit (guarded collapses rolled back after isolating pages), a veto
# would be wrong and fails the program (shown with a forced one).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

run_guarded_race race_truncate
# the race was hit: collapses were undone after isolating pages, the range
# changed under them by the truncations, punches and writes
expect_delta_ge s guard_rollbacks 1
# no userfaultfd is registered: a veto would be wrong
expect_deltas s guard_veto_uffd_missing=0
# and the program fails on one: a forced veto (fault injection) must fail it
echo "uffd_veto 1000" >"$CG_DBG/inject"
run_status 1 race_truncate --iterations 5
echo off >"$CG_DBG/inject"
cg_unload
