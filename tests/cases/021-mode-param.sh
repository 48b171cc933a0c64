#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# The mode= module parameter: each valid value is the active mode after
# insmod; an invalid value makes insmod fail and leaves nothing behind.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

for m in observe off guard; do
	cg_load mode="$m"
	[ "$(cg_mode)" = "$m" ] || fail "insmod mode=$m: active mode is $(cg_mode)"
	run cgctl mode
	[ "$(kv mode "$OUT")" = "$m" ] || fail "cgctl mode: $(kv mode "$OUT")"
	cg_unload
done

for bad in bogus '' GUARD 'guard,off'; do
	if insmod "$CG_KO" mode="$bad" 2>err; then
		cg_unload
		fail "insmod mode='$bad' succeeded"
	fi
	echo "insmod mode='$bad' refused: $(cat err)"
	! cg_loaded || fail "collapse_guard loaded after insmod mode='$bad'"
	[ ! -e "$CG_DBG" ] || fail "$CG_DBG left behind by insmod mode='$bad'"
done

# A refused insmod leaves the module loadable.
cg_load mode=observe
[ "$(cg_mode)" = observe ] || fail "mode after the refused loads is $(cg_mode)"
cg_unload
