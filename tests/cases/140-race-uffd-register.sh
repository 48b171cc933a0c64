#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Guard mode, MADV_COLLAPSE racing with UFFDIO_REGISTER (race_uffd_register):
# every hole that lseek still reported as a hole after the registration
# returned raises its missing-page event and is never filled by the collapse.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

run_guarded_race race_uffd_register
cg_unload
