#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 6300
#
# CG_STRESS_RELOADS (default 200) rmmod/insmod cycles under the full
# cg_stress load: a reload at every mode switch, guard held 0.4-1 s between
# them, every other removal with a guarded collapse held in flight inside the
# module (seal_delay_ms). Every check of tests/everything.sh applies; the run
# fails if the reloads are not done within 6000 s (17 to 25 s each under TCG).
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/everything.sh
. /opt/cg/tests/everything.sh
trap stress_teardown EXIT

RELOADS=${CG_STRESS_RELOADS:-200}

stress_setup
cg_load mode=guard
stress_run reloads --seconds 6000 --reloads "$RELOADS" --toggle \
	--module "$CG_KO" --reload-every 1 --guard-dwell 1000
stress_check reloads
stress_expect_ok reloads
assert_ge "$(stress_value reloads rmmod_insmod)" "$RELOADS" "reloads"
assert_gt "$(stress_value reloads rmmod_collapse_in_flight)" 0 "removals with a collapse in flight"
cg_unload
