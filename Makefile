# SPDX-License-Identifier: GPL-2.0
#
# greenvisor top-level Makefile.
#
#   make            build greenvisor.ko (and hypapps) against KDIR, and hvctl
#   make demo       fresh machine: install deps, build, boot the emulated
#                   lab box (Bochs) with greenvisor loaded, show hvctl output
#   make check      fresh machine: install deps, build, run every test;
#                   closes with "N passed, N failed"
#   make bench      benchmarks in Bochs (figures, not pass/fail)
#   make check-isolation   root-side objects reference no Linux symbol
#   make install    modules into INSTALL_MOD_PATH/lib/modules/KVER/INSTALL_MOD_DIR
#                   (then depmod), hvctl, hvctl.8, bash completion and the
#                   modprobe.d example under DESTDIR/PREFIX
#   make uninstall  remove what `make install` installed (then depmod)
#   make dkms-source  copy the module sources to DESTDIR/usr/src/greenvisor-VERSION
#                   for `dkms add/build/install greenvisor/VERSION`

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

SRC := $(CURDIR)
# The Debian 6.1 kernel the lab box runs; tools/rig/kver picks the newest
# installed linux-headers-6.1.*-amd64 (tools/rig/deps.sh installs it).
KVER ?= $(shell $(SRC)/tools/rig/kver 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
BUILD := $(SRC)/build

# Installation (docs/install.md). INSTALL_MOD_PATH defaults to DESTDIR, so
# `make install DESTDIR=/tmp/x` stages everything without root.
DESTDIR ?=
PREFIX ?= /usr/local
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= updates/greenvisor
MODDIR := $(INSTALL_MOD_PATH)/lib/modules/$(KVER)
DOCDIR ?= $(PREFIX)/share/doc/greenvisor
DEPMOD ?= depmod
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(SRC)/dkms.conf)
# What a kernel build of greenvisor needs (DKMS, in-tree): Kbuild reads
# nothing else.
KBUILD_SOURCES := Kbuild Kconfig Makefile dkms.conf README.md \
	module hvcore ept vtd hypapps uapi include
# Optional: sign the installed modules (docs/signing.md), e.g.
#   make install SIGN_KEY=/var/lib/dkms/mok.key SIGN_CERT=/var/lib/dkms/mok.pub
SIGN_KEY ?=
SIGN_CERT ?=
SIGN_HASH ?= sha256

export KVER KDIR

.PHONY: all modules hvctl clean deps demo check bench check-isolation kunit \
	install install-modules install-hvctl install-doc uninstall \
	uninstall-modules uninstall-hvctl uninstall-doc dkms-source

all: modules hvctl

modules:
	$(MAKE) -C $(KDIR) M=$(SRC) modules

kunit:
	$(SRC)/tools/kunit/build.sh

hvctl:
	$(MAKE) -C $(SRC)/userspace-tool

check-isolation: modules
	$(SRC)/tools/check-isolation.sh $(SRC)

deps:
	$(SRC)/tools/rig/deps.sh

demo: deps
	$(MAKE) all
	$(SRC)/tools/rig/demo.sh

check: deps
	$(SRC)/tools/check.sh

bench: deps
	$(MAKE) all
	$(SRC)/tools/rig/bench.sh

install: install-modules install-hvctl install-doc

# The kernel's modules_install would sign with Debian's own key, which the
# headers do not ship (CONFIG_MODULE_SIG_ALL): that is turned off, and
# SIGN_KEY/SIGN_CERT sign instead. It also skips depmod without a System.map
# (Debian's headers have none): depmod runs here, on INSTALL_MOD_PATH when
# one is given.
install-modules: modules
	$(MAKE) -C $(KDIR) M=$(SRC) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) CONFIG_MODULE_SIG_ALL= \
		modules_install
	$(if $(SIGN_KEY),find $(MODDIR)/$(INSTALL_MOD_DIR) -name '*.ko' \
		-exec $(KDIR)/scripts/sign-file $(SIGN_HASH) $(SIGN_KEY) \
		$(SIGN_CERT) {} \;)
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

install-hvctl: hvctl
	$(MAKE) -C $(SRC)/userspace-tool DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) install

# The modprobe.d example is documentation: copy it to /etc/modprobe.d/ to use it.
install-doc:
	install -D -m 0644 $(SRC)/packaging/greenvisor.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/greenvisor.conf

uninstall: uninstall-modules uninstall-hvctl uninstall-doc

uninstall-modules:
	@test -n "$(KVER)" -a -n "$(INSTALL_MOD_DIR)" || \
		{ echo "uninstall: KVER or INSTALL_MOD_DIR is empty" >&2; exit 1; }
	rm -rf $(MODDIR)/$(INSTALL_MOD_DIR)
	if [ -d $(MODDIR) ]; then \
		$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER); fi

uninstall-hvctl:
	$(MAKE) -C $(SRC)/userspace-tool DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) uninstall

uninstall-doc:
	rm -f $(DESTDIR)$(DOCDIR)/examples/modprobe.d/greenvisor.conf

# Sources only: no objects, no build/ (tools/check.d/15-dkms.sh uses it).
dkms-source:
	@test -n "$(VERSION)" || { echo "no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	rm -rf $(DESTDIR)/usr/src/greenvisor-$(VERSION)
	mkdir -p $(DESTDIR)/usr/src/greenvisor-$(VERSION)
	tar -C $(SRC) --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.order' \
		--exclude='*.symvers' --exclude='*.a' --exclude='.*.d' \
		-cf - $(KBUILD_SOURCES) | \
		tar -C $(DESTDIR)/usr/src/greenvisor-$(VERSION) -xf -

clean:
	-$(MAKE) -C $(KDIR) M=$(SRC) clean
	-$(MAKE) -C $(SRC)/userspace-tool clean
	rm -rf $(BUILD)

endif
