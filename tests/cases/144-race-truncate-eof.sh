#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 420
#
# MADV_COLLAPSE of a 2 MiB memfd with only its last page written, racing a
# truncation to 0, a punch of the whole range, or a fallocate of it
# (race_truncate_eof, delays swept over the collapse's duration). After each
# round the file is what the operation alone leaves: after truncation no
# block charged past EOF (st_blocks 0), SIGBUS past EOF through the mapping,
# and zeros once grown back; after a punch no block and zeros; after a
# fallocate every block, the written page intact. Stock 6.1 (mode off) must
# pass the same program (it checks the checker), and the guard must run for
# every collapse_file call and the race must have overlapped collapses.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=off
run race_truncate_eof --op truncate --iterations 60
cg_unload

run_guarded_race race_truncate_eof --op truncate --iterations 800
run race_truncate_eof --op truncate --holes 300 --iterations 80
run race_truncate_eof --op punch --iterations 80
run race_truncate_eof --op fallocate --iterations 80
cg_unload
