#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, refused collapses against lock-free observers (race_seek_hole):
# while holes are sealed with retry entries and unsealed again, lseek
# SEEK_HOLE/SEEK_DATA and mincore never report a hole as data; afterwards the
# holes are intact and raise their events. Each refusal is one
# guard_uffd_vetoed.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

run_guarded_race race_seek_hole
refused=$(kv refused "$OUT")
assert_gt "$refused" 0 "refused collapses"
expect_deltas s guard_uffd_vetoed="$refused" guard_succeeded=0
# stock 6.1 (mode off) has the bug: the same program must catch it
cg_set_mode off
run_status 1 race_seek_hole
cg_unload
