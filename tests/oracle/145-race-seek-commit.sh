#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Upstream (6.12, no module) under the lookups of tests/cases/145: with
# a2e17cc2efc7, SEEK_DATA/SEEK_HOLE and mincore never take a written page
# for a hole while a collapse commits. The same program, the same count of
# collapses it must run through.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

knob_set "$CG_THP/enabled" never
shmem_thp never
run race_seek_commit --iterations 2000 --overlaps 20
assert_ge "$(kv overlapped "$OUT")" 20 "committed collapses the observer ran through"
