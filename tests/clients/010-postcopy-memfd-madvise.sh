#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# Postcopy migration of a paused VM whose destination RAM is a memfd
# (memory-backend-memfd,share=on), while a vhost-user-like backend that
# received the memfd over a unix socket calls MADV_COLLAPSE on every 2 MiB
# of it. Stock 6.1 (off, observe) fills the holes the destination has not
# received yet: QEMU's UFFDIO_COPY then fails with EEXIST, the migration
# stops in postcopy-paused and pages read as zeros. Guard: every page
# arrives, the veto is counted. The 6.12 oracle: every page arrives.
# cgctl doctor, run while the destination is in postcopy, names the
# destination QEMU and its memfd: EXPOSED under off and observe, protected
# under guard (not affected on 6.12). In observe, the uffd_exposed event
# names the destination QEMU (its pid) as the victim.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/cases-helpers.sh"
# shellcheck source=tests/clients/helpers.sh
. "$(dirname "$0")/helpers.sh"

clients_setup
every_mode madvise --during "cgctl doctor"
broken_guard madvise
clients_cleanup
