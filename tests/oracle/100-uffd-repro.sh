#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# Upstream (6.12, no module) on the reproducer, with the expectations the
# guard is held to in tests/cases/100 and 110: MADV_COLLAPSE fails with
# EBUSY, the hole stays and the event arrives, wherever the hole is, and when
# the collapsed mapping is registered WP too (6.1 fills the hole there and
# says EINVAL); MINOR and WP registrations still collapse. Upstream unmaps the
# pages before it refuses (--allow-unmap): that is where the guard does better.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

! cg_loaded || fail "collapse_guard is loaded on the oracle kernel"
knob_set "$CG_THP/enabled" never
shmem_thp never
for hole in 7 0 511 256; do
	run uffd_collapse_repro --hole "$hole" --expect guarded --allow-unmap
done
run uffd_collapse_repro --wp-b --expect guarded --allow-unmap
run uffd_collapse_repro --mode minor --expect collapsed
run uffd_collapse_repro --mode wp --expect collapsed
