#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Bad input and permissions. debugfs_fuzz writes thousands of random inputs
# (bytes, printable garbage, mangled words, lengths 0-64, offsets, two
# writers at once) to every debugfs file and to the mode parameter: every
# refused write is EINVAL (or the documented EBUSY/ENODEV) and leaves mode,
# state, inject and anon_lock_timing as they were; nothing crashes or warns (the
# harness scans the log). Afterwards the guard still guards. A non-root user
# can neither read nor write any of the files. Seeds are printed.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

ITER=${CG_FUZZ_ITERATIONS:-1500}
STATES="$CG_DBG/mode $CG_DBG/state $CG_DBG/inject $CG_DBG/anon_lock_timing"

thp_quiet
cg_load mode=guard
seed=$(($(date +%s) % 100000 + 1))
echo "seed base $seed"
for f in mode inject anon_lock_timing reset state stats hist; do
	seed=$((seed + 1))
	# shellcheck disable=SC2086 # one word per state file
	run debugfs_fuzz --iterations "$ITER" --seed "$seed" "$CG_DBG/$f" $STATES
done
seed=$((seed + 1))
# shellcheck disable=SC2086 # one word per state file
run debugfs_fuzz --iterations "$ITER" --seed "$seed" "$CG_PARAM_MODE" $STATES
cat "$CG_DBG/inject"

echo "== the guard still guards"
echo off >"$CG_DBG/inject"
echo 0 >"$CG_DBG/anon_lock_timing"
cg_set_mode guard
run uffd_collapse_repro --expect guarded

echo "== not root"
for f in "$CG_DBG"/* "$CG_PARAM_MODE"; do
	if runas 65534 65534 cat "$f" >/dev/null 2>&1; then
		fail "a non-root user read $f"
	fi
	if runas 65534 65534 sh -c "echo guard >$f" 2>/dev/null; then
		fail "a non-root user wrote $f"
	fi
done
echo "no file readable or writable by uid 65534"
cg_set_mode off
cg_unload
