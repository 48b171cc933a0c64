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

## KRELEASE: the guest kernel release (default: the newest /boot/vmlinuz-6.1.* with its headers)
## KDIR: the kernel build tree the module is built against (default: the running kernel's, else KRELEASE's headers)
## BUILD: where builds, guest images and logs go (default: build/)
## V: 1 for the kernel build's full commands
## DURATION: seconds of each timed run of make stress (default 600)
## DESTDIR: the staging root of make install and uninstall
## DKMS_STAGE: the directory make dkms-stage copies the DKMS sources to
## CG_ACCEL: the guest's accelerator, tcg (default) or kvm where nested KVM works
## CG_TESTS: run only the tests whose names match (globs or substrings, blank-separated)
## CG_TIMEOUT_SCALE: an integer factor on every test's timeout (slow machines)
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

.PHONY: all module userspace testmods selftest-module selftests check demo demo-qemu stress bench oracle-check emulator-check clients abi-sweep \
	debug-kernel debug-check \
	checkpatch shellcheck sparse lint clean help modules_install install uninstall dkms-add dkms-check deps \
	dkms-stage deb deb-check metrics-check

all: module userspace ## collapse_guard.ko at the top and the userspace tools in build/bin (the default)

module: $(KDIR)/Makefile ## collapse_guard.ko only (KDIR=, V=1 for the commands)
	$(MAKE) -C $(KDIR) M=$(CURDIR) V=$(V) modules

$(KDIR)/Makefile:
	@echo "collapse_guard: no kernel build tree at '$(KDIR)'." >&2
	@echo "  Install the headers: apt-get install linux-headers-amd64" >&2
	@echo "  (or pass KDIR=/path/to/a/configured/6.1/tree)" >&2
	@false

userspace: ## the userspace tools and test programs only, into build/bin
	$(MAKE) -C userspace BUILD=$(BUILD)

# A test build of the module, with the selftest= fault switches
# (include/cg_selftest.h), from a copy of the sources: for the guest tests.
SELFTEST_DIR = $(BUILD)/selftest-module
selftest-module: $(KDIR)/Makefile ## a test build of the module with fault switches (build/selftest-module)
	rm -rf $(SELFTEST_DIR)
	mkdir -p $(SELFTEST_DIR)/module $(SELFTEST_DIR)/include $(SELFTEST_DIR)/debugfs
	for d in module include debugfs; do cp $$d/*.[ch] $(SELFTEST_DIR)/$$d/; done
	cp Kbuild VERSION $(SELFTEST_DIR)/
	$(MAKE) -C $(KDIR) M=$(SELFTEST_DIR) CG_SELFTEST=1 V=$(V) modules

# A helper module for the guest tests only (tests/modules/cg_testmod.c).
testmods: $(KDIR)/Makefile ## tests/modules/cg_testmod.ko, a helper for the guest tests
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/modules V=$(V) modules

# The kernel's own vm selftests (khugepaged, userfaultfd), for the guest.
selftests: ## the kernel's khugepaged/userfaultfd selftests, for the guest
	tests/harness/build-selftests.sh

# The release the module is built for (its vermagic), not the headers'
# kernel.release (Debian's says 6.1.NNN).
MODREL = $(shell modinfo -F vermagic collapse_guard.ko 2>/dev/null | cut -d ' ' -f 1)
MODDEST = $(DESTDIR)/lib/modules/$(MODREL)/updates

# For people without DKMS: the module into /lib/modules/<release>/updates
# (then depmod) and cgctl into /usr/local/sbin. DESTDIR= stages elsewhere.
# Loads nothing: modprobe collapse_guard does (contrib/ has the config).
install: all ## module into /lib/modules/<release>/updates, cgctl into /usr/local/sbin (DESTDIR=)
	@[ -n "$(MODREL)" ] || { echo "collapse_guard: no collapse_guard.ko to install" >&2; false; }
	install -D -m 644 collapse_guard.ko $(MODDEST)/collapse_guard.ko
	install -D -m 755 $(BUILD)/bin/cgctl $(DESTDIR)/usr/local/sbin/cgctl
	install -D -m 644 userspace/cgctl/cgctl.8 $(DESTDIR)/usr/local/share/man/man8/cgctl.8
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(MODREL)

uninstall: ## remove what install put there (DESTDIR=)
	@[ -n "$(MODREL)" ] || { echo "collapse_guard: build it first (make), to know the release" >&2; false; }
	rm -f $(MODDEST)/collapse_guard.ko $(DESTDIR)/usr/local/sbin/cgctl \
		$(DESTDIR)/usr/local/share/man/man8/cgctl.8
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(MODREL)

modules_install: install ## the same as install

# What DKMS builds the module from, the one list: dkms-add, dkms-check
# (tests/harness/dkms-check.sh) and the collapse-guard-dkms package
# (debian/rules) all copy it with dkms-stage, without kbuild's outputs.
DKMS_SOURCES = dkms.conf Kbuild VERSION LICENSE module include debugfs
dkms-stage: ## copy the DKMS sources (DKMS_SOURCES) to DKMS_STAGE=<dir>
	@[ -n "$(DKMS_STAGE)" ] || { echo "collapse_guard: dkms-stage needs DKMS_STAGE=<dir>" >&2; false; }
	rm -rf $(DKMS_STAGE)
	mkdir -p $(DKMS_STAGE)
	cp -r $(DKMS_SOURCES) $(DKMS_STAGE)/
	find $(DKMS_STAGE) \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \
		-o -name '*.o.d' -o -name '.*.d' \) -delete

# DKMS: the module's sources into /usr/src/collapse_guard-<version>, added.
DKMS_SRC = /usr/src/collapse_guard-$(shell cat VERSION)
dkms-add: ## sources into /usr/src/collapse_guard-<version>, dkms add
	$(MAKE) dkms-stage DKMS_STAGE=$(DKMS_SRC)
	dkms add -m collapse_guard -v $(shell cat VERSION)

# dkms add and build for every installed 6.1 headers package (no install).
dkms-check: ## dkms add/build for every installed 6.1 headers package
	tests/harness/dkms-check.sh

# The Debian packages collapse-guard-dkms and collapse-guard-tools, built
# with dpkg-buildpackage (installs debhelper, dh-dkms, lintian with apt when
# missing) from a copy of the tree, checked with lintian; into build/deb/.
deb: ## Debian packages collapse-guard-dkms and -tools into build/deb, then lintian
	tests/harness/deb.sh

# The packages installed with apt into a clean Debian 12 root (debootstrap
# from the archive apt uses; downloads a root and a compiler, so not part of
# make check): DKMS builds the module, cgctl runs, purge leaves nothing, an
# upgrade keeps an edited conffile; then the module DKMS built runs the
# reproducer (tests/cases/100) in the guest. Runs make deb if build/deb is empty.
deb-check: deps userspace ## the packages in a debootstrap'd Debian 12 root (apt), then DKMS's module in the guest
	tests/harness/deb-check.sh

# cgctl stats --prometheus on saved debugfs files, checked with promtool
# (installs Debian's prometheus package when missing). No kernel; seconds.
metrics-check: userspace ## cgctl stats --prometheus on saved debugfs files, checked by promtool
	tests/harness/metrics-check.sh

# Installs with apt whatever the guest tests need and is missing.
deps: ## install with apt what building and the guest tests need
	tests/harness/deps.sh

# The tests: installs what is missing, builds, checks the seal protocol's
# model with spin, boots the guest, runs tests/cases.
check: deps ## the tests: model, build refusals, metrics, tests/cases in the guest, one-way boots (TAP 13)
	$(MAKE) all testmods selftest-module selftests KDIR=$(GUEST_KDIR)
	tests/harness/check.sh

demo: deps ## boot the test kernel, load the module, show it at work
	$(MAKE) all KDIR=$(GUEST_KDIR)
	tests/harness/run-demo.sh

demo-qemu: deps ## QEMU postcopy migration in the guest: lost under off, complete under guard
	$(MAKE) all KDIR=$(GUEST_KDIR)
	tests/harness/run-check.sh --demo-qemu

# Long runs, kept out of 'make check'. DURATION (seconds, default 600) is the
# length of tests/stress/100-everything.sh (cg_stress).
DURATION ?= 600
stress: deps ## the long runs of tests/stress (DURATION= seconds of each timed run)
	$(MAKE) all testmods selftest-module selftests KDIR=$(GUEST_KDIR)
	CG_STRESS_DURATION=$(DURATION) tests/harness/run-check.sh --suite stress

# One boot, every performance figure; the table goes to build/bench/.
bench: deps ## every performance figure in one boot, as ratios (build/bench)
	$(MAKE) all KDIR=$(GUEST_KDIR)
	tests/harness/run-check.sh --suite bench
	tests/harness/bench-table.sh

# The guest machine itself: kernel text patched under load, no module
# (CG_TCG_THREAD=multi shows QEMU 7.2's multi-threaded TCG hanging).
emulator-check: deps ## the emulator runs kernel text patched under load (tests/emulator; CG_TCG_THREAD=)
	$(MAKE) all KDIR=$(GUEST_KDIR)
	tests/harness/run-check.sh --suite emulator

# Our users' real program: QEMU postcopy migration in the guest, on 6.1
# (off, observe, guard) and on the 6.12 oracle.
clients: deps ## QEMU postcopy migrations in the guest (tests/clients) on 6.1 and the 6.12 oracle
	$(MAKE) all selftest-module KDIR=$(GUEST_KDIR)
	tests/harness/run-clients.sh

# Every Debian 6.1 ABI and flavour: build, boot, core tests (apt installs
# headers and downloads images; long). CG_ABI_LIST=1: only the archive's
# releases against the table of docs/results.md (new since the table,
# without headers, the command that verifies them); no build, seconds.
ifeq ($(CG_ABI_LIST),)
abi-sweep: deps ## build, boot and test on every Debian 6.1 ABI and flavour (long; CG_ABI_LIST=1: what is new)
	$(MAKE) userspace selftests
	tests/harness/abi-sweep.sh
else
abi-sweep:
	tests/harness/abi-sweep.sh --list
endif

# Differential: the oracle suite on Debian's 6.12 kernel (upstream's fix).
oracle-check: deps ## tests/oracle on Debian's 6.12 kernel (upstream's fix), no module
	$(MAKE) userspace
	tests/harness/run-oracle.sh

debug-kernel: ## build a KASAN/lockdep/DEBUG_VM 6.1 kernel outside the tree (long)
	tests/harness/build-debug-kernel.sh

debug-check: debug-kernel ## the suite against that debug kernel
	tests/harness/run-debug-check.sh

checkpatch: ## the kernel's checkpatch.pl over the kernel-side sources
	tests/harness/lint.sh checkpatch

shellcheck: ## shellcheck over the scripts, groff -ww over the man page
	tests/harness/lint.sh shell man

sparse: $(KDIR)/Makefile ## build with sparse (C=2)
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF="-D__CHECK_ENDIAN__" modules

lint: checkpatch shellcheck sparse ## checkpatch, shellcheck, sparse and a W=1 build
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

clean: ## remove build outputs
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/modules clean 2>/dev/null
	$(MAKE) -C userspace clean BUILD=$(BUILD)
	rm -rf $(BUILD)

help: ## this list, made from the Makefile's own comments
	@echo "Targets:"
	@awk -F ':.*## ' '/^[a-z_-]+:.*## / { printf "  %-16s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))
	@echo "Variables (make VAR=value, or the environment):"
	@sed -n 's/^## \([A-Z_]*\): /  \1: /p' $(firstword $(MAKEFILE_LIST))