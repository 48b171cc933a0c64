#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 1800
#
# The four race programs at once, with khugepaged scanning without pause:
# their memfd ranges are MADV_HUGEPAGE, so khugepaged collapses (or is
# refused on) them concurrently with their own MADV_COLLAPSE calls. Each
# program's invariants cover collapses from any source.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh

khugepaged_fast
shmem_thp advise
cg_load mode=guard
cg_stats_save s
race_uffd_register --iterations 600 >uffd_register.log 2>&1 &
p1=$!
race_seek_hole --iterations 6000 >seek_hole.log 2>&1 &
p2=$!
race_fill --iterations 600 >fill.log 2>&1 &
p3=$!
race_truncate --iterations 250 >truncate.log 2>&1 &
p4=$!
bad=
for p in "$p1:uffd_register" "$p2:seek_hole" "$p3:fill" "$p4:truncate"; do
	rc=0
	wait "${p%%:*}" || rc=$?
	echo "== race_${p#*:} (exit $rc)"
	cat "${p#*:}.log"
	[ "$rc" -eq 0 ] || bad="$bad ${p#*:}"
done
cgctl stats --diff s --nonzero
[ -z "$bad" ] || fail "failed:$bad"
cg_unload
