#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 420
#
# Upstream (6.12, no module) under the truncation, hole punch and fallocate
# races that tests/cases/144 runs against the guard: the same program, the
# same assertions.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

knob_set "$CG_THP/enabled" never
shmem_thp never
run race_truncate_eof --op truncate --iterations 400
run race_truncate_eof --op truncate --holes 300 --iterations 80
run race_truncate_eof --op punch --iterations 80
run race_truncate_eof --op fallocate --iterations 80
