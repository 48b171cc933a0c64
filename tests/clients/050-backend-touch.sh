#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 900
#
# Kept apart from the collapse cases: a backend that reads the guest's RAM
# through its own mapping, which is not registered with userfaultfd, fills
# the holes it reads (shmem allocates a page on the fault) with no collapse
# at all. userfaultfd reports only faults through the registered VMA: that
# is its contract, and why QEMU's vhost-user postcopy makes the backend
# register its own userfaultfd. Every mode loses pages here, the 6.12
# oracle too, and the module is never called: it cannot and must not
# change this.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/clients/helpers.sh
. "$(dirname "$0")/helpers.sh"

clients_setup
every_mode touch
clients_cleanup
