# SPDX-License-Identifier: GPL-2.0
#
# collapse_guard: top-level build.
#
#   make                 build collapse_guard.ko (here) and the userspace tools
#   make check           the test suite, in a QEMU guest booting Debian's 6.1 kernel
#   make demo            boot the test kernel, load the module, show it at work
#   make help            every target and variable
#
# KDIR defaults to the running kernel's build tree when it exists, else to the
# newest installed Debian 6.1 headers whose kernel image is installed too.

KRELEASE ?= $(shell tests/harness/pick-kernel.sh 2>/dev/null)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build/Makefile),)
KDIR ?= /lib/modules/$(shell uname -r)/build
else
KDIR ?= /usr/src/linux-headers-$(KRELEASE)
endif

# The guest boots /boot/vmlinuz-$(KRELEASE): the module it loads is built here.
GUEST_KDIR = /usr/src/linux-headers-$(KRELEASE)

BUILD   ?= $(CURDIR)/build
V       ?= 0

export KDIR KRELEASE BUILD

.PHONY: all module userspace testmods selftest-module selftests check demo stress bench oracle-check abi-sweep \
	debug-kernel debug-check \
	checkpatch shellcheck sparse lint clean help modules_install install uninstall dkms-add dkms-check deps \
	dkms-stage deb metrics-check

all: module userspace

module: $(KDIR)/Makefile
	$(MAKE) -C $(KDIR) M=$(CURDIR) V=$(V) modules

$(KDIR)/Makefile:
	@echo "collapse_guard: no kernel build tree at '$(KDIR)'." >&2
	@echo "  Install the headers: apt-get install linux-headers-amd64" >&2
	@echo "  (or pass KDIR=/path/to/a/configured/6.1/tree)" >&2
	@false

userspace:
	$(MAKE) -C userspace BUILD=$(BUILD)

# A test build of the module, with the selftest= fault switches
# (include/cg_selftest.h), from a copy of the sources: for the guest tests.
SELFTEST_DIR = $(BUILD)/selftest-module
selftest-module: $(KDIR)/Makefile
	rm -rf $(SELFTEST_DIR)
	mkdir -p $(SELFTEST_DIR)/module $(SELFTEST_DIR)/include $(SELFTEST_DIR)/debugfs
	for d in module include debugfs; do cp $$d/*.[ch] $(SELFTEST_DIR)/$$d/; done
	cp Kbuild VERSION $(SELFTEST_DIR)/
	$(MAKE) -C $(KDIR) M=$(SELFTEST_DIR) CG_SELFTEST=1 V=$(V) modules

# A helper module for the guest tests only (tests/modules/cg_testmod.c).
testmods: $(KDIR)/Makefile
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/modules V=$(V) modules

# The kernel's own vm selftests (khugepaged, userfaultfd), for the guest.
selftests:
	tests/harness/build-selftests.sh

# The release the module is built for (its vermagic), not the headers'
# kernel.release (Debian's says 6.1.NNN).
MODREL = $(shell modinfo -F vermagic collapse_guard.ko 2>/dev/null | cut -d ' ' -f 1)
MODDEST = $(DESTDIR)/lib/modules/$(MODREL)/updates

# For people without DKMS: the module into /lib/modules/<release>/updates
# (then depmod) and cgctl into /usr/local/sbin. DESTDIR= stages elsewhere.
# Loads nothing: modprobe collapse_guard does (contrib/ has the config).
install: all
	@[ -n "$(MODREL)" ] || { echo "collapse_guard: no collapse_guard.ko to install" >&2; false; }
	install -D -m 644 collapse_guard.ko $(MODDEST)/collapse_guard.ko
	install -D -m 755 $(BUILD)/bin/cgctl $(DESTDIR)/usr/local/sbin/cgctl
	install -D -m 644 userspace/cgctl/cgctl.8 $(DESTDIR)/usr/local/share/man/man8/cgctl.8
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(MODREL)

uninstall:
	@[ -n "$(MODREL)" ] || { echo "collapse_guard: build it first (make), to know the release" >&2; false; }
	rm -f $(MODDEST)/collapse_guard.ko $(DESTDIR)/usr/local/sbin/cgctl \
		$(DESTDIR)/usr/local/share/man/man8/cgctl.8
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(MODREL)

modules_install: install

# What DKMS builds the module from, the one list: dkms-add, dkms-check
# (tests/harness/dkms-check.sh) and the collapse-guard-dkms package
# (debian/rules) all copy it with dkms-stage, without kbuild's outputs.
DKMS_SOURCES = dkms.conf Kbuild VERSION LICENSE module include debugfs
dkms-stage:
	@[ -n "$(DKMS_STAGE)" ] || { echo "collapse_guard: dkms-stage needs DKMS_STAGE=<dir>" >&2; false; }
	rm -rf $(DKMS_STAGE)
	mkdir -p $(DKMS_STAGE)
	cp -r $(DKMS_SOURCES) $(DKMS_STAGE)/
	find $(DKMS_STAGE) \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \
		-o -name '*.o.d' -o -name '.*.d' \) -delete

# DKMS: the module's sources into /usr/src/collapse_guard-<version>, added.
DKMS_SRC = /usr/src/collapse_guard-$(shell cat VERSION)
dkms-add:
	$(MAKE) dkms-stage DKMS_STAGE=$(DKMS_SRC)
	dkms add -m collapse_guard -v $(shell cat VERSION)

# dkms add and build for every installed 6.1 headers package (no install).
dkms-check:
	tests/harness/dkms-check.sh

# The Debian packages collapse-guard-dkms and collapse-guard-tools, built
# with dpkg-buildpackage (installs debhelper, dh-dkms, lintian with apt when
# missing) from a copy of the tree, checked with lintian; into build/deb/.
deb:
	tests/harness/deb.sh

# cgctl stats --prometheus on saved debugfs files, checked with promtool
# (installs Debian's prometheus package when missing). No kernel; seconds.
metrics-check: userspace
	tests/harness/metrics-check.sh

# Installs with apt whatever the guest tests need and is missing.
deps:
	tests/harness/deps.sh

# The tests: installs what is missing, builds, checks the seal protocol's
# model with spin, boots the guest, runs tests/cases.
check: deps
	$(MAKE) all testmods selftest-module selftests KDIR=$(GUEST_KDIR)
	rc=0; tests/harness/model-check.sh || rc=1; tests/harness/build-refusals.sh || rc=1; \
	tests/harness/metrics-check.sh || rc=1; \
	tests/harness/run-check.sh || rc=1; tests/harness/run-oneway.sh || rc=1; exit $$rc

demo: deps
	$(MAKE) all KDIR=$(GUEST_KDIR)
	tests/harness/run-demo.sh

# Long runs, kept out of 'make check'. DURATION (seconds, default 600) is the
# length of tests/stress/100-everything.sh (cg_stress).
DURATION ?= 600
stress: deps
	$(MAKE) all testmods selftest-module selftests KDIR=$(GUEST_KDIR)
	CG_STRESS_DURATION=$(DURATION) tests/harness/run-check.sh --suite stress

# One boot, every performance figure; the table goes to build/bench/.
bench: deps
	$(MAKE) all KDIR=$(GUEST_KDIR)
	tests/harness/run-check.sh --suite bench
	tests/harness/bench-table.sh

# Every Debian 6.1 ABI and flavour: build, boot, core tests (apt installs
# headers and downloads images; long).
abi-sweep: deps
	$(MAKE) userspace selftests
	tests/harness/abi-sweep.sh

# Differential: the oracle suite on Debian's 6.12 kernel (upstream's fix).
oracle-check: deps
	$(MAKE) userspace
	tests/harness/run-oracle.sh

debug-kernel:
	tests/harness/build-debug-kernel.sh

debug-check: debug-kernel
	tests/harness/run-debug-check.sh

checkpatch:
	tests/harness/lint.sh checkpatch

shellcheck:
	tests/harness/lint.sh shell man

sparse: $(KDIR)/Makefile
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF="-D__CHECK_ENDIAN__" modules

lint: checkpatch shellcheck sparse
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/modules clean 2>/dev/null
	$(MAKE) -C userspace clean BUILD=$(BUILD)
	rm -rf $(BUILD)

help:
	@echo "Targets:"
	@echo "  all (default)    collapse_guard.ko at the top and userspace tools in build/bin"
	@echo "  selftests        the kernel's khugepaged/userfaultfd selftests, for the guest"
	@echo "  testmods         tests/modules/cg_testmod.ko, a helper for the guest tests"
	@echo "  selftest-module  a test build of the module with fault switches (build/selftest-module)"
	@echo "  check            run the guest test suite (installs deps with apt when missing)"
	@echo "  demo             boot the test kernel, load the module, run collapse workloads"
	@echo "  stress           the long stress suite (tests/stress; DURATION=s of cg_stress), not part of check"
	@echo "  bench            benchmarks that print figures (tests/bench)"
	@echo "  oracle-check     tests/oracle on Debian's 6.12 kernel (upstream's fix), no module"
	@echo "  abi-sweep        build, boot and test on every Debian 6.1 ABI and flavour (long)"
	@echo "  debug-kernel     build a KASAN/lockdep/DEBUG_VM 6.1 kernel outside the tree"
	@echo "  debug-check      run the suite against that debug kernel"
	@echo "  checkpatch       scripts/checkpatch.pl over the kernel-side sources"
	@echo "  sparse           build with sparse (C=2)"
	@echo "  shellcheck       shellcheck over the scripts, groff -ww over the man page"
	@echo "  lint             checkpatch, shellcheck, sparse and a W=1 build"
	@echo "  install          module into /lib/modules/<release>/updates, cgctl into /usr/local/sbin"
	@echo "  uninstall        remove what install put there (DESTDIR= for both)"
	@echo "  dkms-add         sources into /usr/src/collapse_guard-<version>, dkms add"
	@echo "  dkms-check       dkms add/build for every installed 6.1 headers package"
	@echo "  dkms-stage       copy the DKMS sources (DKMS_SOURCES) to DKMS_STAGE=<dir>"
	@echo "  deb              Debian packages collapse-guard-dkms and -tools into build/deb, lintian"
	@echo "  metrics-check    cgctl stats --prometheus on saved debugfs files, checked by promtool"
	@echo "  clean            remove build outputs"
	@echo "Variables:"
	@echo "  KDIR=$(KDIR)"
	@echo "  KRELEASE=$(KRELEASE) (the guest kernel release)"
	@echo "  BUILD=$(BUILD)"
	@echo "  CG_ACCEL=tcg|kvm (guest accelerator, default tcg)"
	@echo "  CG_TESTS='pattern' (run only matching tests/cases)"
