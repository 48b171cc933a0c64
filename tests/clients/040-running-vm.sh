#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# A running VM, not a paused one: its firmware (userspace/clients/vmbios.S)
# keeps incrementing the first byte of every page from 1 MiB up, pass after
# pass, and counts its passes. The VM is migrated in postcopy (memfd RAM)
# while the backend calls MADV_COLLAPSE on the destination's RAM; the VM
# runs on the destination, faulting pages in as it goes. After the
# migration every page must hold v or v+1 in pass order, and the pass
# counter must go on rising on the destination: the program ran there.
# Stock 6.1 loses pages or stalls the migration; guard does neither. Where
# it completes, the VM's pause (the source's STOP event to the
# destination's RESUME, the bench's figure) is measured and lies inside
# the migration.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/cases-helpers.sh"
# shellcheck source=tests/clients/helpers.sh
. "$(dirname "$0")/helpers.sh"

clients_setup
for mode in $(clients_modes); do
	expect_case "$mode" madvise --running
	[ "$mode" = off ] || [ "$mode" = observe ] || {
		at_switch=$(qp_value passes_at_switch)
		assert_gt "$(qp_value passes_at_end)" "$at_switch" "$mode: the VM's passes on the destination"
		pause=$(qp_value vm_pause_us)
		assert_gt "$pause" 0 "$mode: the VM's pause was measured (us)"
		assert_gt "$(($(qp_value time_ms) * 1000))" "$pause" "$mode: the migration's time (us) against the VM's pause"
	}
done
broken_guard madvise --running
clients_cleanup
