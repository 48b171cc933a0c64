#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
#
# Every mode written reads back bracketed (and through cgctl), through both
# controls: debugfs "mode" and the module parameter
# (/sys/module/collapse_guard/parameters/mode, the one left under lockdown);
# anything but a mode name (with at most one trailing newline) fails with
# EINVAL and leaves the mode unchanged. The controls and the statistics are
# root only.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

# mode_line MODE: what the mode file must read when MODE is active.
mode_line() {
	case $1 in
	off) echo "[off] observe guard" ;;
	observe) echo "off [observe] guard" ;;
	guard) echo "off observe [guard]" ;;
	esac
}

check_mode() {
	_line=$(cat "$MODEFILE")
	[ "$_line" = "$(mode_line "$1")" ] ||
		fail "mode file reads '$_line', expected '$(mode_line "$1")'"
	run cgctl mode
	[ "$(kv mode "$OUT")" = "$1" ] || fail "cgctl mode says $(kv mode "$OUT"), expected $1"
}

# refuse LABEL BYTES: writing BYTES (printf format) must fail with EINVAL
# and change nothing.
refuse() {
	_before=$(cg_mode)
	# One write(2) of exactly these bytes; dd reports the errno.
	# shellcheck disable=SC2059 # the bytes to write are the format
	if printf "$2" | dd of="$MODEFILE" bs=64 conv=notrunc 2>err; then
		fail "writing $1 to mode succeeded"
	fi
	grep -q 'Invalid argument' err || fail "writing $1 failed, but not with EINVAL: $(cat err)"
	check_mode "$_before"
	echo "refused $1 with EINVAL"
}

# perms FILE OCTAL: FILE has mode OCTAL and belongs to root.
perms() {
	[ "$(stat -c '%a %u' "$1")" = "$2 0" ] ||
		fail "$1 has mode/owner $(stat -c '%a %u' "$1"), expected $2 root"
}

# roundtrip: every switch and every refusal through $MODEFILE.
roundtrip() {
	echo guard >"$MODEFILE"
	check_mode guard
	for m in off observe guard observe off guard off; do
		echo "$m" >"$MODEFILE" || fail "cannot write $m"
		check_mode "$m"
	done
	printf observe >"$MODEFILE" || fail "cannot write observe without a newline"
	check_mode observe
	run cgctl mode guard
	check_mode guard

	refuse "'bogus'" 'bogus\n'
	refuse "an empty line" '\n'
	refuse "'guard extra'" 'guard extra\n'
	refuse "'GUARD'" 'GUARD\n'
	refuse "'guard ' (trailing blank)" 'guard \n'
	refuse "'guard' with two newlines" 'guard\n\n'
	refuse "'guardian'" 'guardian\n'
	refuse "'of'" 'of\n'
	echo off >"$MODEFILE"
	refuse "'bogus' (while off)" 'bogus\n'
	run_status 1 cgctl mode bogus
	check_mode off
	run_status 1 cgctl mode ''
	check_mode off
}

cg_load mode=guard
perms "$CG_DBG/mode" 600
perms "$CG_DBG/stats" 400
perms "$CG_PARAM_MODE" 600
perms "$CG_DBG/hist" 400
perms "$CG_DBG/reset" 200
perms "$CG_DBG/inject" 600
perms "$CG_DBG/anon_lock_timing" 600
for MODEFILE in "$CG_DBG/mode" "$CG_PARAM_MODE"; do
	echo "== $MODEFILE"
	roundtrip
done
cg_unload
