#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the release of the newest installed Debian 6.1 kernel image that has
# matching headers (same release, so the same vermagic). Exit 1 if none.
set -eu
best=
for img in /boot/vmlinuz-6.1.*; do
	[ -e "$img" ] || continue
	rel=${img#/boot/vmlinuz-}
	[ -f "/usr/src/linux-headers-$rel/Makefile" ] || continue
	best="$best$rel
"
done
[ -n "$best" ] || exit 1
printf '%s' "$best" | sort -V | tail -n 1
