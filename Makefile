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

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

SRC := $(CURDIR)
# The Debian 6.1 kernel the lab box runs; tools/rig/kver picks the newest
# installed linux-headers-6.1.*-amd64 (tools/rig/deps.sh installs it).
KVER ?= $(shell $(SRC)/tools/rig/kver 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
BUILD := $(SRC)/build

export KVER KDIR

.PHONY: all modules hvctl clean deps demo check bench check-isolation kunit

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

clean:
	-$(MAKE) -C $(KDIR) M=$(SRC) clean
	-$(MAKE) -C $(SRC)/userspace-tool clean
	rm -rf $(BUILD)

endif
