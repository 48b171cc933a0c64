#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in QEMU, load collapse_guard and show it at work
# (tests/harness/demo.sh in the guest): the mode, a shmem and an anonymous
# collapse, the statistics. Same environment as run-check.sh, plus
# CG_DEMO_MODE (off|observe|guard, default guard).
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${CG_DEMO_MODE:-}" ]; then
	CG_APPEND="${CG_APPEND:+$CG_APPEND }cg.demo_mode=$CG_DEMO_MODE"
	export CG_APPEND
fi
exec "$HARNESS/run-check.sh" --demo "$@"
