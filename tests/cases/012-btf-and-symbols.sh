#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# What the module calls is what it thinks it is, checked against the running
# kernel's BTF at load; the test build of the module (selftest=) fakes the
# kernel differences:
#  - a function prototype that differs (selftest=prototype): the load is
#    refused with one line naming the function, what the kernel has and what
#    was expected, and leaves nothing behind;
#  - no BTF (selftest=missing_btf): refused with one line, unless
#    ignore_missing_btf=1, which loads and says the checks were skipped;
#  - an observation target inlined (selftest=no_anon_symbol: as a KASAN
#    build inlines collapse_huge_page): the module loads, says so in one
#    line, anon_available reads 0 and anonymous collapses are not counted,
#    while the guard works as ever.
# The normal module loads, so the real kernel passed every check, prints its
# version, and reads anon_available and file_available 1.
set -eu
# shellcheck source=tests/lib.sh
. /opt/cg/tests/lib.sh
# shellcheck source=tests/cases/helpers.sh
. "$(dirname "$0")/helpers.sh"

SELFTEST_KO=/opt/cg/collapse_guard_selftest.ko

thp_quiet
[ -f "$SELFTEST_KO" ] || fail "$SELFTEST_KO is not in the guest image"

echo "== the real kernel passes"
cg_load
v=$(cat /sys/module/collapse_guard/version)
dmesg | grep -q "collapse_guard: version $v loaded, mode guard" || fail "no 'version $v loaded' line"
assert_eq "$(cg_state file_available)" 1 "file_available"
assert_eq "$(cg_state anon_available)" 1 "anon_available"
cg_unload

echo "== a prototype that differs"
expect_refused_load 'kernel function collapse_file is "int (struct mm_struct \*, long unsigned int, struct file \*, long unsigned int, struct collapse_control \*)", expected "int (struct mm_struct \*, long unsigned int, struct file \*, long unsigned int)": unsupported kernel' \
	"$SELFTEST_KO" selftest=prototype

echo "== no BTF"
expect_refused_load 'the kernel has no BTF' "$SELFTEST_KO" selftest=missing_btf
insmod "$SELFTEST_KO" selftest=missing_btf ignore_missing_btf=1 ||
	fail "ignore_missing_btf=1 did not load"
dmesg | grep -q 'prototypes and layouts unverified, loading anyway' ||
	fail "no line saying the checks were skipped"
cg_unload

echo "== collapse_huge_page inlined"
insmod "$SELFTEST_KO" selftest=no_anon_symbol || fail "the load without collapse_huge_page failed"
dmesg | grep -q 'kernel symbol collapse_huge_page not found (inlined? its statistics are unavailable)' ||
	fail "no line saying the anonymous statistics are unavailable"
assert_eq "$(cg_state anon_available)" 0 "anon_available"
cg_stats_save s
run cg_collapse anon --expect collapsed
run uffd_collapse_repro --expect guarded
expect_deltas s anon_calls=0 file_calls=1 guard_calls=1 guard_veto_uffd_missing=1
cg_unload
