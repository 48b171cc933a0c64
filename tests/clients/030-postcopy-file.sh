#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 1200
#
# As 010, with the destination's RAM a file on a tmpfs
# (memory-backend-file,share=on: libvirt's file-backed memory), mounted
# without huge= and with huge=always: the backend reopens the same file
# and calls MADV_COLLAPSE on it. huge=always changes who may collapse, not
# the bug: stock 6.1 loses pages on both mounts, guard on neither. cgctl
# doctor, during each migration, names the destination QEMU and the file.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/clients/helpers.sh
. "$(dirname "$0")/helpers.sh"

clients_setup
for huge in "" huge=always; do
	echo "-- tmpfs ${huge:-without huge=}"
	clients_mount "$huge"
	every_mode madvise --dst-file "$QP_TMP/dst-ram" --during "cgctl doctor"
done
clients_cleanup
