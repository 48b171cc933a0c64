#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE racing with pwrite()/fallocate() into the holes
# (race_fill): no write is lost, untouched holes stay zero (and stay holes
# when the collapse gave up), st_blocks matches the pages present. The race
# is shown hit (fills caught by the seal: guard_veto_page_filled), a veto would
# be wrong and fails the program (shown with a forced one).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

run_guarded_race race_fill
# the race was hit: fills landed between a collapse's scan and its seal
expect_delta_ge s guard_veto_page_filled 1
# no userfaultfd is registered: a veto would be wrong
expect_deltas s guard_veto_uffd_missing=0
# and the program fails on one: a forced veto (fault injection) must fail it
echo "uffd_veto 1000" >"$CG_DBG/inject"
run_status 1 race_fill --iterations 5
echo off >"$CG_DBG/inject"
cg_unload
