// SPDX-License-Identifier: GPL-2.0
/*
 * gv-poweroff: last step of the rig guest's /init.  Drains the serial console
 * (busybox `poweroff -f` lost the last lines), syncs and powers off.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec fifo = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY);

	fflush(NULL);
	tcdrain(STDOUT_FILENO);
	if (fd >= 0)
		tcdrain(fd);
	/* tcdrain waits for the driver; give the UART FIFO time to empty. */
	nanosleep(&fifo, NULL);
	sync();
	reboot(RB_POWER_OFF);
	perror("gv-poweroff: reboot(RB_POWER_OFF)");
	return 1;
}
