// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold: create a KVM VM and hold it, or try to create one.
 *
 *   kvm_hold hold [READY_FILE]
 *       KVM_CREATE_VM and keep the VM (kvm_intel keeps VMX on while a VM
 *       exists) until SIGTERM or SIGINT; READY_FILE is created once the
 *       VM exists. Exit 0 after a clean release.
 *   kvm_hold try
 *       KVM_CREATE_VM once and report the result.
 *
 * Prints "kvm_hold: KVM_CREATE_VM ok" or
 * "kvm_hold: KVM_CREATE_VM failed: errno=N (NAME)".
 * Exit status: 0 VM created, 1 KVM_CREATE_VM failed, 2 no usable
 * /dev/kvm or usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = sig;
}

static const char *errno_name(int err)
{
	switch (err) {
	case EBUSY:	return "EBUSY";
	case EIO:	return "EIO";
	case EFAULT:	return "EFAULT";
	case ENODEV:	return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINVAL:	return "EINVAL";
	case ENOMEM:	return "ENOMEM";
	case EPERM:	return "EPERM";
	default:	return "?";
	}
}

static int create_vm(int *kvm_fd)
{
	int kvm, vm, api;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("kvm_hold: open /dev/kvm: %s\n", strerror(errno));
		return -2;
	}
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		printf("kvm_hold: KVM_GET_API_VERSION %d, expected %d\n",
		       api, KVM_API_VERSION);
		close(kvm);
		return -2;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		int err = errno;

		printf("kvm_hold: KVM_CREATE_VM failed: errno=%d (%s) %s\n",
		       err, errno_name(err), strerror(err));
		close(kvm);
		return -1;
	}
	printf("kvm_hold: KVM_CREATE_VM ok (fd %d)\n", vm);
	*kvm_fd = kvm;
	return vm;
}

static int hold(const char *ready)
{
	struct sigaction sa = { .sa_handler = on_stop };
	sigset_t block, old;
	int kvm, vm;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);

	vm = create_vm(&kvm);
	if (vm < 0)
		return -vm;
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			printf("kvm_hold: %s: %s\n", ready, strerror(errno));
			return 2;
		}
		close(fd);
	}
	printf("kvm_hold: holding the VM until SIGTERM\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	close(vm);
	close(kvm);
	printf("kvm_hold: VM released (signal %d)\n", (int)stop);
	return 0;
}

int main(int argc, char **argv)
{
	int kvm, vm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "hold"))
		return hold(argc == 3 ? argv[2] : NULL);
	if (argc == 2 && !strcmp(argv[1], "try")) {
		vm = create_vm(&kvm);
		if (vm < 0)
			return -vm;
		close(vm);
		close(kvm);
		return 0;
	}
	fprintf(stderr, "usage: kvm_hold hold [READY_FILE] | kvm_hold try\n");
	return 2;
}
