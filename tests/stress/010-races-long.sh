#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 2400
#
# The four race programs of tests/cases (140-143), about ten times longer,
# in guard mode. Every collapse_file call must have run the guarded one.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

knob_set "$CG_THP/enabled" never
shmem_thp never
cg_load mode=guard
cg_stats_save s
run race_uffd_register --iterations 1500
run race_seek_hole --iterations 15000
run race_fill --iterations 1500
run race_truncate --iterations 600
assert_eq "$(cg_stat_delta s guard_calls)" "$(cg_stat_delta s file_calls)" "guard_calls vs file_calls"
cgctl stats --diff s --nonzero
cg_unload
