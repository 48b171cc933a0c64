#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# As 010, but nothing calls MADV_COLLAPSE: the backend only maps the memfd
# (no madvise), shmem_enabled=always and khugepaged scans without pause.
# khugepaged reaches the backend's mapping while the destination is in
# postcopy (two full scans in that window, else the migration is run again
# with half the bandwidth), and collapses the ranges that hold some pages
# and some holes. QEMU marks its own mapping MADV_NOHUGEPAGE in postcopy,
# so only the backend's mapping exposes the RAM. Stock 6.1 loses pages;
# guard counts the vetoes khugepaged met; the 6.12 oracle loses nothing.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/cases-helpers.sh"
# shellcheck source=tests/clients/helpers.sh
. "$(dirname "$0")/helpers.sh"

clients_setup
shmem_thp always
khugepaged_fast
every_mode khugepaged
broken_guard khugepaged
khugepaged_restore
clients_cleanup
