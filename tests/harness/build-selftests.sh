#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the kernel's own vm selftests that exercise collapse and
# userfaultfd (khugepaged, userfaultfd) from Debian's linux-source-6.1, as
# static binaries for the guest: $BUILD/bin/selftest_khugepaged and
# $BUILD/bin/selftest_userfaultfd.  Nothing of them is kept in the tree.
set -eu

BUILD=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
TARBALL=${CG_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
src=$BUILD/selftests-src
out=$BUILD/bin

if [ ! -f "$TARBALL" ]; then
	echo "build-selftests: $TARBALL missing: apt-get install linux-source-6.1" >&2
	exit 1
fi

if [ ! -f "$src/.extracted" ] || [ "$TARBALL" -nt "$src/.extracted" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar xJf "$TARBALL" -C "$src" --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/vm/khugepaged.c \
		linux-source-6.1/tools/testing/selftests/vm/userfaultfd.c \
		linux-source-6.1/tools/testing/selftests/vm/vm_util.c \
		linux-source-6.1/tools/testing/selftests/vm/vm_util.h
	touch "$src/.extracted"
fi

mkdir -p "$out"
vm=$src/tools/testing/selftests/vm
for t in khugepaged userfaultfd; do
	bin=$out/selftest_$t
	if [ ! -x "$bin" ] || [ "$vm/$t.c" -nt "$bin" ]; then
		gcc -static -O2 -w -o "$bin" "$vm/$t.c" "$vm/vm_util.c" \
			-lrt -lpthread
	fi
done
