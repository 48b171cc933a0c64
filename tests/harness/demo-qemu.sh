#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Guest side of "make demo-qemu" (run-check.sh --demo-qemu): what our users
# fear, with their own program. Debian's QEMU postcopy-migrates a paused
# 32 MiB VM between two processes; its destination RAM is a memfd that a
# second process (as a vhost-user backend would) maps and collapses with
# MADV_COLLAPSE while pages are still arriving. First in mode off (stock
# 6.1): QEMU fails to place pages ("File exists"), the migration stops in
# postcopy-paused, and the check of every page finds thousands of zeros.
# Then in mode guard: the same migration completes and every page holds
# what the source sent. cgctl doctor runs during each migration.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

RAM=/mnt/demo-ram
WORK=/tmp/demo-qp

section() {
	echo
	echo "== $*"
}

migrate() {
	cg_set_mode "$1"
	rm -rf "$WORK" "${RAM:?}"/*
	mkdir -p "$WORK"
	cg_stats_save "$WORK.stats"
	echo "+ qemu_postcopy --collapse madvise --during 'cgctl doctor' (mode $1)"
	qemu_postcopy --qemu /usr/bin/qemu-system-x86_64 --bios /opt/cg/bin/vmbios.bin \
		--workdir "$WORK" --source-file "$RAM/src" --collapse madvise \
		--during "cgctl doctor" >"$WORK.out" 2>&1 || true
	echo "migration: status $(sed -n 's/^status=//p' "$WORK.out"), $(sed -n 's/^time_ms=//p' "$WORK.out") ms;" \
		"pages checked $(sed -n 's/^pages=//p' "$WORK.out"), wrong $(sed -n 's/^wrong=//p' "$WORK.out")" \
		"(zeros $(sed -n 's/^zero=//p' "$WORK.out"))"
	echo "the backend's MADV_COLLAPSE calls while pages were arriving: $(sed -n 's/^collapse_attempts_in_postcopy=//p' "$WORK.out")," \
		"refused with EBUSY: $(sed -n 's/^refused_ebusy=//p' "$WORK.out")"
	echo "the destination QEMU said:"
	grep -v kvmvapic "$WORK/dst.log" | sed "s/^/  /" | grep . || echo "  (nothing)"
	echo "cgctl doctor, during the migration:"
	grep 'qemu-system-x86\|^verdict' "$WORK/during.out" | sed 's/^ */  /' || true
	echo "the module counted: guard_veto_uffd_missing +$(cg_stat_delta "$WORK.stats" guard_veto_uffd_missing)"
}

knob_set "$CG_THP/enabled" never
shmem_thp never
mkdir -p "$RAM"
mount -t tmpfs -o size=128m demo-ram "$RAM" || fail "cannot mount a tmpfs"
cg_load mode=off

section "mode off: stock 6.1 (the module loaded, doing nothing)"
migrate off

section "mode guard: the same migration"
migrate guard

umount "$RAM"
cg_unload
