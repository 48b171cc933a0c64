#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE in a loop against hole punching, writes,
# truncation and regrowth (race_truncate): the file always equals the model
# of the completed operations, no SIGBUS inside the file size.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

run_guarded_race race_truncate
cg_unload
