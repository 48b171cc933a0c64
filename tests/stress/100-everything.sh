#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: duration+900
#
# cg_stress for CG_STRESS_DURATION seconds (make stress DURATION=, default
# 600): everything of tests/cases/210-stress-everything.sh, longer, with an
# rmmod/insmod every second mode switch (every other one with a guarded
# collapse held in flight). Prints the final table.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/everything.sh
. /opt/cg/tests/everything.sh
trap stress_teardown EXIT

stress_setup
cg_load mode=guard
stress_run everything --seconds "${CG_STRESS_DURATION:-600}" --toggle \
	--module "$CG_KO" --reload-every 2 --expect-guarded
stress_check everything
stress_expect_ok everything
assert_gt "$(stress_value everything rmmod_insmod)" 0 "reloads during the run"
cg_unload
