#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# Upstream 6.12 (no module) on tests/cases/162: 6.12 predates 4188b2592ff6,
# so a collapse from another memory cgroup drifts there as on stock 6.1 (the
# huge page's cgroup gains only the hole; the writer's cgroup stays charged
# with pages that no longer exist). The guard carries the fix.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

! cg_loaded || fail "collapse_guard is loaded on the oracle kernel"
memcg_cross_mount
khugepaged_fast
shmem_thp advise
CGS="a1 b1 a2 b2"
# shellcheck disable=SC2086 # one word per cgroup
memcg_enable $CGS
trap 'memcg_cross_umount; memcg_remove $CGS' EXIT
memcg_cross_check madvise drift a1 b1
memcg_cross_check khugepaged drift a2 b2
