#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# The reproducer through MADV_COLLAPSE. Modes off and observe run the stock
# 6.1 code: the collapse succeeds, the hole is gone, no missing-page event,
# the page reads zeros (--expect lost). Mode guard: MADV_COLLAPSE fails with
# EBUSY (current upstream's errno), before any page is isolated or unmapped
# (the Rss of both mappings is unchanged, nothing sealed or rolled back), the
# hole stays, touching it through the registered mapping raises the event
# and the reader sees the UFFDIO_COPY data (--expect guarded), and
# guard_veto_uffd_missing and guard_veto_uffd_missing_early count each refusal. With B
# registered WP too (--wp-b), stock 6.1 still fills the hole but says EINVAL;
# the guard refuses it the same way.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

thp_quiet
cg_load mode=off
run uffd_collapse_repro --expect lost

cg_set_mode observe
cg_stats_save s
run uffd_collapse_repro --expect lost
expect_deltas s file_calls=1 file_succeed=1 guard_calls=0 guard_veto_uffd_missing=0

cg_set_mode guard
for hole in 7 0 511 256; do
	cg_stats_save s
	run uffd_collapse_repro --hole "$hole" --expect guarded
	expect_deltas s file_calls=1 file_cgroup_charge_fail=1 guard_calls=1 \
		guard_veto_uffd_missing=1 guard_veto_uffd_missing_early=1 guard_committed=0 \
		guard_holes_sealed=0 guard_rollbacks=0
done
cg_stats_save s
run uffd_collapse_repro --wp-b --expect guarded
expect_deltas s file_calls=1 file_cgroup_charge_fail=1 guard_calls=1 \
	guard_veto_uffd_missing=1 guard_veto_uffd_missing_early=1 guard_committed=0 \
	guard_holes_sealed=0 guard_rollbacks=0

# The same kernel, back to stock behaviour: the bug is there again.
cg_set_mode off
run uffd_collapse_repro --expect lost
run uffd_collapse_repro --wp-b --expect lost
cg_unload
